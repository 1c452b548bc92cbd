import '../../../test-support/setup';
import { DynamoDBDocumentClient, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { Applications, Assignments } from '@huimin/store';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { type DocumentClientMock, outboxEvent, tableWith, transactItems } from '../../../test-support/dynamodb';
import { claims, errorOf, httpEvent, issuePaths, parseResponse } from '../../../test-support/http';
import { fakeContext } from '../../../test-support/lambda';
import { APP_ID, ASSIGNMENT_ID, assignmentRecord, NOW, offeredApplication } from '../../../test-support/records';
import { handler } from './handler';

const ddb: DocumentClientMock = mockClient(DynamoDBDocumentClient);
const ROUTE = 'POST /assignments/{id}/decline';

async function decline(body: unknown, providerId = 'p-near') {
  const event = httpEvent(ROUTE, { claims: claims.provider(providerId), pathParameters: { id: ASSIGNMENT_ID }, body, requestId: 'req-decline' });
  return parseResponse(await handler(event, fakeContext('declineAssignment')));
}

beforeEach(() => {
  ddb.reset();
  const assignment = assignmentRecord();
  tableWith(ddb, Assignments.toItem(assignment), Applications.toItem(offeredApplication(assignment, { version: 4 })));
  ddb.on(TransactWriteCommand).resolves({});
  vi.useFakeTimers({ now: NOW, toFake: ['Date'] });
});

afterEach(() => {
  vi.useRealTimers();
});

describe('POST /assignments/{id}/decline', () => {
  it.each([
    ['no body', undefined],
    ['an empty object', {}],
    ['a blank reason', { reason: '   ' }],
  ])('answers 400 naming `reason` for %s, touching no table', async (_case, body) => {
    const res = await decline(body);

    expect(res.status).toBe(400);
    expect(errorOf(res)).toMatchObject({ code: 'VALIDATION_FAILED', requestId: 'req-decline' });
    expect(issuePaths(res)).toEqual(['reason']);
    expect(ddb).not.toHaveReceivedAnyCommand();
  });

  it('declines with the reason, releases the place and sends the application back to matching', async () => {
    const res = await decline({ reason: '本周人手不足' });

    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: ASSIGNMENT_ID, status: 'DECLINED', declineReason: '本周人手不足' });
    const [assignmentPut, appPut, release, outbox, ...rest] = transactItems(ddb);
    expect(rest).toEqual([]);
    expect(assignmentPut?.Put).toMatchObject({
      Item: { pk: `ASSIGN#${ASSIGNMENT_ID}`, status: 'DECLINED', declineReason: '本周人手不足', version: 2 },
      ConditionExpression: '#v = :v',
      ExpressionAttributeValues: { ':v': 1 },
    });
    expect(appPut?.Put).toMatchObject({
      Item: { pk: `APP#${APP_ID}`, status: 'MATCHING', exclusions: [{ providerId: 'p-near', until: '2026-12-04T08:00:00.000Z' }], version: 5 },
      ExpressionAttributeValues: { ':v': 4 },
    });
    expect(release?.Update).toMatchObject({ Key: { pk: 'PROVIDER#p-near', sk: 'PROVIDER' }, UpdateExpression: 'SET #r = #r - :n, #a = #a + :n' });
    expect(outboxEvent(outbox!)).toMatchObject({
      detailType: 'AssignmentDeclined',
      detail: { data: { reason: '本周人手不足', releasedProviderId: 'p-near', applicationStatus: 'MATCHING' } },
    });
  });

  it("answers 404 for another provider's assignment and writes nothing", async () => {
    const res = await decline({ reason: '太远' }, 'p-far');

    expect(res.status).toBe(404);
    expect(ddb).not.toHaveReceivedCommand(TransactWriteCommand);
  });
});
