import '../../../test-support/setup';
import { DynamoDBDocumentClient, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { Applications, Assignments } from '@huimin/store';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { type DocumentClientMock, outboxEvent, tableWith, transactItems } from '../../../test-support/dynamodb';
import { claims, errorOf, httpEvent, parseResponse } from '../../../test-support/http';
import { fakeContext } from '../../../test-support/lambda';
import { APP_ID, ASSIGNMENT_ID, assignmentRecord, NOW, offeredApplication } from '../../../test-support/records';
import { handler } from './handler';

const ddb: DocumentClientMock = mockClient(DynamoDBDocumentClient);
const ROUTE = 'POST /assignments/{id}/complete';

async function complete(providerId = 'p-near') {
  const event = httpEvent(ROUTE, { claims: claims.provider(providerId), pathParameters: { id: ASSIGNMENT_ID }, requestId: 'req-done' });
  return parseResponse(await handler(event, fakeContext('completeAssignment')));
}

function givenActiveService() {
  const assignment = assignmentRecord({ status: 'ACCEPTED', version: 2 });
  tableWith(ddb, Assignments.toItem(assignment), Applications.toItem(offeredApplication(assignment, { status: 'ACTIVE', version: 5 })));
}

beforeEach(() => {
  ddb.reset();
  ddb.on(TransactWriteCommand).resolves({});
  vi.useFakeTimers({ now: NOW, toFake: ['Date'] });
});

afterEach(() => {
  vi.useRealTimers();
});

describe('POST /assignments/{id}/complete', () => {
  it('completes the service, the application and frees the place in one transaction', async () => {
    givenActiveService();

    const res = await complete();

    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: ASSIGNMENT_ID, status: 'COMPLETED' });
    const [assignmentPut, appPut, release, outbox, ...rest] = transactItems(ddb);
    expect(rest).toEqual([]);
    expect(assignmentPut?.Put).toMatchObject({ Item: { status: 'COMPLETED', version: 3 }, ExpressionAttributeValues: { ':v': 2 } });
    expect(appPut?.Put).toMatchObject({ Item: { pk: `APP#${APP_ID}`, status: 'COMPLETED', version: 6 }, ExpressionAttributeValues: { ':v': 5 } });
    expect(release?.Update).toMatchObject({ Key: { pk: 'PROVIDER#p-near', sk: 'PROVIDER' }, UpdateExpression: 'SET #r = #r - :n, #a = #a + :n' });
    expect(outboxEvent(outbox!)).toMatchObject({
      detailType: 'AssignmentCompleted',
      detail: { data: { releasedProviderId: 'p-near', applicationStatus: 'COMPLETED' } },
    });
  });

  it('answers 409 for an offer not yet accepted', async () => {
    const assignment = assignmentRecord({ status: 'OFFERED' });
    tableWith(ddb, Assignments.toItem(assignment), Applications.toItem(offeredApplication(assignment)));

    const res = await complete();

    expect(res.status).toBe(409);
    expect(errorOf(res).code).toBe('ILLEGAL_TRANSITION');
    expect(ddb).not.toHaveReceivedCommand(TransactWriteCommand);
  });

  it("answers 404 for another provider's assignment", async () => {
    givenActiveService();

    const res = await complete('p-far');

    expect(res.status).toBe(404);
    expect(ddb).not.toHaveReceivedCommand(TransactWriteCommand);
  });
});
