import '../../../test-support/setup';
import { DynamoDBDocumentClient, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { Applications, Subsidies } from '@huimin/store';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { type DocumentClientMock, outboxEvent, tableWith, transactItems } from '../../../test-support/dynamodb';
import { claims, errorOf, httpEvent, issuePaths, parseResponse } from '../../../test-support/http';
import { fakeContext } from '../../../test-support/lambda';
import { APP_ID, applicationRecord, NOW, SUBSIDY_ID, subsidyRecord } from '../../../test-support/records';
import { handler } from './handler';

const ddb: DocumentClientMock = mockClient(DynamoDBDocumentClient);
const ROUTE = 'POST /subsidies/{id}/reject';

async function reject(body?: unknown) {
  const event = httpEvent(ROUTE, { claims: claims.staff(), pathParameters: { id: SUBSIDY_ID }, body, requestId: 'req-reject' });
  return parseResponse(await handler(event, fakeContext('rejectSubsidy')));
}

beforeEach(() => {
  ddb.reset();
  ddb.on(TransactWriteCommand).resolves({});
  vi.useFakeTimers({ now: NOW, toFake: ['Date'] });
});

afterEach(() => {
  vi.useRealTimers();
});

describe('POST /subsidies/{id}/reject', () => {
  it('answers 400 naming `reason` when there is none, touching no table', async () => {
    const res = await reject({});

    expect(res.status).toBe(400);
    expect(issuePaths(res)).toEqual(['reason']);
    expect(ddb).not.toHaveReceivedAnyCommand();
  });

  it('rejects the subsidy and ends the application as REJECTED', async () => {
    tableWith(
      ddb,
      Subsidies.toItem(subsidyRecord({ status: 'PENDING', version: 1 })),
      Applications.toItem(applicationRecord({ status: 'AWAITING_APPROVAL', version: 2, subsidy: { id: SUBSIDY_ID, status: 'PENDING', amount: 5 } })),
    );

    const res = await reject({ reason: '户籍核查未通过' });

    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'REJECTED', reason: '户籍核查未通过', decidedBy: 'staff-1' });
    const [subsidyPut, appPut, outbox] = transactItems(ddb);
    expect(subsidyPut?.Put).toMatchObject({ Item: { status: 'REJECTED', reason: '户籍核查未通过' }, ExpressionAttributeValues: { ':v': 1 } });
    expect(appPut?.Put).toMatchObject({ Item: { pk: `APP#${APP_ID}`, status: 'REJECTED' }, ExpressionAttributeValues: { ':v': 2 } });
    expect(outboxEvent(outbox!)).toMatchObject({
      detailType: 'SubsidyRejected',
      detail: { data: { reason: '户籍核查未通过', applicationStatus: 'REJECTED' } },
    });
  });

  it('answers 409 for a subsidy already approved', async () => {
    tableWith(ddb, Subsidies.toItem(subsidyRecord({ status: 'APPROVED', version: 2 })));

    const res = await reject({ reason: '复核不通过' });

    expect(res.status).toBe(409);
    expect(errorOf(res).code).toBe('ILLEGAL_TRANSITION');
    expect(ddb).not.toHaveReceivedCommand(TransactWriteCommand);
  });

  it('answers 404 for a subsidy that does not exist', async () => {
    tableWith(ddb);

    const res = await reject({ reason: '复核不通过' });

    expect(res.status).toBe(404);
    expect(ddb).not.toHaveReceivedCommand(TransactWriteCommand);
  });
});
