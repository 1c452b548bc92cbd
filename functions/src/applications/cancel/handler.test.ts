import '../../../test-support/setup';
import { DynamoDBDocumentClient, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { Applications, Assignments, Subsidies } from '@huimin/store';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { type DocumentClientMock, outboxEvent, tableWith, transactItems, transactionCancelled } from '../../../test-support/dynamodb';
import { type Claims, claims, errorOf, httpEvent, parseResponse } from '../../../test-support/http';
import { fakeContext } from '../../../test-support/lambda';
import {
  APP_ID,
  ASSIGNMENT_ID,
  applicationRecord,
  assignmentRecord,
  NOW,
  offeredApplication,
  SUBSIDY_ID,
  subsidyRecord,
} from '../../../test-support/records';
import { handler } from './handler';

const ddb: DocumentClientMock = mockClient(DynamoDBDocumentClient);
const ROUTE = 'POST /applications/{id}/cancel';

async function cancel(c: Claims = claims.family('fam-1')) {
  const event = httpEvent(ROUTE, { claims: c, pathParameters: { id: APP_ID }, requestId: 'req-cancel' });
  return parseResponse(await handler(event, fakeContext('cancelApplication')));
}

beforeEach(() => {
  ddb.reset();
  ddb.on(TransactWriteCommand).resolves({});
  vi.useFakeTimers({ now: NOW, toFake: ['Date'] });
});

afterEach(() => {
  vi.useRealTimers();
});

describe('POST /applications/{id}/cancel', () => {
  it('cancels an application, its offer and its subsidy, and releases the reserved place', async () => {
    // Prepare
    const assignment = assignmentRecord();
    const app = offeredApplication(assignment, { subsidy: { id: SUBSIDY_ID, status: 'APPROVED', amount: 10 } });
    tableWith(ddb, Applications.toItem(app), Assignments.toItem(assignment), Subsidies.toItem(subsidyRecord({ status: 'APPROVED', amount: 10 })));

    // Act
    const res = await cancel();

    // Assess
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: APP_ID, status: 'CANCELLED', assignment: { status: 'CANCELLED' }, subsidy: { status: 'CANCELLED' } });
    const [appPut, assignmentPut, release, subsidyPut, outbox, ...rest] = transactItems(ddb);
    expect(rest).toEqual([]);
    expect(appPut?.Put).toMatchObject({
      Item: { pk: `APP#${APP_ID}`, status: 'CANCELLED', version: 5, gsi3pk: 'APP#gsi3#320113#meal#CANCELLED' },
      ConditionExpression: '#v = :v',
      ExpressionAttributeNames: { '#v': 'version' },
      ExpressionAttributeValues: { ':v': 4 },
    });
    expect(assignmentPut?.Put).toMatchObject({
      Item: { pk: `ASSIGN#${ASSIGNMENT_ID}`, status: 'CANCELLED', version: 2 },
      ConditionExpression: '#v = :v',
      ExpressionAttributeValues: { ':v': 1 },
    });
    // No longer an open offer: the sparse expiry index drops it.
    expect(assignmentPut?.Put?.Item).not.toHaveProperty('gsi3pk');
    expect(release?.Update).toEqual({
      TableName: 'test-table',
      Key: { pk: 'PROVIDER#p-near', sk: 'PROVIDER' },
      UpdateExpression: 'SET #r = #r - :n, #a = #a + :n',
      ConditionExpression: 'attribute_exists(pk) AND #r >= :n',
      ExpressionAttributeNames: { '#r': 'reserved', '#a': 'available' },
      ExpressionAttributeValues: { ':n': 1 },
    });
    expect(subsidyPut?.Put).toMatchObject({ Item: { pk: `SUBSIDY#${SUBSIDY_ID}`, status: 'CANCELLED' }, ExpressionAttributeValues: { ':v': 1 } });
    expect(outboxEvent(outbox!)).toMatchObject({
      detailType: 'ApplicationCancelled',
      source: 'huimin.care',
      detail: {
        metadata: { causationId: 'req-cancel', correlationId: APP_ID, idempotencyKey: `ApplicationCancelled:${APP_ID}:5` },
        data: { applicationId: APP_ID, applicationStatus: 'CANCELLED', releasedProviderId: 'p-near' },
      },
    });
  });

  it('cancels an application still being matched with only the application and its event', async () => {
    tableWith(ddb, Applications.toItem(applicationRecord({ status: 'MATCHING', version: 2 })));

    const res = await cancel();

    expect(res.status).toBe(200);
    const items = transactItems(ddb);
    expect(items.map((i) => i.Put?.Item?.entity)).toEqual(['APP', 'OUTBOX']);
    expect(outboxEvent(items[1]!).detail.data).not.toHaveProperty('releasedProviderId');
  });

  it('answers a second cancel as the first, writing nothing', async () => {
    tableWith(ddb, Applications.toItem(applicationRecord({ status: 'CANCELLED', version: 3 })));

    const res = await cancel();

    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'CANCELLED' });
    expect(ddb).not.toHaveReceivedCommand(TransactWriteCommand);
  });

  it('tries again on what it re-reads when the assessment moved the application meanwhile, and gives a 409 only if it keeps changing', async () => {
    tableWith(ddb, Applications.toItem(applicationRecord({ status: 'SUBMITTED' })));
    ddb.on(TransactWriteCommand).rejectsOnce(transactionCancelled('ConditionalCheckFailed', 'None')).resolves({});

    const retried = await cancel();

    expect(retried.status).toBe(200);
    expect(ddb).toHaveReceivedCommandTimes(TransactWriteCommand, 2);

    ddb.on(TransactWriteCommand).rejects(transactionCancelled('ConditionalCheckFailed', 'None'));
    const stillChanging = await cancel();

    expect(stillChanging.status).toBe(409);
    expect(ddb).toHaveReceivedCommandTimes(TransactWriteCommand, 2 + 4);
  });

  it('answers 409 for an application already completed', async () => {
    tableWith(ddb, Applications.toItem(applicationRecord({ status: 'COMPLETED', version: 7 })));

    const res = await cancel();

    expect(res.status).toBe(409);
    expect(errorOf(res).code).toBe('ILLEGAL_TRANSITION');
    expect(ddb).not.toHaveReceivedCommand(TransactWriteCommand);
  });

  it("answers 404 for another family's application and writes nothing", async () => {
    tableWith(ddb, Applications.toItem(applicationRecord({ status: 'MATCHING' })));

    const res = await cancel(claims.family('fam-2'));

    expect(res.status).toBe(404);
    expect(ddb).not.toHaveReceivedCommand(TransactWriteCommand);
  });

  it('answers 403 to staff, whom the route does not admit', async () => {
    const res = await cancel(claims.staff());

    expect(res.status).toBe(403);
    expect(ddb).not.toHaveReceivedAnyCommand();
  });
});
