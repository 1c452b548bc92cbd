import '../../../test-support/setup';
import { DynamoDBDocumentClient, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { type DocumentClientMock, outboxEvent, putWithPrefix, transactItems, transactionCancelled, UUID } from '../../../test-support/dynamodb';
import { type Claims, claims, errorOf, httpEvent, issuePaths, parseResponse } from '../../../test-support/http';
import { fakeContext } from '../../../test-support/lambda';
import { DISTRICT, NOW } from '../../../test-support/records';
import { handler } from './handler';

const ddb: DocumentClientMock = mockClient(DynamoDBDocumentClient);
const ROUTE = 'POST /allocation-rounds';

async function post(c: Claims, body: unknown = { type: 'meal' }) {
  const event = httpEvent(ROUTE, { claims: c, body, requestId: 'req-88' });
  return parseResponse(await handler(event, fakeContext('runAllocationRound')));
}

beforeEach(() => {
  ddb.reset();
  ddb.on(TransactWriteCommand).resolves({});
  vi.useFakeTimers({ now: NOW, toFake: ['Date'] });
});

afterEach(() => {
  vi.useRealTimers();
});

describe('POST /allocation-rounds', () => {
  it('records a RUNNING round and its AllocationRoundRequested event in one transaction, and answers 202', async () => {
    // Act
    const res = await post(claims.staff(DISTRICT, 'staff-1'));

    // Assess
    expect(res.status).toBe(202);
    const body = res.body as { id: string };
    expect(body.id).toMatch(UUID);
    expect(res.body).toEqual({ id: body.id, status: 'RUNNING', type: 'meal', district: DISTRICT, requestedBy: 'staff-1', createdAt: NOW.toISOString() });
    expect(ddb).toHaveReceivedCommandTimes(TransactWriteCommand, 1);
    const items = transactItems(ddb);
    expect(items).toHaveLength(2);
    expect(putWithPrefix(items, 'ROUND#')).toEqual({
      TableName: 'test-table',
      ConditionExpression: 'attribute_not_exists(pk)',
      Item: {
        pk: `ROUND#${body.id}`,
        sk: 'ROUND',
        entity: 'ROUND',
        // A district's rounds, newest first.
        gsi1pk: `ROUND#gsi1#${DISTRICT}`,
        gsi1sk: `${NOW.toISOString()}#${body.id}`,
        id: body.id,
        type: 'meal',
        district: DISTRICT,
        status: 'RUNNING',
        requestedBy: 'staff-1',
        createdAt: NOW.toISOString(),
        updatedAt: NOW.toISOString(),
        version: 1,
      },
    });
    const outbox = items.find((i) => String(i.Put?.Item?.pk).startsWith('OUTBOX#'));
    expect(outboxEvent(outbox!)).toEqual({
      source: 'huimin.care',
      detailType: 'AllocationRoundRequested',
      detail: {
        metadata: {
          schemaVersion: 1,
          eventId: expect.stringMatching(UUID),
          correlationId: body.id,
          causationId: 'req-88',
          idempotencyKey: `AllocationRoundRequested:${body.id}:1`,
          occurredAt: NOW.toISOString(),
        },
        data: { roundId: body.id, type: 'meal', district: DISTRICT, requestedBy: 'staff-1' },
      },
    });
  });

  it('takes the district from the token, not the body', async () => {
    const res = await post(claims.staff('320102'), { type: 'meal', district: DISTRICT });

    expect(res.status).toBe(202);
    expect(putWithPrefix(transactItems(ddb), 'ROUND#').Item).toMatchObject({ district: '320102', gsi1pk: 'ROUND#gsi1#320102' });
  });

  it('publishes a lottery seed on a stable (childcare) round when it is requested, and none on an optimal one', async () => {
    const childcare = await post(claims.staff(), { type: 'childcare' });

    expect(childcare.status).toBe(202);
    const seed = putWithPrefix(transactItems(ddb), 'ROUND#').Item?.lotterySeed;
    expect(Number.isInteger(seed) && seed >= 0 && seed < 2 ** 32).toBe(true);
    ddb.resetHistory();
    await post(claims.staff(), { type: 'meal' });
    expect(putWithPrefix(transactItems(ddb), 'ROUND#').Item).not.toHaveProperty('lotterySeed');
  });

  it('answers 400 for a programme without rounds (retrofits, not open yet), writing nothing', async () => {
    const res = await post(claims.staff(), { type: 'retrofit' });

    expect(res.status).toBe(400);
    expect(issuePaths(res)).toEqual(['type']);
    expect(ddb).not.toHaveReceivedAnyCommand();
  });

  it.each([
    ['a family', claims.family()],
    ['a provider', claims.provider()],
  ])('answers 403 to %s, writing nothing', async (_who, c) => {
    const res = await post(c);

    expect(res.status).toBe(403);
    expect(errorOf(res).code).toBe('FORBIDDEN');
    expect(ddb).not.toHaveReceivedAnyCommand();
  });

  it('answers 409 when the transaction keeps losing to concurrent writers', async () => {
    ddb.on(TransactWriteCommand).rejects(transactionCancelled('TransactionConflict', 'None'));

    const res = await post(claims.staff());

    expect(res.status).toBe(409);
  });
});
