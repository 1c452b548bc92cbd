import '../../../test-support/setup';
import { DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { Providers } from '@huimin/store';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { type DocumentClientMock, tableWith } from '../../../test-support/dynamodb';
import { type Claims, claims, httpEvent, parseResponse } from '../../../test-support/http';
import { fakeContext } from '../../../test-support/lambda';
import { DISTRICT, NOW, providerRecord } from '../../../test-support/records';
import { handler } from './handler';

const ddb: DocumentClientMock = mockClient(DynamoDBDocumentClient);
const ROUTE = 'GET /providers';

async function list(c: Claims, query?: Record<string, string>) {
  const event = httpEvent(ROUTE, { claims: c, ...(query ? { queryStringParameters: query } : {}) });
  return parseResponse(await handler(event, fakeContext('listProviders')));
}

beforeEach(() => {
  ddb.reset();
  tableWith(ddb);
  ddb.on(QueryCommand).resolves({ Items: [Providers.toItem(providerRecord())] });
  vi.useFakeTimers({ now: NOW, toFake: ['Date'] });
});

afterEach(() => {
  vi.useRealTimers();
});

describe('GET /providers', () => {
  it("lists every kind of the district's providers from gsi2 when no kind is asked for", async () => {
    ddb.on(QueryCommand).callsFake((input: { ExpressionAttributeValues: Record<string, string> }) => ({
      Items: input.ExpressionAttributeValues[':pk'] === `PROVIDER#gsi2#${DISTRICT}#meal` ? [Providers.toItem(providerRecord())] : [],
    }));

    const res = await list(claims.staff());

    expect(res.status).toBe(200);
    for (const kind of ['home-visit', 'meal', 'retrofit', 'childcare']) {
      expect(ddb).toHaveReceivedCommandWith(QueryCommand, {
        IndexName: 'gsi2',
        KeyConditionExpression: '#pk = :pk',
        ExpressionAttributeNames: { '#pk': 'gsi2pk' },
        ExpressionAttributeValues: { ':pk': `PROVIDER#gsi2#${DISTRICT}#${kind}` },
        ScanIndexForward: true,
      });
    }
    expect(res.body).toEqual({ items: [expect.objectContaining({ id: 'p-near', capacity: 40, reserved: 12 })] });
    expect((res.body as { items: object[] }).items[0]).not.toHaveProperty('gsi2pk');
  });

  it('lists another kind when asked', async () => {
    await list(claims.staff(), { kind: 'childcare' });

    expect(ddb).toHaveReceivedCommandWith(QueryCommand, { ExpressionAttributeValues: { ':pk': `PROVIDER#gsi2#${DISTRICT}#childcare` } });
  });

  it('answers 403 to a family', async () => {
    const res = await list(claims.family());

    expect(res.status).toBe(403);
    expect(ddb).not.toHaveReceivedAnyCommand();
  });
});
