import '../../../test-support/setup';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { DocumentClientMock } from '../../../test-support/dynamodb';
import { type Claims, claims, httpEvent, parseResponse } from '../../../test-support/http';
import { fakeContext } from '../../../test-support/lambda';
import { NOW } from '../../../test-support/records';
import { handler } from './handler';

const ddb: DocumentClientMock = mockClient(DynamoDBDocumentClient);

async function list(who: Claims | null) {
  const event = httpEvent('GET /programmes', { claims: who });
  return parseResponse(await handler(event, fakeContext('listProgrammes')));
}

beforeEach(() => {
  ddb.reset();
  vi.useFakeTimers({ now: NOW, toFake: ['Date'] });
});

afterEach(() => {
  vi.useRealTimers();
});

// biome-ignore lint/suspicious/noExplicitAny: the body is read field by field, as a page would
type Json = Record<string, any>;

describe('GET /programmes', () => {
  it('lists every programme with its policy in force, form fields and units, to any signed-in role', async () => {
    for (const who of [claims.family(), claims.provider(), claims.staff(), claims.grid()]) {
      const res = await list(who);

      expect(res.status).toBe(200);
      const items = (res.body as Json).items as Json[];
      expect(items.map((p) => [p.type, p.open])).toEqual([
        ['meal', true],
        ['home-visit', true],
        ['retrofit', true],
        ['childcare', true],
      ]);
      const homeVisits = items[1]!;
      expect(homeVisits).toMatchObject({
        nameZh: '居家上门服务',
        policyVersion: 'home-visit-subsidy/2026.1',
        capacity: { field: 'hoursPerMonth' },
        subsidyUnit: { code: 'hour' },
        figures: { hoursByCareLevel: [0, 6, 12, 20, 30], visitRadiusMetres: 300 },
      });
      expect(homeVisits.needsFields.map((f: Json) => f.name)).toEqual(['services', 'careLevel']);
      expect(items[3]).toMatchObject({
        rounds: true,
        roundMechanism: 'stable',
        offersBy: 'rounds',
        offerAnsweredBy: 'family',
        capacity: { field: 'places', classes: [{ code: 'infant' }, { code: 'toddler' }, { code: 'older' }] },
        figures: { priorityRules: expect.arrayContaining([{ rule: 'sibling', points: 40, label: expect.objectContaining({ zh: '同胞兄弟姐妹在该园' }) }]) },
      });
    }
    expect(ddb).not.toHaveReceivedAnyCommand();
  });

  it('carries the words pages show: statuses with which are terminal, districts with their streets', async () => {
    const { vocabulary } = (await list(claims.family())).body as Json;

    expect(vocabulary.applicationStatuses).toContainEqual({ code: 'CANCELLED', zh: '已取消', en: 'Cancelled', terminal: true });
    expect(vocabulary.subsidyStatuses.map((s: Json) => s.code)).toContain('CANCELLED');
    expect(vocabulary.districts.map((d: Json) => d.code)).toContain('320205');
    expect(vocabulary.districts.find((d: Json) => d.code === '320113').streets).toHaveLength(9);
  });

  it('answers 401 without a token', async () => {
    expect((await list(null)).status).toBe(401);
  });
});
