import '../../../test-support/setup';
import { DynamoDBDocumentClient, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { Applications, Subsidies } from '@huimin/store';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { type DocumentClientMock, outboxEvent, tableWith, transactItems } from '../../../test-support/dynamodb';
import { type Claims, claims, errorOf, httpEvent, parseResponse } from '../../../test-support/http';
import { fakeContext } from '../../../test-support/lambda';
import { APP_ID, applicationRecord, NOW, OTHER_DISTRICT, SUBSIDY_ID, subsidyRecord } from '../../../test-support/records';
import { handler } from './handler';

const ddb: DocumentClientMock = mockClient(DynamoDBDocumentClient);
const ROUTE = 'POST /subsidies/{id}/approve';

async function approve(body?: unknown, c: Claims = claims.staff()) {
  const event = httpEvent(ROUTE, { claims: c, pathParameters: { id: SUBSIDY_ID }, body, requestId: 'req-approve' });
  return parseResponse(await handler(event, fakeContext('approveSubsidy')));
}

beforeEach(() => {
  ddb.reset();
  tableWith(
    ddb,
    Subsidies.toItem(subsidyRecord({ status: 'PENDING', version: 1 })),
    Applications.toItem(applicationRecord({ status: 'AWAITING_APPROVAL', version: 2, subsidy: { id: SUBSIDY_ID, status: 'PENDING', amount: 5 } })),
  );
  ddb.on(TransactWriteCommand).resolves({});
  vi.useFakeTimers({ now: NOW, toFake: ['Date'] });
});

afterEach(() => {
  vi.useRealTimers();
});

describe('POST /subsidies/{id}/approve', () => {
  it('approves the subsidy and moves the application on to matching in one transaction', async () => {
    const res = await approve({ note: '核实无误' });

    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: SUBSIDY_ID, status: 'APPROVED', decidedBy: 'staff-1', note: '核实无误' });
    const [subsidyPut, appPut, outbox, ...rest] = transactItems(ddb);
    expect(rest).toEqual([]);
    expect(subsidyPut?.Put).toMatchObject({
      Item: { pk: `SUBSIDY#${SUBSIDY_ID}`, status: 'APPROVED', version: 2, gsi2pk: 'SUBSIDY#gsi2#320113', gsi2sk: expect.stringMatching(/^APPROVED#/) },
      ConditionExpression: '#v = :v',
      ExpressionAttributeValues: { ':v': 1 },
    });
    expect(appPut?.Put).toMatchObject({
      Item: { pk: `APP#${APP_ID}`, status: 'MATCHING', version: 3, subsidy: { id: SUBSIDY_ID, status: 'APPROVED', amount: 5 } },
      ConditionExpression: '#v = :v',
      ExpressionAttributeValues: { ':v': 2 },
    });
    expect(outboxEvent(outbox!)).toMatchObject({
      detailType: 'SubsidyApproved',
      detail: {
        metadata: { causationId: 'req-approve', idempotencyKey: `SubsidyApproved:${APP_ID}:3` },
        data: { subsidyId: SUBSIDY_ID, applicationId: APP_ID, decidedBy: 'staff-1', applicationStatus: 'MATCHING' },
      },
    });
  });

  it('takes no body at all', async () => {
    const res = await approve();

    expect(res.status).toBe(200);
    expect(ddb).toHaveReceivedCommandTimes(TransactWriteCommand, 1);
  });

  it("answers 403 to staff of another district and writes nothing", async () => {
    const res = await approve({}, claims.staff(OTHER_DISTRICT));

    expect(res.status).toBe(403);
    expect(errorOf(res)).toMatchObject({ code: 'FORBIDDEN', requestId: 'req-approve' });
    expect(ddb).not.toHaveReceivedCommand(TransactWriteCommand);
  });

  it('answers 403 to a family without reading', async () => {
    const res = await approve({}, claims.family());

    expect(res.status).toBe(403);
    expect(ddb).not.toHaveReceivedAnyCommand();
  });
});
