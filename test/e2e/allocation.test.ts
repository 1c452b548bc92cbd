import { randomUUID } from 'node:crypto';
import { checkCharFor } from '@huimin/domain';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { type LocalStack, startLocalStack } from '../../packages/local/src/stack';
import { eventually } from '../support/dynamo';
import { apiClient, mealApplication } from './client';

// biome-ignore lint/suspicious/noExplicitAny: response bodies are read field by field, as a client would
type Json = Record<string, any>;

let stack: LocalStack;
let call: ReturnType<typeof apiClient>;
let staff: string;

beforeAll(async () => {
  stack = await startLocalStack({
    port: 0,
    dynamoEndpoint: inject('dynamoEndpoint'),
    tableName: `alloc-${randomUUID().slice(0, 8)}`,
    demoWaitlist: 300,
    retryDelaysMs: [20, 50],
  });
  call = apiClient(stack.url);
  staff = await stack.tokens.sign({ role: 'staff', sub: 'official', district: '320113' });
});

afterAll(async () => {
  await stack?.stop();
});

/** For every provider of a programme: units held (places, hours) never exceed capacity, and equal those of its open assignments. */
async function assertNoOverbooking(type: 'meal' | 'home-visit' = 'meal') {
  const providers = await stack.store.listAllProvidersByDistrict('320113', type);
  for (const p of providers) {
    let open = 0;
    for (const status of ['OFFERED', 'ACCEPTED'] as const) {
      let nextToken: string | undefined;
      do {
        const page = await stack.store.listAssignmentsByProvider(p.id, { status, limit: 100, nextToken });
        open += page.items.reduce((n, a) => n + a.units, 0);
        nextToken = page.nextToken;
      } while (nextToken);
    }
    expect(p.reserved, p.id).toBeLessThanOrEqual(p.capacity);
    expect(p.reserved, p.id).toBe(open);
    expect(p.available, p.id).toBe(p.capacity - p.reserved);
  }
}

/** Starts a round (202, RUNNING) and polls GET /allocation-rounds/{id} until it is COMPLETED. */
async function runRound(token: string, type: 'meal' | 'home-visit' = 'meal'): Promise<Json> {
  const started = await call<Json>('POST', '/allocation-rounds', { token, body: { type } });
  expect(started.status).toBe(202);
  expect(started.body).toMatchObject({ status: 'RUNNING', type, district: '320113' });
  expect(started.body).not.toHaveProperty('offered');
  return eventually(async () => {
    const r = await call<Json>('GET', `/allocation-rounds/${started.body.id}`, { token });
    return r.status === 200 && r.body.status === 'COMPLETED' ? r.body : undefined;
  }, `round ${started.body.id} to complete`, 45_000);
}

/** Residents born on 10–21 January 1946. */
function resident(i: number) {
  const first17 = `320113194601${String(10 + i).padStart(2, '0')}123`;
  return first17 + checkCharFor(first17);
}

describe('district-wide allocation and the supply–demand report', () => {
  it('reports unmet demand from the optimal allocation, with figures that add up', async () => {
    const r = await call<Json>('GET', '/reports/supply-demand', { token: staff });

    expect(r.status).toBe(200);
    const { streets, totals } = r.body;
    expect(totals.demand).toBe(300);
    expect(streets.reduce((n: number, s: Json) => n + s.demand, 0)).toBe(totals.demand);
    expect(streets.reduce((n: number, s: Json) => n + s.served, 0)).toBe(totals.served);
    for (const s of [...streets, ...streets.flatMap((x: Json) => x.grids)]) {
      expect(s.unmet).toBe(s.demand - s.served);
      expect(s.spare).toBeGreaterThanOrEqual(0);
      expect(s.spare).toBeLessThanOrEqual(s.capacity);
    }
    expect(totals.served).toBeLessThanOrEqual(totals.capacity);
    expect(totals.served).toBeGreaterThan(0);
    expect(r.body.policyVersion).toBe('meal-subsidy/2026.1');
  });

  it('offers the optimal allocation while one-at-a-time matching runs, and double-books nothing', async () => {
    const family = await stack.tokens.sign({ role: 'family', sub: `fam-${randomUUID()}` });
    // On the low-income registry, so they are matched one at a time with no staff step (免申即享).
    const ids = Array.from({ length: 12 }, (_, i) => resident(i));
    await stack.store.importLowIncomeRegistry('320113', ids, 'test');
    const report = (await call<Json>('GET', '/reports/supply-demand', { token: staff })).body;

    // Act: twelve residents apply (and are matched) while staff run the round
    const [round, ...submitted] = await Promise.all([
      runRound(staff),
      ...ids.map((idNumber) => call<Json>('POST', '/applications', { token: family, body: mealApplication({ idNumber }) })),
    ]);

    expect(submitted.every((s) => s.status === 202)).toBe(true);
    expect(round).toMatchObject({ status: 'COMPLETED', type: 'meal', district: '320113', considered: 300, policyVersion: 'meal-subsidy/2026.1' });
    expect(round.offered + round.conflicts).toBe(round.planned);
    expect(round.stillWaiting).toBe(300 - round.offered);
    // The round plans what the report calls served, less at most the twelve places the
    // one-at-a-time matcher may have taken before the round (now asynchronous) read the district.
    expect(round.planned).toBeLessThanOrEqual(report.totals.served);
    expect(round.planned).toBeGreaterThanOrEqual(report.totals.served - ids.length);

    await eventually(async () => {
      const mine = (await call<Json>('GET', '/applications', { token: family })).body.items as Json[];
      return mine.every((a) => a.status === 'OFFERED' || a.status === 'WAITLISTED') ? mine : undefined;
    }, 'the twelve applications to be offered or waitlisted');
    await stack.settle();
    await assertNoOverbooking();
  });

  it('plans nothing more when nothing has changed', async () => {
    const again = await runRound(staff);

    expect(again).toMatchObject({ planned: 0, offered: 0, conflicts: 0 });
  });

  it("lists the district's rounds newest first, and shows them to its own staff only", async () => {
    const other = await stack.tokens.sign({ role: 'staff', sub: 'elsewhere', district: '320102' });

    const listed = await call<Json>('GET', '/allocation-rounds', { token: staff });
    const one = await call<Json>('GET', `/allocation-rounds/${listed.body.items[0]?.id}`, { token: other });
    const none = await call<Json>('GET', '/allocation-rounds/no-such-round', { token: staff });
    const theirs = await call<Json>('GET', '/allocation-rounds', { token: other });

    expect(listed.status).toBe(200);
    expect(listed.body.items).toHaveLength(2);
    expect(listed.body.items.every((r: Json) => r.status === 'COMPLETED' && r.district === '320113')).toBe(true);
    const created = listed.body.items.map((r: Json) => r.createdAt as string);
    expect(created).toEqual([...created].sort().reverse());
    expect(one.status).toBe(403);
    expect(none.status).toBe(404);
    expect(theirs.body.items).toEqual([]);
  });

  it('reports and allocates home visits in hours: each resident wholly at one organisation, never beyond its hours', async () => {
    // Prepare: the demo's home-visit waitlist asks for more hours than the six organisations have
    const waiting = await stack.store.listAllApplicationsByDistrictTypeStatus('320113', 'home-visit', 'WAITLISTED');
    const hoursAsked = waiting.reduce((n, a) => n + (a.eligibility?.demand ?? 0), 0);

    // Act
    const report = await call<Json>('GET', '/reports/supply-demand?type=home-visit', { token: staff });
    const round = await runRound(staff, 'home-visit');

    // Assess: the report counts hours; served never passes the relaxation's bound or the hours declared
    expect(report.status).toBe(200);
    expect(report.body).toMatchObject({ kind: 'home-visit', unit: { en: 'hours a month' }, policyVersion: 'home-visit-subsidy/2026.1' });
    const { totals } = report.body;
    expect(totals.demand).toBe(hoursAsked);
    expect(totals.served).toBeGreaterThan(0);
    expect(totals.served).toBeLessThanOrEqual(Math.min(totals.capacity, report.body.boundServed));
    expect(round).toMatchObject({ status: 'COMPLETED', type: 'home-visit', considered: waiting.length, policyVersion: 'home-visit-subsidy/2026.1' });
    expect(round.offered).toBeGreaterThan(0);
    expect(round.offered + round.conflicts).toBe(round.planned);
    await stack.settle();
    await assertNoOverbooking('home-visit');
    // Every offer reserved the resident's whole month at one organisation that covers the street.
    const offered = await stack.store.listAllApplicationsByDistrictTypeStatus('320113', 'home-visit', 'OFFERED');
    expect(offered).toHaveLength(round.offered);
    for (const app of offered) {
      const a = await stack.store.getAssignment(app.assignment!.id);
      const org = await stack.store.getProvider(a!.providerId);
      expect(a!.units).toBe(app.eligibility?.demand);
      expect(org!.streets).toContain(app.street);
    }
  });

  it('is for district staff only, and for programmes with rounds only', async () => {
    const family = await stack.tokens.sign({ role: 'family', sub: 'f' });
    expect((await call('POST', '/allocation-rounds', { token: family, body: { type: 'meal' } })).status).toBe(403);
    expect((await call('GET', '/reports/supply-demand', { token: family })).status).toBe(403);
    const retrofit = await call<Json>('POST', '/allocation-rounds', { token: staff, body: { type: 'retrofit' } });
    expect(retrofit.status).toBe(400);
    expect(retrofit.body.error.issues[0].path).toBe('type');
  });
});
