import '../../../test-support/setup';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { Rounds } from '@huimin/store';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { type DocumentClientMock, tableWith } from '../../../test-support/dynamodb';
import { type Claims, claims, errorOf, httpEvent, issuePaths, parseResponse } from '../../../test-support/http';
import { fakeContext } from '../../../test-support/lambda';
import { completedRoundRecord, DISTRICT, NOW, OTHER_DISTRICT, ROUND_ID, roundRecord } from '../../../test-support/records';
import { handler } from './handler';

const ddb: DocumentClientMock = mockClient(DynamoDBDocumentClient);
const ROUTE = 'GET /allocation-rounds/{id}';

async function get(c: Claims, id = ROUND_ID) {
  const event = httpEvent(ROUTE, { claims: c, pathParameters: { id } });
  return parseResponse(await handler(event, fakeContext('getAllocationRound')));
}

beforeEach(() => {
  ddb.reset();
  tableWith(ddb, Rounds.toItem(completedRoundRecord()));
  vi.useFakeTimers({ now: NOW, toFake: ['Date'] });
});

afterEach(() => {
  vi.useRealTimers();
});

describe('GET /allocation-rounds/{id}', () => {
  it('shows staff of its district a completed round with its outcome', async () => {
    // Act
    const res = await get(claims.staff(DISTRICT));

    // Assess
    expect(res.status).toBe(200);
    expect(ddb).toHaveReceivedCommandExactlyOnceWith(GetCommand, {
      TableName: 'test-table',
      Key: { pk: `ROUND#${ROUND_ID}`, sk: 'ROUND' },
      ConsistentRead: true,
    });
    expect(res.body).toEqual({
      id: ROUND_ID,
      status: 'COMPLETED',
      type: 'meal',
      district: DISTRICT,
      requestedBy: 'staff-1',
      createdAt: '2026-11-27T07:59:00.000Z',
      completedAt: '2026-11-27T07:59:30.000Z',
      considered: 3,
      planned: 2,
      offered: 2,
      conflicts: 0,
      stillWaiting: 1,
      objective: 612,
      policyVersion: 'meal-subsidy/2026.1',
    });
  });

  it('shows a running round without an outcome', async () => {
    // Prepare
    tableWith(ddb, Rounds.toItem(roundRecord()));

    // Act
    const res = await get(claims.staff(DISTRICT));

    // Assess
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      id: ROUND_ID,
      status: 'RUNNING',
      type: 'meal',
      district: DISTRICT,
      requestedBy: 'staff-1',
      createdAt: '2026-11-27T07:59:00.000Z',
    });
  });

  it('answers 403 to staff of another district', async () => {
    const res = await get(claims.staff(OTHER_DISTRICT));

    expect(res.status).toBe(403);
    expect(errorOf(res).code).toBe('FORBIDDEN');
    expect(res.rawBody).not.toContain('staff-1');
  });

  it('answers 404 for a round that does not exist', async () => {
    const res = await get(claims.staff(DISTRICT), 'no-such-round');

    expect(res.status).toBe(404);
    expect(errorOf(res).code).toBe('NOT_FOUND');
    expect(ddb).toHaveReceivedCommandWith(GetCommand, { Key: { pk: 'ROUND#no-such-round', sk: 'ROUND' } });
  });

  it('refuses an id that could not be a key, without reading', async () => {
    const res = await get(claims.staff(DISTRICT), 'a#b');

    expect(res.status).toBe(400);
    expect(issuePaths(res)).toEqual(['path.id']);
    expect(ddb).not.toHaveReceivedAnyCommand();
  });

  it.each([
    ['a family', claims.family()],
    ['a provider', claims.provider()],
  ])('answers 403 to %s without reading', async (_who, c) => {
    const res = await get(c);

    expect(res.status).toBe(403);
    expect(ddb).not.toHaveReceivedAnyCommand();
  });
});
