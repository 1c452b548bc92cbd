import { mulberry32 } from '@huimin/matching';
import { type ApplicationRecord, Applications, Providers, Rounds, type Store } from '@huimin/store';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RoundBusyError, runRequestedRound } from '../../functions/src/use-cases/allocation';
import { rerunFromRecords } from '../../functions/src/use-cases/stable-round';
import type { BusEvent } from '../../packages/local/src/bus';
import { matchesEventPattern } from '../../packages/local/src/event-pattern';
import { applicationRecord, providerRecord } from '../integration/fixtures';
import { eventually } from '../support/dynamo';
import {
  bornMonthsBefore,
  childcareBody,
  DISTRICT,
  HOME,
  historyOutOfOrder,
  homeVisitBody,
  idNumber,
  type Json,
  mealBody,
  nextMonth,
  quiesce,
  type ReliabilityStack,
  registerProvider,
  retrofitBody,
  scanTable,
  startReliabilityStack,
  type Where,
} from './support-races';

/**
 * Replay (issue 12): every event delivered twice, and out of order, leaves the same final state as
 * delivered once. The events are the ones the local bus really dispatched in a normal flow of each
 * programme (meal: decline, re-offer, accept, cancel and requeue; home visits: accept, cancel,
 * requeue; retrofit: the whole job to a passed inspection, which frees the contractor's slot;
 * childcare: two rounds, a decline and an acceptance), captured at the bus.
 *
 * Three ways of delivering again:
 * 1. the same flow run a second time in another street with the bus delivering every event twice,
 *    each copy after its own random delay (so copies and causally unrelated events overtake each
 *    other), compared with the first run field by field on everything that does not name an
 *    identifier or an instant;
 * 2. after everything settled, every captured event put on the bus once more, one at a time, and
 *    the whole table compared with its state before, item by item and field by field;
 * 3. then the whole set again at once in a shuffled order, compared the same way;
 * 4. a round's request delivered twice at the same moment (below), the one consumer slow enough for
 *    two copies to overlap: what the round records must be what it did.
 *
 * A redelivery carries the same detail (so the same `metadata.eventId`, which consumers dedupe on)
 * under a new bus envelope id, as EventBridge does when it retries or when the Pipe forwards a
 * stream record twice. In 2 and 3 no field is ignored: a consumer that recognises a redelivery
 * writes nothing, so even the fields that record when something was written (history `at`,
 * `updatedAt`, consumed markers' `ttl`) must be unchanged.
 */

let r: ReliabilityStack;
const figures: Record<string, unknown> = {};
const disorder: string[] = [];

beforeAll(async () => {
  r = await startReliabilityStack('replay');
});

afterAll(async () => {
  console.log(`[replay] outcomes ${JSON.stringify(figures, null, 1)}`);
  if (disorder.length > 0) console.log(`[replay] history entries out of time order (${disorder.length}):\n  ${disorder.slice(0, 10).join('\n  ')}`);
  await r?.stack.stop();
});

/** Two streets 8 km apart: nothing registered in one is within reach of, or covers, the other. */
interface Place {
  tag: string;
  where: Where;
  /** Providers sit here: due north of the residents, so every distance is the same in both streets. */
  near: { lat: number; lng: number };
  /** A second home 2.2 km north, beyond the nursery's 1 km priority. */
  far: Where;
}
const XIANLIN: Place = {
  tag: 'xianlin',
  where: { street: '仙林街道', location: HOME },
  near: { lat: HOME.lat + 0.0022, lng: HOME.lng },
  far: { street: '仙林街道', location: { lat: HOME.lat + 0.02, lng: HOME.lng } },
};
const MAQUN_HOME = { lat: 32.045, lng: 118.88 };
const MAQUN: Place = {
  tag: 'maqun',
  where: { street: '马群街道', location: MAQUN_HOME },
  near: { lat: MAQUN_HOME.lat + 0.0022, lng: MAQUN_HOME.lng },
  far: { street: '马群街道', location: { lat: MAQUN_HOME.lat + 0.02, lng: MAQUN_HOME.lng } },
};

const ROLES = ['M1', 'M2', 'M3', 'H1', 'H2', 'R1', 'R2', 'C1', 'C2'] as const;
type Role = (typeof ROLES)[number];

interface FlowRun {
  place: Place;
  apps: Map<Role, { id: string; token: string }>;
  providers: { meal: string; homeVisit: string; retrofit: string; nursery: string };
  rounds: string[];
  /** Outbox events of this run (distinct by metadata.eventId), and how many deliveries they had. */
  events: Map<string, BusEvent>;
  deliveries: number;
}

const eventIdOf = (e: BusEvent) => (e.detail as { metadata: { eventId: string } }).metadata.eventId;

async function waitFor(run: FlowRun, expected: Partial<Record<Role, string>>) {
  const entries = Object.entries(expected) as [Role, string][];
  const check = async () => {
    const apps = await Promise.all(entries.map(async ([role]) => r.stack.store.getApplication(run.apps.get(role)!.id)));
    return apps.map((a, i) => `${entries[i]![0]}:${a?.status}`);
  };
  const want = entries.map(([role, s]) => `${role}:${s}`);
  await eventually(async () => ((await check()).join() === want.join() ? true : undefined), `${run.place.tag}: ${want.join(' ')}`, 30_000);
  await quiesce(r);
  expect(await check(), `${run.place.tag}: moved again after the bus went quiet`).toEqual(want);
}

async function apply(run: FlowRun, role: Role, body: Json) {
  // The same family identity in both runs, so history lines that name who acted compare equal.
  const token = await r.stack.tokens.sign({ role: 'family', sub: `replay-family-${role}` });
  const res = await r.call<Json>('POST', '/applications', { token, body });
  expect(res.status, JSON.stringify(res.body)).toBe(202);
  run.apps.set(role, { id: res.body.id as string, token });
}

async function post(token: string, path: string, body: Json = {}) {
  const res = await r.call<Json>('POST', path, { token, body });
  expect(res.status, `${path}: ${JSON.stringify(res.body)}`).toBeLessThan(300);
  return res.body;
}

async function approveIfPending(run: FlowRun, role: Role) {
  await eventually(
    async () => {
      const a = await r.stack.store.getApplication(run.apps.get(role)!.id);
      return a && a.status !== 'SUBMITTED' ? true : undefined;
    },
    `${role} assessed`,
  );
  const a = (await r.stack.store.getApplication(run.apps.get(role)!.id))!;
  if (a.status === 'AWAITING_APPROVAL') await post(r.staff, `/subsidies/${a.subsidy!.id}/approve`);
}

async function runRound(run: FlowRun) {
  const started = await post(r.staff, '/allocation-rounds', { type: 'childcare' });
  run.rounds.push(started.id as string);
  await eventually(async () => ((await r.stack.store.getRound(started.id as string))?.status === 'COMPLETED' ? true : undefined), 'the round', 60_000);
}

/** One flow per programme, step by step, so that its outcome does not depend on timing. */
async function flow(place: Place): Promise<FlowRun> {
  const run: FlowRun = { place, apps: new Map(), providers: { meal: '', homeVisit: '', retrofit: '', nursery: '' }, rounds: [], events: new Map(), deliveries: 0 };
  const at = { street: place.where.street, location: place.near };
  run.providers = {
    meal: await registerProvider(r, { kind: 'meal', name: '重放助餐点', diets: [], capacity: 1, ...at }),
    homeVisit: await registerProvider(r, { kind: 'home-visit', name: '重放上门服务社', streets: [place.where.street], services: ['cleaning'], hoursPerMonth: 16, ...at }),
    retrofit: await registerProvider(r, { kind: 'retrofit', name: '重放改造队', streets: [place.where.street], concurrentJobs: 1, ...at }),
    nursery: await registerProvider(r, { kind: 'childcare', name: '重放托育点', places: { infant: 0, toddler: 1, older: 0 }, ...at }),
  };
  const token = async (sub: string, providerId: string) => r.stack.tokens.sign({ role: 'provider', sub, providerId });
  const meal = await token('replay-meal-manager', run.providers.meal);
  const homeVisit = await token('replay-home-visit-lead', run.providers.homeVisit);
  const contractor = await token('replay-contractor', run.providers.retrofit);
  const ids = Object.fromEntries(ROLES.map((role) => [role, role.startsWith('C') ? idNumber(bornMonthsBefore(nextMonth(), 14)) : idNumber('19560315')])) as Record<Role, string>;
  await r.stack.store.importLowIncomeRegistry(DISTRICT, [ids.M1, ids.M3, ids.H1, ids.H2, ids.R1, ids.R2], `replay-${place.tag}`);
  const id = (role: Role) => run.apps.get(role)!.id;
  const family = (role: Role) => run.apps.get(role)!.token;
  const assignment = async (role: Role) => (await r.stack.store.getApplication(id(role)))!.assignment!.id;

  // Meal: offered, declined (waits, without that point), the place re-offered and accepted, then cancelled and requeued.
  await apply(run, 'M1', mealBody(ids.M1, '孙一', place.where));
  await waitFor(run, { M1: 'OFFERED' });
  await apply(run, 'M2', mealBody(ids.M2, '孙二', place.where));
  await approveIfPending(run, 'M2');
  await waitFor(run, { M1: 'OFFERED', M2: 'WAITLISTED' });
  await post(meal, `/assignments/${await assignment('M1')}/decline`, { reason: '今日满员' });
  await waitFor(run, { M1: 'WAITLISTED', M2: 'OFFERED' });
  await post(meal, `/assignments/${await assignment('M2')}/accept`);
  await apply(run, 'M3', mealBody(ids.M3, '孙三', place.where));
  await waitFor(run, { M1: 'WAITLISTED', M2: 'ACTIVE', M3: 'WAITLISTED' });
  await post(family('M2'), `/applications/${id('M2')}/cancel`);
  await waitFor(run, { M1: 'WAITLISTED', M2: 'CANCELLED', M3: 'OFFERED' });

  // Home visits: 16 hours for one resident; accepted, cancelled, handed to the next.
  await apply(run, 'H1', homeVisitBody(ids.H1, '周一', place.where));
  await waitFor(run, { H1: 'OFFERED' });
  await apply(run, 'H2', homeVisitBody(ids.H2, '周二', place.where));
  await waitFor(run, { H1: 'OFFERED', H2: 'WAITLISTED' });
  await post(homeVisit, `/assignments/${await assignment('H1')}/accept`);
  await post(family('H1'), `/applications/${id('H1')}/cancel`);
  await waitFor(run, { H1: 'CANCELLED', H2: 'OFFERED' });

  // Retrofit: one job at a time; the first goes to a passed inspection, which frees the slot for the second.
  await apply(run, 'R1', retrofitBody(ids.R1, '吴一', place.where));
  await approveIfPending(run, 'R1');
  await waitFor(run, { R1: 'OFFERED' });
  await apply(run, 'R2', retrofitBody(ids.R2, '吴二', place.where));
  await approveIfPending(run, 'R2');
  await waitFor(run, { R1: 'OFFERED', R2: 'WAITLISTED' });
  const job = await assignment('R1');
  await post(contractor, `/assignments/${job}/accept`);
  await post(contractor, `/assignments/${job}/plan`, { items: [{ code: 'grab-bar', quantity: 2, unitPrice: 160 }] });
  await post(family('R1'), `/applications/${id('R1')}/plan/confirm`);
  await post(contractor, `/assignments/${job}/complete`, { note: '扶手已安装' });
  await post(r.staff, `/applications/${id('R1')}/inspection`, { passed: true });
  await waitFor(run, { R1: 'COMPLETED', R2: 'OFFERED' });

  // Childcare: C1 lives by the nursery (10 points), C2 2.2 km away, so the rounds' outcome is fixed.
  await apply(run, 'C1', childcareBody(ids.C1, [run.providers.nursery], { name: '郑一', phone: '13800000001', where: place.where }));
  await apply(run, 'C2', childcareBody(ids.C2, [run.providers.nursery], { name: '郑二', phone: '13800000002', where: place.far }));
  await waitFor(run, { C1: 'WAITLISTED', C2: 'WAITLISTED' });
  await runRound(run);
  await waitFor(run, { C1: 'OFFERED', C2: 'WAITLISTED' });
  await post(family('C1'), `/applications/${id('C1')}/offer/decline`);
  await waitFor(run, { C1: 'WAITLISTED', C2: 'WAITLISTED' });
  await runRound(run);
  await waitFor(run, { C1: 'WAITLISTED', C2: 'OFFERED' });
  await post(family('C2'), `/applications/${id('C2')}/offer/accept`);
  await waitFor(run, { M1: 'WAITLISTED', M2: 'CANCELLED', M3: 'OFFERED', H1: 'CANCELLED', H2: 'OFFERED', R1: 'COMPLETED', R2: 'OFFERED', C1: 'WAITLISTED', C2: 'ACTIVE' });
  return run;
}

/**
 * What a run left, without identifiers or instants (which differ between any two runs): per role
 * its status, history lines, offer, subsidy, eligibility and exclusions; per provider its units;
 * per round its figures; and how many distinct events of each kind the run published.
 */
async function projection(run: FlowRun) {
  const apps: Record<string, unknown> = {};
  const records: ApplicationRecord[] = [];
  for (const role of ROLES) {
    const a = (await r.stack.store.getApplication(run.apps.get(role)!.id))!;
    records.push(a);
    apps[role] = {
      status: a.status,
      version: a.version,
      history: a.history.map((h) => [h.status, h.note, h.noteZh, h.by ?? '']),
      assignment: a.assignment ? { status: a.assignment.status, providerName: a.assignment.providerName } : undefined,
      subsidy: a.subsidy ? { status: a.subsidy.status, amount: a.subsidy.amount } : undefined,
      eligibility: a.eligibility ? { eligible: a.eligibility.eligible, demand: a.eligibility.demand, priorityWeight: a.eligibility.priorityWeight, lowIncome: a.eligibility.lowIncome } : undefined,
      exclusions: a.exclusions.length,
      job: (a as { job?: { step?: string } }).job?.step,
    };
  }
  disorder.push(...historyOutOfOrder(records));
  const providers: Record<string, unknown> = {};
  for (const [k, pid] of Object.entries(run.providers)) {
    const p = (await r.stack.store.getProvider(pid))!;
    providers[k] = { capacity: p.capacity, reserved: p.reserved, available: p.available, pools: p.pools };
  }
  const rounds = await Promise.all(
    run.rounds.map(async (id) => {
      const round = (await r.stack.store.getRound(id))!;
      return { status: round.status, considered: round.considered, planned: round.planned, offered: round.offered, conflicts: round.conflicts, stillWaiting: round.stillWaiting };
    }),
  );
  const kinds: Record<string, number> = {};
  for (const e of run.events.values()) kinds[e['detail-type']] = (kinds[e['detail-type']] ?? 0) + 1;
  return { apps, providers, rounds, events: Object.fromEntries(Object.entries(kinds).sort()) };
}

/** Events put on the bus while `act` runs, by metadata.eventId, and how many puts they were. */
async function capture<T>(act: () => Promise<T>): Promise<{ value: T; events: Map<string, BusEvent>; deliveries: number }> {
  const from = r.tap.events.length;
  const value = await act();
  await quiesce(r);
  const mine = r.tap.events.slice(from);
  return { value, events: new Map(mine.map((e) => [eventIdOf(e), e])), deliveries: mine.length };
}

/** Item-by-item differences between two scans of the table: added, removed, changed (with the fields). */
function diff(before: Map<string, Record<string, unknown>>, after: Map<string, Record<string, unknown>>): string[] {
  const out: string[] = [];
  for (const [k, v] of after) {
    const was = before.get(k);
    if (!was) {
      out.push(`added ${k}`);
      continue;
    }
    const fields = [...new Set([...Object.keys(was), ...Object.keys(v)])].filter((f) => JSON.stringify(was[f]) !== JSON.stringify(v[f]));
    if (fields.length > 0) out.push(`changed ${k}: ${fields.map((f) => `${f} ${JSON.stringify(was[f])} → ${JSON.stringify(v[f])}`).join('; ')}`);
  }
  for (const k of before.keys()) if (!after.has(k)) out.push(`removed ${k}`);
  return out;
}

/** The consumers an event goes to: the rules of the wiring table whose pattern it matches. */
function consumersOf(e: BusEvent): string[] {
  return r.stack.bus.rules.filter((rule) => matchesEventPattern(rule.pattern, e)).map((rule) => rule.target);
}

const redeliver = (e: BusEvent) => r.stack.bus.put({ source: e.source, detailType: e['detail-type'], detail: e.detail });

let once: FlowRun;
let onceLeft: Awaited<ReturnType<typeof projection>>;
let twice: FlowRun;

describe('every event delivered twice and out of order leaves the state of one delivery', () => {
  it('a flow of every programme, run once with single delivery', async () => {
    const { value, events, deliveries } = await capture(() => flow(XIANLIN));
    once = { ...value, events, deliveries };
    onceLeft = await projection(once);
    expect(r.stack.bus.deadLetters).toEqual([]);
    expect(events.size).toBe(deliveries);
    figures['single delivery'] = { events: events.size, deliveries };
  });

  it('the same flow in another street with every event delivered twice, each copy at a random delay, ends the same', async () => {
    // Childcare rounds are district-wide: the first run's child still waiting leaves, so both runs' rounds see the same children.
    const leaving = once.apps.get('C1')!;
    await post(leaving.token, `/applications/${leaving.id}/cancel`);
    await quiesce(r);

    // Act: every put becomes two, each after 0–150 ms, so copies and unrelated events overtake each other
    const put = r.stack.bus.put.bind(r.stack.bus);
    const rand = mulberry32(20261203);
    r.stack.bus.put = (entry) => {
      for (let copy = 0; copy < 2; copy++) {
        r.tap.pending++;
        setTimeout(
          () => {
            r.tap.pending--;
            put(entry);
          },
          Math.floor(rand() * 150),
        );
      }
      // The Pipe does not read what the bus answers; nothing is delivered yet.
      return { version: '0', id: 'scheduled', 'detail-type': entry.detailType, source: entry.source, account: '', time: '', region: '', resources: [], detail: entry.detail };
    };
    let captured: Awaited<ReturnType<typeof capture<FlowRun>>>;
    try {
      captured = await capture(() => flow(MAQUN));
    } finally {
      r.stack.bus.put = put;
    }
    twice = { ...captured.value, events: captured.events, deliveries: captured.deliveries };

    // Assess
    expect(r.stack.bus.deadLetters).toEqual([]);
    expect(twice.deliveries).toBe(2 * twice.events.size);
    expect(await projection(twice)).toEqual(onceLeft);
    figures['double delivery, random delays'] = { events: twice.events.size, deliveries: twice.deliveries, sameProjection: true };
  });

  it('every captured event delivered once more, one at a time, changes no item of the table', async () => {
    await quiesce(r);
    const before = await scanTable(r);
    const all = [...once.events.values(), ...twice.events.values()];
    const from = r.tap.events.length;
    const perConsumer: Record<string, number> = {};

    // Act
    for (const e of all) {
      for (const c of consumersOf(e)) perConsumer[c] = (perConsumer[c] ?? 0) + 1;
      redeliver(e);
      await r.stack.settle();
    }
    await quiesce(r);

    // Assess: nothing written, nothing published, nothing parked
    const after = await scanTable(r);
    expect(r.stack.bus.deadLetters).toEqual([]);
    expect(diff(before, after)).toEqual([]);
    expect(r.tap.events.length - from, 'only the redeliveries themselves went over the bus').toBe(all.length);
    figures['sequential redelivery'] = { events: all.length, deliveriesPerConsumer: perConsumer, items: after.size, itemsChanged: 0 };
  });

  it('the whole set again at once in a shuffled order changes no item of the table', async () => {
    const before = await scanTable(r);
    const all = [...once.events.values(), ...twice.events.values()];
    const rand = mulberry32(42);
    const shuffled = all
      .map((e) => ({ e, k: rand() }))
      .sort((x, y) => x.k - y.k)
      .map((x) => x.e);

    // Act: all at once, the newest events often before the ones that caused them
    for (const e of shuffled) redeliver(e);
    await quiesce(r);

    // Assess
    const after = await scanTable(r);
    expect(r.stack.bus.deadLetters).toEqual([]);
    expect(diff(before, after)).toEqual([]);
    figures['shuffled concurrent redelivery'] = { events: shuffled.length, items: after.size, itemsChanged: 0 };
  });

  it('keeps every application history in time order in all runs', () => {
    expect(disorder).toEqual([]);
  });
});

/**
 * The one event whose consumer does not finish in a few milliseconds: a round. EventBridge may
 * deliver it twice at once (a retry after a timeout while the first invocation still runs, or two
 * stream records forwarded); both copies find the round RUNNING. Whatever a single delivery records
 * — its figures, and for a stable round each child's entry and each nursery's pool — must be what
 * the round did.
 */
describe('a round requested once and delivered twice at the same moment', () => {
  /** While `act` runs, every AllocationRoundRequested put on the bus is put twice at once. */
  async function roundDeliveredTwice<T>(act: () => Promise<T>): Promise<T> {
    const put = r.stack.bus.put.bind(r.stack.bus);
    r.stack.bus.put = (entry) => {
      if (entry.detailType === 'AllocationRoundRequested') put(entry);
      return put(entry);
    };
    try {
      return await act();
    } finally {
      r.stack.bus.put = put;
    }
  }

  async function requestRound(type: string): Promise<string> {
    const started = await post(r.staff, '/allocation-rounds', { type });
    await eventually(async () => ((await r.stack.store.getRound(started.id as string))?.status === 'COMPLETED' ? true : undefined), 'the round', 60_000);
    await quiesce(r);
    return started.id as string;
  }

  it('meal (optimal round): the round records the offers it made, whichever copy finishes first', async () => {
    // Prepare: in 尧化街道, a meal point with 6 free places and 12 residents waiting beside it, and a
    // RUNNING round, written straight to the table (no event: the two copies below are the only deliveries).
    const store = r.stack.store;
    const home = { lat: 32.115, lng: 118.87 };
    const point = providerRecord({ id: `replay-round-point-${Date.now()}`, street: '尧化街道', location: { lat: home.lat + 0.002, lng: home.lng }, capacity: 6 });
    const base = applicationRecord({ id: 'x' });
    const waiting = Array.from({ length: 12 }, (_, i) =>
      applicationRecord({
        id: `${point.id}-resident-${i}`,
        correlationId: `${point.id}-resident-${i}`,
        status: 'WAITLISTED',
        street: '尧化街道',
        createdAt: `2026-12-01T${String(i).padStart(2, '0')}:00:00.000Z`,
        subject: { ...base.subject, address: { district: DISTRICT, street: '尧化街道', location: home } },
        eligibility: { eligible: true, reasons: [], policyVersion: 'meal-subsidy/2026.1', age: 80, lowIncome: false, demand: 1, priorityWeight: 0.7 },
      }),
    );
    const iso = new Date().toISOString();
    const roundId = `${point.id}-round`;
    await store.commit([
      store.create('provider', Providers, point),
      ...waiting.map((a) => store.create(a.id, Applications, a)),
      store.create('round', Rounds, { id: roundId, type: 'meal', district: DISTRICT, status: 'RUNNING', requestedBy: 'twice-official', createdAt: iso, updatedAt: iso, version: 1 }),
    ]);
    // Both copies read the round before either claims it — the closest two deliveries can come. The
    // claim is a conditional write, so one runs and the other finds it claimed (busy: the platform
    // retries it later) or completed (a duplicate); it never reads the waitlist.
    let roundReads = 0;
    let bothRead!: () => void;
    const readsDone = new Promise<void>((res) => {
      bothRead = res;
    });
    let waitlistReads = 0;
    const copy = async () => {
      const s = Object.create(store) as Store;
      let first = true;
      s.getRound = async (id: string) => {
        const out = await store.getRound(id);
        if (first) {
          first = false;
          if (++roundReads === 2) bothRead();
          await readsDone;
        }
        return out;
      };
      s.listAllApplicationsByDistrictTypeStatus = (...args: Parameters<Store['listAllApplicationsByDistrictTypeStatus']>) => {
        waitlistReads++;
        return store.listAllApplicationsByDistrictTypeStatus(...args);
      };
      try {
        return await runRequestedRound({ store: s, now: () => new Date() }, roundId, 'evt-round-twice', { correlationId: roundId, causationId: 'evt-round-twice' });
      } catch (err) {
        if (err instanceof RoundBusyError) return 'busy';
        throw err;
      }
    };

    // Act: the same event, delivered twice at once
    const outcomes = await Promise.all([copy(), copy()]);

    // Assess: six offers, once each, and a round record that says so
    const apps = await Promise.all(waiting.map(async (a) => (await store.getApplication(a.id))!));
    const offers = apps.filter((a) => a.status === 'OFFERED');
    expect(offers).toHaveLength(6);
    expect(await store.getProvider(point.id)).toMatchObject({ reserved: 6, available: 0 });
    expect(outcomes).toContain('done');
    expect(outcomes.filter((o) => o !== 'done')).toEqual([expect.stringMatching(/^(busy|duplicate)$/)]);
    expect(waitlistReads, 'only the run holding the claim reads the waitlist').toBe(1);
    const round = (await store.getRound(roundId))!;
    figures['meal round delivered twice'] = { offersMade: offers.length, outcomes, recorded: { considered: round.considered, planned: round.planned, offered: round.offered, conflicts: round.conflicts, stillWaiting: round.stillWaiting } };
    expect({ offered: round.offered, conflicts: round.conflicts }, 'the round record against the offers it made').toEqual({ offered: 6, conflicts: 0 });
  });

  it('childcare (stable round): each child\'s entry and the nursery\'s pool say what the round did, and it re-runs to its offers', async () => {
    // Prepare: in 迈皋桥街道, a nursery with 2 toddler places and 5 toddlers ranking it alone
    const home = { lat: 32.105, lng: 118.8 };
    const where = { street: '迈皋桥街道', location: home };
    const nursery = await registerProvider(r, { kind: 'childcare', name: '重放双投托育点', street: '迈皋桥街道', location: { lat: home.lat + 0.002, lng: home.lng }, places: { infant: 0, toddler: 2, older: 0 } });
    const kids = Array.from({ length: 5 }, (_, i) => ({ i, id: idNumber(bornMonthsBefore(nextMonth(), 15)) }));
    const appIds: string[] = [];
    for (const k of kids) {
      const token = await r.stack.tokens.sign({ role: 'family', sub: `replay-twice-family-${k.i}` });
      const res = await r.call<Json>('POST', '/applications', { token, body: childcareBody(k.id, [nursery], { name: `王${k.i}`, phone: `1390000000${k.i}`, where }) });
      expect(res.status, JSON.stringify(res.body)).toBe(202);
      appIds.push(res.body.id as string);
    }
    await eventually(async () => ((await Promise.all(appIds.map((id) => r.stack.store.getApplication(id)))).every((a) => a?.status === 'WAITLISTED') ? true : undefined), 'children waiting');
    await quiesce(r);

    // Act
    const roundId = await roundDeliveredTwice(() => requestRound('childcare'));

    // Assess
    const apps = await Promise.all(appIds.map(async (id) => (await r.stack.store.getApplication(id))!));
    const made = new Map(apps.map((a) => [a.id, a.status === 'OFFERED' ? a.assignment?.providerId : undefined]));
    expect(apps.filter((a) => a.status === 'OFFERED')).toHaveLength(2);
    const entries = await r.stack.store.listRoundEntries(roundId);
    const pool = (await r.stack.store.listRoundPools(roundId)).find((p) => p.providerId === nursery);
    const round = (await r.stack.store.getRound(roundId))!;
    const mine = entries.filter((e) => appIds.includes(e.applicationId));
    const wrongEntries = mine.filter((e) => e.offeredProviderId !== made.get(e.applicationId)).map((e) => `${e.applicationId}: entry says ${e.offeredProviderId ?? e.preferences.map((p) => p.outcome).join(',')}, application ${made.get(e.applicationId) ? 'OFFERED' : 'not offered'}`);
    const rerun = await rerunFromRecords({ store: r.stack.store, now: () => new Date() }, round);
    const rerunMine = new Map([...rerun].filter(([id]) => appIds.includes(id)));
    figures['childcare round delivered twice'] = {
      offersMade: 2,
      recorded: { considered: round.considered, planned: round.planned, offered: round.offered, conflicts: round.conflicts },
      pool: pool?.classes.toddler,
      entriesDisagreeing: wrongEntries.length,
      rerunMatches: JSON.stringify([...rerunMine]) === JSON.stringify([...made]),
    };
    expect(wrongEntries, 'round entries against the offers made').toEqual([]);
    expect(pool?.classes.toddler, 'the pool as it was when the round ran').toMatchObject({ places: 2, admitted: 2 });
    expect(rerunMine).toEqual(made);
    expect({ offered: round.offered, conflicts: round.conflicts }).toEqual({ offered: 2, conflicts: 0 });
  });
});
