import '../../../test-support/setup';
import { DynamoDBDocumentClient, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { Providers } from '@huimin/store';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { type DocumentClientMock, outboxEvent, tableWith, transactItems, transactionCancelled } from '../../../test-support/dynamodb';
import { type Claims, claims, errorOf, httpEvent, issuePaths, parseResponse } from '../../../test-support/http';
import { fakeContext } from '../../../test-support/lambda';
import { DISTRICT, NOW, OTHER_DISTRICT, providerRecord } from '../../../test-support/records';
import { handler } from './handler';

const ddb: DocumentClientMock = mockClient(DynamoDBDocumentClient);
const ROUTE = 'PUT /providers/{id}/capacity';

async function setCapacity(body: unknown, c: Claims = claims.provider('p-near'), id = 'p-near') {
  const event = httpEvent(ROUTE, { claims: c, pathParameters: { id }, body, requestId: 'req-cap' });
  return parseResponse(await handler(event, fakeContext('setProviderCapacity')));
}

beforeEach(() => {
  ddb.reset();
  tableWith(ddb, Providers.toItem(providerRecord({ capacity: 40, reserved: 12 })));
  ddb.on(TransactWriteCommand).resolves({});
  vi.useFakeTimers({ now: NOW, toFake: ['Date'] });
});

afterEach(() => {
  vi.useRealTimers();
});

describe('PUT /providers/{id}/capacity', () => {
  it('lets a provider set its own capacity, never below the places held', async () => {
    const res = await setCapacity({ capacity: 50 });

    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: 'p-near', capacity: 50, reserved: 12 });
    const [update, outbox, ...rest] = transactItems(ddb);
    expect(rest).toEqual([]);
    expect(update?.Update).toEqual({
      TableName: 'test-table',
      Key: { pk: 'PROVIDER#p-near', sk: 'PROVIDER' },
      UpdateExpression: 'SET #c = :c, #a = :c - #r',
      ConditionExpression: 'attribute_exists(pk) AND #r <= :c',
      ExpressionAttributeNames: { '#c': 'capacity', '#r': 'reserved', '#a': 'available' },
      ExpressionAttributeValues: { ':c': 50 },
    });
    expect(outboxEvent(outbox!)).toMatchObject({
      detailType: 'CapacityDeclared',
      detail: { data: { providerId: 'p-near', district: DISTRICT, capacity: 50, releasedProviderId: 'p-near' } },
    });
  });

  it('lets staff of its district set it', async () => {
    const res = await setCapacity({ capacity: 12 }, claims.staff(DISTRICT));

    expect(res.status).toBe(200);
    // No free place after the change: nothing to wake on the waitlist.
    expect(outboxEvent(transactItems(ddb)[1]!).detail.data).not.toHaveProperty('releasedProviderId');
  });

  it('answers 409 for a capacity below the places already held, writing nothing', async () => {
    const res = await setCapacity({ capacity: 11 });

    expect(res.status).toBe(409);
    expect(errorOf(res).code).toBe('CAPACITY_BELOW_RESERVED');
    expect(ddb).not.toHaveReceivedCommand(TransactWriteCommand);
  });

  it('answers 409 when places were taken between the read and the write', async () => {
    ddb.on(TransactWriteCommand).rejects(transactionCancelled('ConditionalCheckFailed', 'None'));

    const res = await setCapacity({ capacity: 13 });

    expect(res.status).toBe(409);
    expect(errorOf(res)).toMatchObject({ code: 'CAPACITY_BELOW_RESERVED', requestId: 'req-cap' });
  });

  it("answers 404 to another provider and 403 to another district's staff", async () => {
    const otherProvider = await setCapacity({ capacity: 50 }, claims.provider('p-far'));
    const otherStaff = await setCapacity({ capacity: 50 }, claims.staff(OTHER_DISTRICT));

    expect(otherProvider.status).toBe(404);
    expect(otherStaff.status).toBe(403);
    expect(ddb).not.toHaveReceivedCommand(TransactWriteCommand);
  });

  it('answers 400 for a capacity that is not a whole number', async () => {
    const res = await setCapacity({ capacity: 2.5 });

    expect(res.status).toBe(400);
    expect(issuePaths(res)).toEqual(['capacity']);
    expect(ddb).not.toHaveReceivedAnyCommand();
  });

  describe('a nursery: places per age class', () => {
    const nursery = () =>
      providerRecord({
        id: 'nursery-1',
        kind: 'childcare',
        capacity: 20,
        reserved: 3,
        pools: { infant: { capacity: 4, reserved: 1, available: 3 }, toddler: { capacity: 8, reserved: 2, available: 6 }, older: { capacity: 8, reserved: 0, available: 8 } },
      });

    it('sets each class under its own condition, the totals their sums', async () => {
      tableWith(ddb, Providers.toItem(nursery()));

      const res = await setCapacity({ places: { infant: 2, toddler: 10, older: 8 } }, claims.staff(DISTRICT), 'nursery-1');

      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ capacity: 20, reserved: 3, available: 17, pools: { infant: { capacity: 2, reserved: 1, available: 1 }, toddler: { capacity: 10, available: 8 } } });
      const update = transactItems(ddb)[0]?.Update;
      expect(update?.ConditionExpression).toBe('attribute_exists(pk) AND #r <= :c AND #p.#k0.#r <= :c0 AND #p.#k1.#r <= :c1 AND #p.#k2.#r <= :c2');
      expect(update?.ExpressionAttributeNames).toMatchObject({ '#k0': 'infant', '#k1': 'toddler', '#k2': 'older' });
      expect(update?.ExpressionAttributeValues).toEqual({ ':c': 20, ':c0': 2, ':c1': 10, ':c2': 8 });
    });

    it('answers 409 for a class below the places it holds, and 400 naming a class left out, writing nothing', async () => {
      tableWith(ddb, Providers.toItem(nursery()));

      const below = await setCapacity({ places: { infant: 0, toddler: 10, older: 8 } }, claims.staff(DISTRICT), 'nursery-1');
      const missing = await setCapacity({ places: { infant: 4, older: 8 } }, claims.staff(DISTRICT), 'nursery-1');
      const number = await setCapacity({ capacity: 20 }, claims.staff(DISTRICT), 'nursery-1');

      expect(below.status).toBe(409);
      expect(errorOf(below).code).toBe('CAPACITY_BELOW_RESERVED');
      expect(missing.status).toBe(400);
      expect(issuePaths(missing)).toEqual(['places.toddler']);
      expect(number.status).toBe(400);
      expect(issuePaths(number)).toEqual(['places.infant', 'places.toddler', 'places.older']);
      expect(ddb).not.toHaveReceivedCommand(TransactWriteCommand);
    });
  });
});
