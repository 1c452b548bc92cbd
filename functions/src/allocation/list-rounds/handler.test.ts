import '../../../test-support/setup';
import { DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { Rounds } from '@huimin/store';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { type DocumentClientMock, tableWith } from '../../../test-support/dynamodb';
import { type Claims, claims, errorOf, httpEvent, issuePaths, parseResponse } from '../../../test-support/http';
import { fakeContext } from '../../../test-support/lambda';
import { completedRoundRecord, DISTRICT, NOW, OTHER_DISTRICT, ROUND_ID, roundRecord } from '../../../test-support/records';
import { handler } from './handler';

const ddb: DocumentClientMock = mockClient(DynamoDBDocumentClient);
const ROUTE = 'GET /allocation-rounds';
const LATER_ID = 'f1b2c3d4-0000-4000-8000-000000000005';

async function list(c: Claims, query?: Record<string, string>) {
  const event = httpEvent(ROUTE, { claims: c, ...(query ? { queryStringParameters: query } : {}) });
  return parseResponse(await handler(event, fakeContext('listAllocationRounds')));
}

beforeEach(() => {
  ddb.reset();
  tableWith(ddb);
  // Newest first, as gsi1 answers when read backwards.
  ddb.on(QueryCommand).resolves({
    Items: [roundRecord({ id: LATER_ID, createdAt: '2026-11-27T07:59:50.000Z' }), completedRoundRecord()].map((r) => Rounds.toItem(r)),
  });
  vi.useFakeTimers({ now: NOW, toFake: ['Date'] });
});

afterEach(() => {
  vi.useRealTimers();
});

describe('GET /allocation-rounds', () => {
  it("queries gsi1 backwards for the district's rounds, newest first", async () => {
    // Act
    const res = await list(claims.staff(DISTRICT));

    // Assess
    expect(res.status).toBe(200);
    expect(ddb).toHaveReceivedCommandExactlyOnceWith(QueryCommand, {
      TableName: 'test-table',
      IndexName: 'gsi1',
      KeyConditionExpression: '#pk = :pk',
      ExpressionAttributeNames: { '#pk': 'gsi1pk' },
      ExpressionAttributeValues: { ':pk': `ROUND#gsi1#${DISTRICT}` },
      ScanIndexForward: false,
      Limit: 50,
    });
    const { items } = res.body as { items: Record<string, unknown>[] };
    expect(items.map((r) => [r.id, r.status])).toEqual([
      [LATER_ID, 'RUNNING'],
      [ROUND_ID, 'COMPLETED'],
    ]);
    expect(items[1]).toMatchObject({ offered: 2, stillWaiting: 1 });
    expect(items[0]).not.toHaveProperty('offered');
    expect(items[0]).not.toHaveProperty('version');
    expect(items[0]).not.toHaveProperty('gsi1pk');
    expect(res.body).not.toHaveProperty('nextToken');
  });

  it('reads the district from the token, whatever the query says', async () => {
    await list(claims.staff(OTHER_DISTRICT), { district: DISTRICT });

    expect(ddb).toHaveReceivedCommandWith(QueryCommand, { ExpressionAttributeValues: { ':pk': `ROUND#gsi1#${OTHER_DISTRICT}` } });
  });

  it('passes nextToken back as the exclusive start key', async () => {
    const lastKey = { pk: `ROUND#${ROUND_ID}`, sk: 'ROUND', gsi1pk: `ROUND#gsi1#${DISTRICT}`, gsi1sk: `2026-11-27T07:59:00.000Z#${ROUND_ID}` };
    ddb.on(QueryCommand).resolvesOnce({ Items: [], LastEvaluatedKey: lastKey }).resolves({ Items: [] });

    const first = await list(claims.staff(), { limit: '1' });
    await list(claims.staff(), { limit: '1', nextToken: (first.body as { nextToken: string }).nextToken });

    expect(ddb).toHaveReceivedNthCommandWith(QueryCommand, 2, { ExclusiveStartKey: lastKey, Limit: 1 });
  });

  it('answers 400 for a nextToken this API did not issue', async () => {
    const res = await list(claims.staff(), { nextToken: 'not-a-token' });

    expect(res.status).toBe(400);
    expect(issuePaths(res)).toEqual(['nextToken']);
  });

  it.each([
    ['a family', claims.family()],
    ['a provider', claims.provider()],
  ])('answers 403 to %s without querying', async (_who, c) => {
    const res = await list(c);

    expect(res.status).toBe(403);
    expect(errorOf(res).code).toBe('FORBIDDEN');
    expect(ddb).not.toHaveReceivedAnyCommand();
  });
});
