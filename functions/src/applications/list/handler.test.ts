import '../../../test-support/setup';
import { DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { Applications } from '@huimin/store';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { type DocumentClientMock, tableWith } from '../../../test-support/dynamodb';
import { type Claims, claims, errorOf, httpEvent, issuePaths, parseResponse } from '../../../test-support/http';
import { fakeContext } from '../../../test-support/lambda';
import { APP_ID, applicationRecord, DISTRICT, NOW, SUBJECT_ID_NUMBER } from '../../../test-support/records';
import { handler } from './handler';

const ddb: DocumentClientMock = mockClient(DynamoDBDocumentClient);
const ROUTE = 'GET /applications';

async function list(c: Claims, query?: Record<string, string>) {
  const event = httpEvent(ROUTE, { claims: c, ...(query ? { queryStringParameters: query } : {}) });
  return parseResponse(await handler(event, fakeContext('listApplications')));
}

beforeEach(() => {
  ddb.reset();
  tableWith(ddb);
  ddb.on(QueryCommand).resolves({ Items: [Applications.toItem(applicationRecord())] });
  vi.useFakeTimers({ now: NOW, toFake: ['Date'] });
});

afterEach(() => {
  vi.useRealTimers();
});

describe('GET /applications', () => {
  it("lists a family's own applications from gsi1, newest first", async () => {
    const res = await list(claims.family('fam-1'));

    expect(res.status).toBe(200);
    expect(ddb).toHaveReceivedCommandExactlyOnceWith(QueryCommand, {
      TableName: 'test-table',
      IndexName: 'gsi1',
      KeyConditionExpression: '#pk = :pk',
      ExpressionAttributeNames: { '#pk': 'gsi1pk' },
      ExpressionAttributeValues: { ':pk': 'APP#gsi1#fam-1' },
      ScanIndexForward: false,
      Limit: 50,
    });
    expect(res.body).toEqual({ items: [expect.objectContaining({ id: APP_ID, status: 'SUBMITTED', subject: { name: '王秀英' } })] });
    expect(res.rawBody).not.toContain(SUBJECT_ID_NUMBER);
  });

  it("lists the staff member's district from gsi2, filtered by status and type", async () => {
    const res = await list(claims.staff(), { status: 'WAITLISTED', type: 'meal', limit: '10' });

    expect(res.status).toBe(200);
    expect(ddb).toHaveReceivedCommandWith(QueryCommand, {
      IndexName: 'gsi2',
      KeyConditionExpression: '#pk = :pk',
      FilterExpression: '#f_status = :f_status AND #f_type = :f_type',
      ExpressionAttributeNames: { '#pk': 'gsi2pk', '#f_status': 'status', '#f_type': 'type' },
      ExpressionAttributeValues: { ':pk': `APP#gsi2#${DISTRICT}`, ':f_status': 'WAITLISTED', ':f_type': 'meal' },
      Limit: 10,
    });
  });

  it('pages with an opaque nextToken that it reads back', async () => {
    const lastKey = { pk: `APP#${APP_ID}`, sk: 'APP', gsi1pk: 'APP#gsi1#fam-1', gsi1sk: `2026-11-20T02:00:00.000Z#${APP_ID}` };
    ddb.on(QueryCommand).resolvesOnce({ Items: [], LastEvaluatedKey: lastKey }).resolves({ Items: [] });

    const first = await list(claims.family('fam-1'));
    const { nextToken } = first.body as { nextToken: string };
    await list(claims.family('fam-1'), { nextToken });

    expect(nextToken).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
    expect(ddb).toHaveReceivedNthCommandWith(QueryCommand, 2, { ExclusiveStartKey: lastKey });
  });

  it('refuses with 400 a token edited, made up, or replayed by another family, and never queries with it', async () => {
    const lastKey = { pk: `APP#${APP_ID}`, sk: 'APP', gsi1pk: 'APP#gsi1#fam-1', gsi1sk: `2026-11-20T02:00:00.000Z#${APP_ID}` };
    ddb.on(QueryCommand).resolvesOnce({ Items: [], LastEvaluatedKey: lastKey }).resolves({ Items: [] });
    const { nextToken } = (await list(claims.family('fam-1'))).body as { nextToken: string };
    const [payload, mac] = nextToken.split('.') as [string, string];
    const forged = Buffer.from(JSON.stringify({ ...lastKey, gsi1pk: 'APP#gsi1#fam-2' })).toString('base64url');

    for (const [who, token] of [
      ['fam-2', nextToken],
      ['fam-1', `${forged}.${mac}`],
      ['fam-1', Buffer.from('{"pk":"x"}').toString('base64url')],
      ['fam-1', `${payload}.${mac}x`],
      ['fam-1', `${payload}.${mac}.${mac}`],
    ] as const) {
      const res = await list(claims.family(who), { nextToken: token });
      expect(res.status, `${who} ${token}`).toBe(400);
      expect(issuePaths(res)).toEqual(['nextToken']);
    }
    expect(ddb).toHaveReceivedCommandTimes(QueryCommand, 1);
  });

  it('answers 400 on path nextToken for a token it did not issue', async () => {
    const res = await list(claims.family('fam-1'), { nextToken: 'not-a-token' });

    expect(res.status).toBe(400);
    expect(issuePaths(res)).toEqual(['nextToken']);
  });

  it('answers 400 for an unknown status filter without querying', async () => {
    const res = await list(claims.family('fam-1'), { status: 'LOST' });

    expect(res.status).toBe(400);
    expect(issuePaths(res)).toEqual(['query.status']);
    expect(ddb).not.toHaveReceivedAnyCommand();
  });

  it('answers 403 to a provider', async () => {
    const res = await list(claims.provider());

    expect(res.status).toBe(403);
    expect(errorOf(res).code).toBe('FORBIDDEN');
    expect(ddb).not.toHaveReceivedAnyCommand();
  });
});
