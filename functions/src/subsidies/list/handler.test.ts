import '../../../test-support/setup';
import { BatchGetCommand, DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { Applications, Subsidies } from '@huimin/store';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { type DocumentClientMock, tableWith } from '../../../test-support/dynamodb';
import { type Claims, claims, errorOf, groupsAsArray, httpEvent, issuePaths, parseResponse } from '../../../test-support/http';
import { fakeContext } from '../../../test-support/lambda';
import { applicationRecord, DISTRICT, NOW, OTHER_DISTRICT, SUBSIDY_ID, subsidyRecord } from '../../../test-support/records';
import { handler } from './handler';

const ddb: DocumentClientMock = mockClient(DynamoDBDocumentClient);
const ROUTE = 'GET /subsidies';

async function list(c: Claims, query?: Record<string, string>) {
  const event = httpEvent(ROUTE, { claims: c, ...(query ? { queryStringParameters: query } : {}) });
  return parseResponse(await handler(event, fakeContext('listSubsidies')));
}

beforeEach(() => {
  ddb.reset();
  tableWith(ddb);
  ddb.on(QueryCommand).resolves({ Items: [Subsidies.toItem(subsidyRecord())] });
  ddb.on(BatchGetCommand).resolves({ Responses: { 'test-table': [Applications.toItem(applicationRecord())] } });
  vi.useFakeTimers({ now: NOW, toFake: ['Date'] });
});

afterEach(() => {
  vi.useRealTimers();
});

describe('GET /subsidies', () => {
  it("queries gsi2 for the district's subsidies with the status as sort-key prefix", async () => {
    // Act
    const res = await list(claims.staff(DISTRICT), { status: 'PENDING' });

    // Assess
    expect(res.status).toBe(200);
    expect(ddb).toHaveReceivedCommandExactlyOnceWith(QueryCommand, {
      TableName: 'test-table',
      IndexName: 'gsi2',
      KeyConditionExpression: '#pk = :pk AND begins_with(#sk, :sk)',
      ExpressionAttributeNames: { '#pk': 'gsi2pk', '#sk': 'gsi2sk' },
      ExpressionAttributeValues: { ':pk': `SUBSIDY#gsi2#${DISTRICT}`, ':sk': 'PENDING#' },
      ScanIndexForward: false,
      Limit: 50,
    });
    expect(res.body).toEqual({ items: [expect.objectContaining({ id: SUBSIDY_ID, status: 'PENDING', amount: 5, district: DISTRICT, applicant: applicationRecord().applicant })] });
    const [item] = (res.body as { items: Record<string, unknown>[] }).items;
    expect(item).not.toHaveProperty('version');
    expect(item).not.toHaveProperty('gsi2pk');
  });

  it('lists every status without a sort-key condition', async () => {
    await list(claims.staff(DISTRICT));

    expect(ddb).toHaveReceivedCommandWith(QueryCommand, {
      KeyConditionExpression: '#pk = :pk',
      ExpressionAttributeNames: { '#pk': 'gsi2pk' },
      ExpressionAttributeValues: { ':pk': `SUBSIDY#gsi2#${DISTRICT}` },
    });
  });

  it('reads the district from the token, whatever the query says', async () => {
    await list(groupsAsArray(claims.staff(OTHER_DISTRICT)), { status: 'APPROVED', district: DISTRICT });

    expect(ddb).toHaveReceivedCommandWith(QueryCommand, {
      ExpressionAttributeValues: { ':pk': `SUBSIDY#gsi2#${OTHER_DISTRICT}`, ':sk': 'APPROVED#' },
    });
  });

  it('passes nextToken back as the exclusive start key', async () => {
    const lastKey = { pk: `SUBSIDY#${SUBSIDY_ID}`, sk: 'SUBSIDY', gsi2pk: `SUBSIDY#gsi2#${DISTRICT}`, gsi2sk: `PENDING#2026-11-20T02:00:05.000Z#${SUBSIDY_ID}` };
    ddb.on(QueryCommand).resolvesOnce({ Items: [], LastEvaluatedKey: lastKey }).resolves({ Items: [] });

    const first = await list(claims.staff(), { status: 'PENDING', limit: '1' });
    await list(claims.staff(), { status: 'PENDING', limit: '1', nextToken: (first.body as { nextToken: string }).nextToken });

    expect(ddb).toHaveReceivedNthCommandWith(QueryCommand, 2, { ExclusiveStartKey: lastKey, Limit: 1 });
  });

  it('answers 400 for an unknown status without querying', async () => {
    const res = await list(claims.staff(), { status: 'MAYBE' });

    expect(res.status).toBe(400);
    expect(issuePaths(res)).toEqual(['query.status']);
    expect(ddb).not.toHaveReceivedAnyCommand();
  });

  it.each([
    ['a family', claims.family()],
    ['a provider', claims.provider()],
  ])('answers 403 to %s', async (_who, c) => {
    const res = await list(c);

    expect(res.status).toBe(403);
    expect(errorOf(res).code).toBe('FORBIDDEN');
    expect(ddb).not.toHaveReceivedAnyCommand();
  });
});
