import { randomUUID } from 'node:crypto';
import { checkCharFor } from '@huimin/domain';
import type { ApplicationRecord, AssignmentRecord, ProviderRecord } from '@huimin/store';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { type LocalStack, startLocalStack } from '../../packages/local/src/stack';
import { eventually } from '../support/dynamo';
import { apiClient, homeVisitApplication } from './client';

// biome-ignore lint/suspicious/noExplicitAny: response bodies are read field by field, as a client would
type Json = Record<string, any>;

/**
 * The home-visit "Done when": a hundred residents of Xigang Street apply at once for home visits,
 * subsidies are approved at once, and three organisations with fewer hours than asked for take them.
 * No organisation is committed beyond its hours, nobody is lost or offered twice, and hours released
 * later go to the waitlisted residents first in priority, then in time waited.
 *
 * Xigang Street (西岗街道) is covered by one seeded organisation (longtan), which does not offer
 * rehabilitation: every resident here asks for it, so only the three organisations registered here
 * can serve them.
 */

let stack: LocalStack;
let call: ReturnType<typeof apiClient>;
let staff: string;

const DISTRICT = '320113';
const STREET = '西岗街道';
const CENTRE = { lat: 32.085, lng: 119.005 };
const N = 100;

beforeAll(async () => {
  stack = await startLocalStack({
    port: 0,
    dynamoEndpoint: inject('dynamoEndpoint'),
    tableName: `hv-${randomUUID().slice(0, 8)}`,
    // Contention is the point: give the bus room to retry before it parks an event.
    retryDelaysMs: [20, 50, 100, 200, 400, 800, 1600],
  });
  call = apiClient(stack.url);
  staff = await stack.tokens.sign({ role: 'staff', sub: 'official-hv', district: DISTRICT });
}, 90_000);

afterAll(async () => {
  await stack?.stop();
});

const HOURS_BY_LEVEL = [0, 6, 12, 20, 30];
const WEIGHT_BY_LEVEL = [1, 0.85, 0.7, 0.55, 0.4];

interface Resident {
  i: number;
  idNumber: string;
  birthYear: number;
  careLevel: number;
  lowIncome: boolean;
  services: string[];
  family: string;
  location: { lat: number; lng: number };
  expectedHours: number;
  expectedWeight: number;
}

/** One hundred different residents: ages 61–96, care levels 0–4 (level 0 only at 80+), a few on the registry. */
function residents(): Omit<Resident, 'family'>[] {
  const extras = [[], ['cleaning'], ['bathing'], ['companionship'], ['cleaning', 'bathing']];
  return Array.from({ length: N }, (_, i) => {
    const birthYear = 1930 + ((i * 7) % 35); // 1930–1964: aged 61–96 in December 2026
    const older = 2026 - birthYear; // born on 15 March: this year's birthday has passed
    let careLevel = (i * 3) % 5;
    if (careLevel === 0 && older < 80) careLevel = 1;
    const lowIncome = i % 9 === 4;
    const first17 = `${DISTRICT}${birthYear}0315${String(100 + i).padStart(3, '0')}`;
    const idNumber = first17 + checkCharFor(first17);
    const supplement = older >= 90 ? 4 : older >= 80 ? 2 : 0;
    const expectedHours = (HOURS_BY_LEVEL[careLevel] ?? 0) + supplement + (lowIncome ? 4 : 0);
    const expectedWeight = (WEIGHT_BY_LEVEL[careLevel] ?? 1) * (lowIncome ? 0.7 : 1);
    return {
      i,
      idNumber,
      birthYear,
      careLevel,
      lowIncome,
      services: ['rehabilitation', ...(extras[i % extras.length] ?? [])],
      location: { lat: CENTRE.lat + (((i * 37) % 21) - 10) * 0.001, lng: CENTRE.lng + (((i * 53) % 21) - 10) * 0.001 },
      expectedHours,
      expectedWeight,
    };
  });
}

/** Three organisations in Xigang with 150 + 110 + 90 hours, against some 1,400 asked for. */
const ORGANISATIONS = [
  { name: '西岗康复上门服务中心', location: { lat: 32.088, lng: 119.0 }, hoursPerMonth: 150, services: ['rehabilitation', 'cleaning', 'bathing'] },
  { name: '西岗邻里护理站', location: { lat: 32.08, lng: 119.012 }, hoursPerMonth: 110, services: ['rehabilitation', 'cleaning'] },
  { name: '栖霞东部居家康养社', location: { lat: 32.092, lng: 119.015 }, hoursPerMonth: 90, services: ['rehabilitation', 'bathing', 'companionship'] },
];

const OPEN = new Set(['OFFERED', 'ACCEPTED']);
const TRANSIENT = new Set(['SUBMITTED', 'AWAITING_APPROVAL', 'MATCHING']);

/** Organisation p could serve application a: covers its street and offers every service it asks for (all are within reach). */
function admits(p: ProviderRecord, a: ApplicationRecord): boolean {
  const needs = a.needs as { services: string[] };
  const now = new Date().toISOString();
  const excluded = a.exclusions.some((e) => e.providerId === p.id && e.until > now);
  return !excluded && (p.streets ?? []).includes(a.street) && needs.services.every((s) => ((p.services ?? []) as readonly string[]).includes(s));
}

function demand(a: ApplicationRecord): number {
  return a.eligibility?.demand ?? Number.NaN;
}

function byPriorityThenWait(a: ApplicationRecord, b: ApplicationRecord): number {
  return (a.eligibility?.priorityWeight ?? 1) - (b.eligibility?.priorityWeight ?? 1) || a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id);
}

async function assignmentsOf(providerId: string): Promise<AssignmentRecord[]> {
  const out: AssignmentRecord[] = [];
  let nextToken: string | undefined;
  do {
    const page = await stack.store.listAssignmentsByProvider(providerId, { limit: 100, nextToken });
    out.push(...page.items);
    nextToken = page.nextToken;
  } while (nextToken);
  return out;
}

async function loadApps(ids: readonly string[]): Promise<ApplicationRecord[]> {
  return Promise.all(
    ids.map(async (id) => {
      const a = await stack.store.getApplication(id);
      if (!a) throw new Error(`application ${id} missing`);
      return a;
    }),
  );
}

async function loadProviders(ids: readonly string[]): Promise<ProviderRecord[]> {
  return Promise.all(
    ids.map(async (id) => {
      const p = await stack.store.getProvider(id);
      if (!p) throw new Error(`provider ${id} missing`);
      return p;
    }),
  );
}

/**
 * Waits until nothing moves: the bus is idle, none of the applications is in a passing state, and
 * their statuses stayed the same over three looks 200 ms apart (the stream is polled every 100 ms).
 */
async function quiet(ids: readonly string[], what: string, timeoutMs = 30_000): Promise<ApplicationRecord[]> {
  let last = '';
  let stable = 0;
  return eventually(
    async () => {
      await stack.settle();
      const apps = await loadApps(ids);
      const snapshot = apps.map((a) => `${a.id}:${a.status}:${a.version}`).join('|');
      if (apps.some((a) => TRANSIENT.has(a.status))) {
        stable = 0;
        last = snapshot;
        return undefined;
      }
      stable = snapshot === last ? stable + 1 : 0;
      last = snapshot;
      if (stable < 3) {
        await new Promise((r) => setTimeout(r, 200));
        return undefined;
      }
      return apps;
    },
    what,
    timeoutMs,
  );
}

/**
 * (a) For every organisation given: hours held ≤ hours declared, held = the units of its open
 * assignments, free = declared − held. Returns the open assignments by application.
 */
async function assertHoursAddUp(providerIds: readonly string[]): Promise<Map<string, AssignmentRecord[]>> {
  const openByApp = new Map<string, AssignmentRecord[]>();
  for (const p of await loadProviders(providerIds)) {
    const open = (await assignmentsOf(p.id)).filter((a) => OPEN.has(a.status));
    const held = open.reduce((n, a) => n + a.units, 0);
    expect(p.reserved, `${p.name}: reserved ≤ capacity`).toBeLessThanOrEqual(p.capacity);
    expect(p.reserved, `${p.name}: reserved = units of open assignments`).toBe(held);
    expect(p.available, `${p.name}: available = capacity − reserved`).toBe(p.capacity - p.reserved);
    expect(p.available, p.name).toBeGreaterThanOrEqual(0);
    for (const a of open) openByApp.set(a.applicationId, [...(openByApp.get(a.applicationId) ?? []), a]);
  }
  return openByApp;
}

/**
 * (b) Every application is OFFERED (with exactly one open assignment, at an organisation that admits
 * it, holding its hours) or WAITLISTED (with none, and no admitting organisation has its hours free).
 */
async function assertOfferedOrWaitlisted(apps: ApplicationRecord[], providerIds: readonly string[], opts: { waitlistedFitNowhere: boolean } = { waitlistedFitNowhere: true }) {
  const allowed = new Set(['OFFERED', 'WAITLISTED']);
  const openByApp = await assertHoursAddUp(providerIds);
  const providers = await loadProviders(providerIds);
  for (const a of apps) {
    expect(allowed.has(a.status), `${a.id} is ${a.status}`).toBe(true);
    const open = openByApp.get(a.id) ?? [];
    if (a.status === 'OFFERED') {
      expect(open, `${a.id}: one open assignment`).toHaveLength(1);
      const [offer] = open;
      expect(offer?.id).toBe(a.assignment?.id);
      expect(offer?.units).toBe(demand(a));
      const at = providers.find((p) => p.id === offer?.providerId);
      expect(at && admits(at, { ...a, exclusions: [] }), `${a.id} offered by an organisation that admits it`).toBe(true);
    } else {
      expect(open, `${a.id}: no open assignment`).toHaveLength(0);
    }
    if (a.status === 'WAITLISTED' && opts.waitlistedFitNowhere) {
      for (const p of providers.filter((x) => admits(x, a))) {
        expect(p.available, `${a.id} (needs ${demand(a)} h) waitlisted while ${p.name} has ${p.available} h free`).toBeLessThan(demand(a));
      }
    }
  }
}

/** Whom a release of hours at `provider` should wake: its admissible waitlisted residents, by priority then wait, while their hours fit. */
function expectedWoken(provider: ProviderRecord, waitlisted: ApplicationRecord[], free: number): string[] {
  const out: string[] = [];
  let left = free;
  for (const a of [...waitlisted].filter((x) => admits(provider, x)).sort(byPriorityThenWait)) {
    if (demand(a) > left) continue;
    out.push(a.id);
    left -= demand(a);
    if (left <= 0) break;
  }
  return out;
}

describe('home visits under load: a hundred residents at once, three organisations short of hours', () => {
  const appIds: string[] = [];
  const providerIds: string[] = [];
  let people: Resident[] = [];

  it('offers each resident at most once, never beyond an organisation’s hours, and waitlists the rest', async () => {
    // Prepare: three organisations in Xigang; a few residents on the low-income registry
    for (const org of ORGANISATIONS) {
      const r = await call<Json>('POST', '/providers', { token: staff, body: { kind: 'home-visit', street: STREET, streets: [STREET], ...org } });
      expect(r.status, JSON.stringify(r.body)).toBe(201);
      expect(r.body).toMatchObject({ kind: 'home-visit', capacity: org.hoursPerMonth, reserved: 0, available: org.hoursPerMonth });
      providerIds.push(r.body.id);
    }
    const base = residents();
    await stack.store.importLowIncomeRegistry(
      DISTRICT,
      base.filter((p) => p.lowIncome).map((p) => p.idNumber),
      'home-visit-concurrency-test',
    );
    people = await Promise.all(base.map(async (p) => ({ ...p, family: await stack.tokens.sign({ role: 'family', sub: `hv-family-${p.i}-${randomUUID()}` }) })));

    // Act: a hundred applications at once
    const submitted = await Promise.all(
      people.map((p) =>
        call<Json>('POST', '/applications', {
          token: p.family,
          body: homeVisitApplication({ idNumber: p.idNumber, street: STREET, ...p.location, services: p.services, careLevel: p.careLevel, name: `居民${p.i}` }),
        }),
      ),
    );
    for (const s of submitted) expect(s.status, JSON.stringify(s.body)).toBe(202);
    appIds.push(...submitted.map((s) => s.body.id as string));
    expect(new Set(appIds).size).toBe(N);

    // Assessed: the hours and priority the policy gives; the registry's residents skip the staff step
    const assessed = await eventually(
      async () => {
        const apps = await loadApps(appIds);
        return apps.every((a) => a.status !== 'SUBMITTED') ? apps : undefined;
      },
      'every application to be assessed',
      30_000,
    );
    for (const [k, a] of assessed.entries()) {
      const p = people[k]!;
      expect(a.eligibility, a.id).toMatchObject({ eligible: true, demand: p.expectedHours });
      expect(a.eligibility?.priorityWeight, a.id).toBeCloseTo(p.expectedWeight, 10);
      if (p.lowIncome) expect(a.status, a.id).not.toBe('AWAITING_APPROVAL');
      else expect(a.status, a.id).toBe('AWAITING_APPROVAL');
    }

    // Staff approve every pending subsidy, at once
    const pending = assessed.filter((a) => a.status === 'AWAITING_APPROVAL');
    const approvals = await Promise.all(pending.map((a) => call<Json>('POST', `/subsidies/${a.subsidy?.id}/approve`, { token: staff, body: { note: '批量审核' } })));
    for (const r of approvals) expect(r.status, JSON.stringify(r.body)).toBe(200);

    // Assert (a) and (b)
    const settled = await quiet(appIds, 'every application to be offered or waitlisted', 45_000);
    expect(stack.bus.deadLetters, JSON.stringify(stack.bus.deadLetters.map((d) => [d.rule, d.error]))).toHaveLength(0);
    await assertOfferedOrWaitlisted(settled, providerIds);

    const offered = settled.filter((a) => a.status === 'OFFERED');
    const waitlisted = settled.filter((a) => a.status === 'WAITLISTED');
    expect(offered.length).toBeGreaterThan(0);
    expect(waitlisted.length).toBeGreaterThan(0);
    expect(offered.length + waitlisted.length).toBe(N);
    const asked = settled.reduce((n, a) => n + demand(a), 0);
    const declared = ORGANISATIONS.reduce((n, o) => n + o.hoursPerMonth, 0);
    expect(asked).toBeGreaterThan(declared);
    expect(offered.reduce((n, a) => n + demand(a), 0)).toBeLessThanOrEqual(declared);
  });

  it('gives hours released by a cancellation to the waitlist by priority, then time waited', async () => {
    const before = await loadApps(appIds);
    const providers = await loadProviders(providerIds);
    const first = providers[0]!;
    // The largest offer at the first organisation: the most hours to hand on
    const offers = before.filter((a) => a.status === 'OFFERED' && a.assignment?.providerId === first.id).sort((a, b) => demand(b) - demand(a));
    const cancelled = offers[0];
    if (!cancelled) throw new Error('no offer at the first organisation');
    const waitlisted = before.filter((a) => a.status === 'WAITLISTED');
    const want = expectedWoken(first, waitlisted, first.available + demand(cancelled));
    expect(want.length, 'the release should wake somebody').toBeGreaterThan(0);
    const family = people[appIds.indexOf(cancelled.id)]!.family;

    const r = await call<Json>('POST', `/applications/${cancelled.id}/cancel`, { token: family });

    expect(r.status).toBe(200);
    const after = await quiet(appIds, 'the release to be handed on');
    const woken = after.filter((a) => waitlisted.some((w) => w.id === a.id) && a.status !== 'WAITLISTED');
    expect(woken.map((a) => a.id).sort()).toEqual([...want].sort());
    for (const a of woken) {
      expect(a.status).toBe('OFFERED');
      expect(a.assignment?.providerId).toBe(first.id);
      expect(a.history.map((h) => h.status).slice(-3)).toEqual(['WAITLISTED', 'MATCHING', 'OFFERED']);
    }
    expect(after.find((a) => a.id === cancelled.id)?.status).toBe('CANCELLED');
    await assertOfferedOrWaitlisted(
      after.filter((a) => a.id !== cancelled.id),
      providerIds,
    );
  });

  it('gives hours released by a declined offer to the waitlist by priority, and the declined resident tries elsewhere', async () => {
    const before = await loadApps(appIds);
    const providers = await loadProviders(providerIds);
    const second = providers[1]!;
    const offers = before.filter((a) => a.status === 'OFFERED' && a.assignment?.providerId === second.id).sort((a, b) => demand(b) - demand(a));
    const declined = offers[0];
    if (!declined) throw new Error('no offer at the second organisation');
    const waitlisted = before.filter((a) => a.status === 'WAITLISTED');
    const want = expectedWoken(second, waitlisted, second.available + demand(declined));
    expect(want.length, 'the release should wake somebody').toBeGreaterThan(0);
    // Where the declined resident can go instead: an organisation other than this one with its hours free
    const elsewhere = providers.filter((p) => p.id !== second.id && admits(p, declined) && p.available >= demand(declined));
    const token = await stack.tokens.sign({ role: 'provider', sub: `manager-${second.id}`, providerId: second.id });

    const r = await call<Json>('POST', `/assignments/${declined.assignment?.id}/decline`, { token, body: { reason: '康复师本月排满' } });

    expect(r.status, JSON.stringify(r.body)).toBe(200);
    const after = await quiet(appIds, 'the declined hours to be handed on');
    const woken = after.filter((a) => waitlisted.some((w) => w.id === a.id) && a.status !== 'WAITLISTED');
    expect(woken.map((a) => a.id).sort()).toEqual([...want].sort());
    for (const a of woken) {
      expect(a.status).toBe('OFFERED');
      expect(a.assignment?.providerId).toBe(second.id);
    }
    const again = after.find((a) => a.id === declined.id)!;
    expect(again.exclusions.map((e) => e.providerId)).toContain(second.id);
    if (elsewhere.length > 0) {
      expect(again.status).toBe('OFFERED');
      expect(elsewhere.map((p) => p.id)).toContain(again.assignment?.providerId);
    } else {
      expect(again.status).toBe('WAITLISTED');
    }
    await assertOfferedOrWaitlisted(
      after.filter((a) => a.status !== 'CANCELLED'),
      providerIds,
    );
  });

  it('gives hours added by staff to the waitlist by priority, then time waited', async () => {
    const before = await loadApps(appIds);
    const third = (await loadProviders(providerIds))[2]!;
    const waitlisted = before.filter((a) => a.status === 'WAITLISTED');
    const added = 45;
    const want = expectedWoken(third, waitlisted, third.available + added);
    expect(want.length, 'the new hours should wake more than one resident').toBeGreaterThan(1);

    const r = await call<Json>('PUT', `/providers/${third.id}/capacity`, { token: staff, body: { hoursPerMonth: third.capacity + added } });

    expect(r.status, JSON.stringify(r.body)).toBe(200);
    const after = await quiet(appIds, 'the new hours to be handed on');
    const woken = after.filter((a) => waitlisted.some((w) => w.id === a.id) && a.status !== 'WAITLISTED');
    expect(woken.map((a) => a.id).sort()).toEqual([...want].sort());
    for (const a of woken) {
      expect(a.status).toBe('OFFERED');
      expect(a.assignment?.providerId).toBe(third.id);
    }
    await assertOfferedOrWaitlisted(
      after.filter((a) => a.status !== 'CANCELLED'),
      providerIds,
    );
  });

  // test/integration/home-visit-requeue-race.test.ts pins down the interleaving that used to leave
  // hours idle here (a woken resident offered elsewhere than where the release woke it).
  it('after several releases at once, commits no organisation beyond its hours, loses nobody, and leaves nobody waiting who fits', async () => {
    const before = await loadApps(appIds);
    const providers = await loadProviders(providerIds);
    // One cancellation at each organisation and one more decline, all at once
    const toCancel = providers.flatMap((p) => before.filter((a) => a.status === 'OFFERED' && a.assignment?.providerId === p.id).slice(0, 1));
    const toDecline = before.find((a) => a.status === 'OFFERED' && a.assignment?.providerId === providers[2]!.id && !toCancel.includes(a));
    expect(toCancel.length).toBe(3);

    const results = await Promise.all([
      ...toCancel.map((a) => call<Json>('POST', `/applications/${a.id}/cancel`, { token: people[appIds.indexOf(a.id)]!.family })),
      ...(toDecline
        ? [
            call<Json>('POST', `/assignments/${toDecline.assignment?.id}/decline`, {
              token: await stack.tokens.sign({ role: 'provider', sub: 'manager-3', providerId: providers[2]!.id }),
              body: { reason: '人手不足' },
            }),
          ]
        : []),
    ]);

    for (const r of results) expect(r.status, JSON.stringify(r.body)).toBe(200);
    const after = await quiet(appIds, 'the releases to be handed on');
    expect(stack.bus.deadLetters).toHaveLength(0);
    await assertOfferedOrWaitlisted(
      after.filter((a) => a.status !== 'CANCELLED'),
      providerIds,
    );
    // Nobody of this district's home-visit organisations, seeded ones included, is ever beyond its hours
    const all = await stack.store.listAllProvidersByDistrict(DISTRICT, 'home-visit');
    expect(all.length).toBeGreaterThanOrEqual(providerIds.length + 6);
    await assertHoursAddUp(all.map((p) => p.id));
  });
});
