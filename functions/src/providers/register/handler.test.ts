import '../../../test-support/setup';
import { DynamoDBDocumentClient, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { type DocumentClientMock, outboxEvent, tableWith, transactItems, UUID } from '../../../test-support/dynamodb';
import { type Claims, claims, httpEvent, issuePaths, parseResponse } from '../../../test-support/http';
import { fakeContext } from '../../../test-support/lambda';
import { DISTRICT, NOW } from '../../../test-support/records';
import { handler } from './handler';

const ddb: DocumentClientMock = mockClient(DynamoDBDocumentClient);
const ROUTE = 'POST /providers';

const canteen = { name: '仙林湖社区长者食堂', kind: 'meal', street: '仙林街道', location: { lat: 32.108, lng: 118.935 }, capacity: 30, diets: ['soft'] };

async function register(body: unknown, c: Claims = claims.staff()) {
  const event = httpEvent(ROUTE, { claims: c, body, requestId: 'req-register' });
  return parseResponse(await handler(event, fakeContext('registerProvider')));
}

beforeEach(() => {
  ddb.reset();
  tableWith(ddb);
  ddb.on(TransactWriteCommand).resolves({});
  vi.useFakeTimers({ now: NOW, toFake: ['Date'] });
});

afterEach(() => {
  vi.useRealTimers();
});

describe('POST /providers', () => {
  it("registers a provider in the staff member's district with its CapacityDeclared event", async () => {
    const res = await register(canteen);

    expect(res.status).toBe(201);
    const { id } = res.body as { id: string };
    expect(id).toMatch(UUID);
    expect(res.body).toMatchObject({ ...canteen, district: DISTRICT, reserved: 0 });
    const [put, outbox, ...rest] = transactItems(ddb);
    expect(rest).toEqual([]);
    expect(put?.Put).toEqual({
      TableName: 'test-table',
      ConditionExpression: 'attribute_not_exists(pk)',
      Item: expect.objectContaining({
        pk: `PROVIDER#${id}`,
        sk: 'PROVIDER',
        district: DISTRICT,
        capacity: 30,
        reserved: 0,
        gsi2pk: `PROVIDER#gsi2#${DISTRICT}#meal`,
        gsi2sk: `仙林街道#${id}`,
      }),
    });
    expect(outboxEvent(outbox!)).toMatchObject({
      detailType: 'CapacityDeclared',
      detail: { data: { providerId: id, district: DISTRICT, kind: 'meal', capacity: 30, releasedProviderId: id } },
    });
  });

  it('answers 400 naming each bad field, touching no table', async () => {
    const res = await register({ ...canteen, capacity: -1, location: { lat: 0, lng: 0 } });
    const unknownKind = await register({ ...canteen, kind: 'spa' });

    expect(res.status).toBe(400);
    expect(issuePaths(res).sort()).toEqual(['capacity', 'location']);
    expect(unknownKind.status).toBe(400);
    expect(issuePaths(unknownKind)).toEqual(['kind']);
    expect(ddb).not.toHaveReceivedAnyCommand();
  });

  it('refuses a canteen placed in Xinjiang or far beyond its street with 400 naming the location, touching no table', async () => {
    const xinjiang = await register({ ...canteen, location: { lat: 43.8, lng: 87.6 } });
    const baguazhou = await register({ ...canteen, location: { lat: 32.195, lng: 118.79 } });

    for (const res of [xinjiang, baguazhou]) {
      expect(res.status).toBe(400);
      expect(issuePaths(res)).toEqual(['location']);
    }
    expect(ddb).not.toHaveReceivedAnyCommand();
  });

  it("takes a home-visit organisation's hours, services and covered streets, and refuses a street not in the district", async () => {
    const org = { name: '颐康居家养老服务中心', kind: 'home-visit', street: '仙林街道', location: { lat: 32.1, lng: 118.93 }, hoursPerMonth: 300, services: ['cleaning'], streets: ['仙林街道', '马群街道'] };

    const ok = await register(org);
    const bad = await register({ ...org, streets: ['仙林街道', '不存在街道'] });
    const wrongField = await register({ ...org, hoursPerMonth: undefined, capacity: 300 });

    expect(ok.status).toBe(201);
    expect(ok.body).toMatchObject({ kind: 'home-visit', capacity: 300, reserved: 0, available: 300, services: ['cleaning'], streets: ['仙林街道', '马群街道'] });
    expect(bad.status).toBe(400);
    expect(issuePaths(bad)).toEqual(['streets.1']);
    expect(wrongField.status).toBe(400);
    expect(issuePaths(wrongField)).toEqual(['hoursPerMonth']);
  });

  it('answers 403 to a provider', async () => {
    const res = await register(canteen, claims.provider());

    expect(res.status).toBe(403);
    expect(ddb).not.toHaveReceivedAnyCommand();
  });
});
