import { randomUUID } from 'node:crypto';
import type { ProviderRecord } from '@huimin/store';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { rerunFromRecords } from '../../functions/src/use-cases/stable-round';
import { type LocalStack, startLocalStack } from '../../packages/local/src/stack';
import { apiClient, homeVisitApplication, mealApplication } from '../e2e/client';
import { eventually } from '../support/dynamo';
import { bornMonthsBefore, type CrashStats, injectCrashes, nextMonth, placeLedger, readTable, repeatedSteps, residentId } from './crash-support';
import { flowActors } from './flow-actors';

/**
 * Crashes (issue 12). Part (a), in this process: every consumer is killed between its write and
 * its return — on its first attempt right after its first write has landed, on its second right
 * after its second — and the bus redelivers. Nothing may be lost and nothing done twice.
 * Part (b), with the local stack as a child process on a persisted data dir, is in
 * crash-restart.test.ts.
 */

// biome-ignore lint/suspicious/noExplicitAny: response bodies are read field by field, as a client would
type Json = Record<string, any>;

const DISTRICT = '320113';
const NURSERY_A = 'childcare-320113-xianlin';
const NURSERY_B = 'childcare-320113-xianlin-hu';
const CONTRACTOR = 'retrofit-320113-01';

let stack: LocalStack;
let call: ReturnType<typeof apiClient>;
let injector: ReturnType<typeof injectCrashes>;
let baseline: Map<string, ProviderRecord>;
/** Attempts of each delivery that die after a write; CRASHING_ATTEMPTS=0 runs the same flows with no crash (the control). */
const crashing = Number(process.env.CRASHING_ATTEMPTS ?? 2);
const figures: { stats?: CrashStats; applications?: number; replayed?: number; histories?: Record<string, string[]>; round?: Json; rerun?: Json } = {};

beforeAll(async () => {
  stack = await startLocalStack({
    port: 0,
    dynamoEndpoint: inject('dynamoEndpoint'),
    tableName: `crash-${randomUUID().slice(0, 8)}`,
    // Five attempts: two die (after their first and second write), the third runs to its end.
    retryDelaysMs: [20, 50, 100, 200],
  });
  call = apiClient(stack.url);
  baseline = new Map((await readTable(stack.dynamoEndpoint, stack.tableName)).providers.map((p) => [p.id, p]));
  injector = injectCrashes(stack.bus, crashing);
  figures.stats = injector.stats;
});

afterAll(async () => {
  injector?.restore();
  await stack?.stop();
  const s = figures.stats;
  console.log(
    [
      '[crash (a)] consumers killed between write and return, then redelivered by the bus',
      `  applications: ${figures.applications ?? '-'}; invocations per consumer: ${JSON.stringify(s?.invocations ?? {})}`,
      `  crashes after a landed write: ${JSON.stringify(s?.crashes ?? {})}; writes refused after death: ${s?.refusedAfterDeath ?? '-'}`,
      `  events replayed once more at the end: ${figures.replayed ?? '-'}; round: ${JSON.stringify(figures.round ?? {})}; re-run from records: ${JSON.stringify(figures.rerun ?? {})}`,
      ...Object.entries(figures.histories ?? {}).map(([k, h]) => `  ${k}: ${h.join(' → ')}`),
    ].join('\n'),
  );
});

const { staffToken, familyToken, providerToken, submit } = flowActors(
  () => stack,
  () => call,
  'crash-official',
  DISTRICT,
);

async function until(id: string, token: string, ok: (app: Json) => boolean, what: string, timeoutMs = 30_000): Promise<Json> {
  return eventually(
    async () => {
      const r = await call<Json>('GET', `/applications/${id}`, { token });
      return ok(r.body) ? r.body : undefined;
    },
    `application ${id} ${what}`,
    timeoutMs,
  );
}
const reaches = (id: string, token: string, status: string) => until(id, token, (a) => a.status === status, `to reach ${status}`);

/** Waits until the bus has been idle and nothing new was put on it for a while (the poller included). */
async function quiescent(): Promise<void> {
  for (let seen = -1; ; ) {
    await stack.settle();
    await new Promise((r) => setTimeout(r, 400));
    if (seen === injector.recorded.length) {
      await stack.settle();
      return;
    }
    seen = injector.recorded.length;
  }
}

describe('a consumer killed between its write and its return', () => {
  it('loses nothing and does nothing twice once redelivered: one offer per offer step, one history entry per step, exact place counts', async () => {
    const staff = await staffToken();
    const expected = new Map<string, string[]>();
    const labels = new Map<string, string>();
    const track = (label: string, id: string, history: string[]) => {
      expected.set(id, history);
      labels.set(id, label);
    };

    // Meal, no subsidy due (66): straight to matching and an offer.
    const plainMeal = async (i: number) => {
      const family = await familyToken();
      const id = await submit(family, mealApplication({ idNumber: residentId('19600315', 500 + i) }));
      await reaches(id, family, 'OFFERED');
      track(`meal #${i}`, id, ['SUBMITTED', 'MATCHING', 'OFFERED']);
    };
    // Meal at 82: staff approve, the first meal point declines, the next one accepts.
    const declinedMeal = async () => {
      const family = await familyToken();
      const id = await submit(family, mealApplication({ idNumber: residentId('19440315', 520) }));
      const waiting = await reaches(id, family, 'AWAITING_APPROVAL');
      expect((await call('POST', `/subsidies/${waiting.subsidy.id}/approve`, { token: staff, body: {} })).status).toBe(200);
      const first = await reaches(id, family, 'OFFERED');
      const declined = await call<Json>('POST', `/assignments/${first.assignment.id}/decline`, { token: await providerToken(first.assignment.providerId), body: { reason: '厨房检修' } });
      expect(declined.status, JSON.stringify(declined.body)).toBe(200);
      const second = await until(id, family, (a) => a.status === 'OFFERED' && a.assignment.id !== first.assignment.id, 'to be offered again');
      expect(second.assignment.providerId).not.toBe(first.assignment.providerId);
      expect((await call('POST', `/assignments/${second.assignment.id}/accept`, { token: await providerToken(second.assignment.providerId) })).status).toBe(200);
      await reaches(id, family, 'ACTIVE');
      track('meal declined then accepted', id, ['SUBMITTED', 'AWAITING_APPROVAL', 'MATCHING', 'OFFERED', 'MATCHING', 'OFFERED', 'ACTIVE']);
    };
    // Meal out of reach: waitlisted, then offered by the waitlist consumer when a halal point opens next door.
    const waitlistedMeal = async () => {
      const family = await familyToken();
      const id = await submit(
        family,
        mealApplication({ idNumber: residentId('19600315', 530), street: '八卦洲街道', lat: 32.1955, lng: 118.7705, needs: { diets: ['halal'], maxDistanceMetres: 300 } }),
      );
      await reaches(id, family, 'WAITLISTED');
      const registered = await call<Json>('POST', '/providers', {
        token: staff,
        body: { name: '八卦洲清真助餐点', kind: 'meal', street: '八卦洲街道', location: { lat: 32.1962, lng: 118.7712 }, capacity: 2, diets: ['halal'] },
      });
      expect(registered.status, JSON.stringify(registered.body)).toBe(201);
      const offered = await reaches(id, family, 'OFFERED');
      expect(offered.assignment.providerId).toBe(registered.body.id);
      track('meal waitlisted then offered', id, ['SUBMITTED', 'MATCHING', 'WAITLISTED', 'MATCHING', 'OFFERED']);
    };
    // Home visits: approved, offered, accepted.
    const homeVisit = async () => {
      const family = await familyToken();
      const id = await submit(family, homeVisitApplication({ idNumber: residentId('19440315', 540) }));
      const waiting = await reaches(id, family, 'AWAITING_APPROVAL');
      expect((await call('POST', `/subsidies/${waiting.subsidy.id}/approve`, { token: staff, body: {} })).status).toBe(200);
      const offered = await reaches(id, family, 'OFFERED');
      expect((await call('POST', `/assignments/${offered.assignment.id}/accept`, { token: await providerToken(offered.assignment.providerId) })).status).toBe(200);
      await reaches(id, family, 'ACTIVE');
      track('home visit', id, ['SUBMITTED', 'AWAITING_APPROVAL', 'MATCHING', 'OFFERED', 'ACTIVE']);
    };
    // Retrofit: approved and offered to the contractor covering the street.
    const retrofit = async () => {
      const family = await familyToken();
      const id = await submit(family, {
        type: 'retrofit',
        applicant: { name: '王芳', phone: '13912345678' },
        subject: {
          name: '王秀英',
          idNumber: residentId('19440315', 550),
          address: { district: DISTRICT, street: '仙林街道', detail: '仙林大道1号3栋201', location: { lat: 32.105, lng: 118.93 } },
        },
        needs: { careLevel: 2, wishes: ['grab-bar'] },
      });
      const waiting = await reaches(id, family, 'AWAITING_APPROVAL');
      expect((await call('POST', `/subsidies/${waiting.subsidy.id}/approve`, { token: staff, body: {} })).status).toBe(200);
      const offered = await reaches(id, family, 'OFFERED');
      expect(offered.assignment.providerId).toBe(CONTRACTOR);
      track('retrofit', id, ['SUBMITTED', 'AWAITING_APPROVAL', 'MATCHING', 'OFFERED']);
    };
    // Childcare: two toddlers wait for a round; the round (cut after its first and second writes) offers both.
    const childcare = async () => {
      const month = nextMonth();
      for (const [id, places] of [
        [NURSERY_A, { infant: 1, toddler: 1, older: 1 }],
        [NURSERY_B, { infant: 1, toddler: 2, older: 1 }],
      ] as const) {
        const r = await call<Json>('PUT', `/providers/${id}/capacity`, { token: staff, body: { places } });
        expect(r.status, JSON.stringify(r.body)).toBe(200);
      }
      const children = await Promise.all(
        [14, 15].map(async (months, i) => {
          const family = await familyToken();
          const id = await submit(family, {
            type: 'childcare',
            // Two families (two phones): children of one family share a lottery key, and their tie is not this test's subject.
            applicant: { name: '李娜', phone: `1381234567${i}`, relationship: 'parent' },
            subject: { name: `李一诺${i}`, idNumber: residentId(bornMonthsBefore(month, months), 560 + i), address: { district: DISTRICT, street: '仙林街道', location: { lat: 32.105, lng: 118.93 } } },
            needs: { preferences: [NURSERY_A, NURSERY_B], startMonth: month },
          });
          await reaches(id, family, 'WAITLISTED');
          return { id, family };
        }),
      );
      const started = await call<Json>('POST', '/allocation-rounds', { token: staff, body: { type: 'childcare' } });
      expect(started.status, JSON.stringify(started.body)).toBe(202);
      const round = await eventually(async () => {
        // A round request the bus gave up on will never complete: say so at once.
        const parked = stack.bus.deadLetters.find((d) => d.rule === 'allocateDistrict');
        if (parked) return { parked: parked.error } as Json;
        const r = await call<Json>('GET', `/allocation-rounds/${started.body.id}`, { token: staff });
        return r.body.status === 'COMPLETED' ? r.body : undefined;
      }, 'the round to complete', 120_000);
      // Soft, and then nothing more of this flow: the other programmes' checks below still run.
      expect.soft(round.parked, 'the round request went to the dead-letter list after its consumer was killed').toBeUndefined();
      if (round.parked) return;
      const admitted = (round.cutoffs as Json[]).reduce((n, c) => n + c.admitted, 0);
      figures.round = { considered: round.considered, planned: round.planned, offered: round.offered, conflicts: round.conflicts, stillWaiting: round.stillWaiting, admitted };
      const offeredAt: Record<string, string> = {};
      for (const [i, c] of children.entries()) {
        offeredAt[c.id] = (await reaches(c.id, c.family, 'OFFERED')).assignment.providerId;
        track(`childcare #${i}`, c.id, ['SUBMITTED', 'MATCHING', 'WAITLISTED', 'MATCHING', 'OFFERED']);
      }
      // Re-run from its records and published seed, the round gives the offers it made.
      const record = await stack.store.getRound(started.body.id);
      const rerun = await rerunFromRecords({ store: stack.store, now: () => new Date() } as Parameters<typeof rerunFromRecords>[0], record!);
      figures.rerun = Object.fromEntries(rerun);
      expect.soft(figures.rerun, 'the round re-run from its records').toEqual(offeredAt);
      // The round's own record says what it did, however often it was cut and re-run (soft: the checks below still run).
      expect.soft(figures.round, 'the round record after its consumer was cut and re-run').toEqual({ considered: 2, planned: 2, offered: 2, conflicts: 0, stillWaiting: 0, admitted: 2 });
    };

    await Promise.all([...[0, 1, 2, 3].map(plainMeal), declinedMeal(), waitlistedMeal(), homeVisit(), retrofit(), childcare()]);
    await quiescent();

    // Every consumer that ran was killed at least once after a write had landed (unless this is the
    // control run, CRASHING_ATTEMPTS=0), and nothing went to the dead-letter list.
    for (const consumer of ['assessEligibility', 'matchApplication', 'requeueWaitlisted', 'allocateDistrict']) {
      expect(injector.stats.crashes[consumer] ?? 0, `${consumer} was never killed after a write`).toBeGreaterThan(crashing > 0 ? 0 : -1);
    }
    expect.soft(stack.bus.deadLetters.map((d) => `${d.rule}: ${d.error}`)).toEqual([]);

    const after = await readTable(stack.dynamoEndpoint, stack.tableName);
    figures.applications = expected.size;
    figures.histories = Object.fromEntries(
      [...expected.keys()].map((id) => [labels.get(id)!, after.applications.find((a) => a.id === id)?.history.map((h) => h.status) ?? []]),
    );
    for (const [id, history] of expected) {
      const app = after.applications.find((a) => a.id === id);
      const label = labels.get(id)!;
      // One history entry per step, in order.
      expect(app?.history.map((h) => h.status), label).toEqual(history);
      expect(repeatedSteps(app!), label).toEqual([]);
      // One assignment per offer step, and at most one of them live.
      const mine = after.assignments.filter((a) => a.applicationId === id);
      expect(mine.length, `${label}: assignments`).toBe(history.filter((s) => s === 'OFFERED').length);
      expect(mine.filter((a) => a.status === 'OFFERED' || a.status === 'ACCEPTED').length, `${label}: live assignments`).toBe(1);
    }
    // Places held are exactly the live assignments' (per class for nurseries), and the counters add up.
    const ledger = placeLedger(after, baseline);
    expect(ledger.filter((r) => r.counted !== r.expected || !r.consistent)).toEqual([]);
    expect(ledger.some((r) => r.expected > (baseline.get(r.providerId)?.reserved ?? 0))).toBe(true);

    // Redelivery long after: every event of the run, delivered once more, changes nothing.
    const kept = (t: typeof after) =>
      new Map([...t.raw].filter(([k]) => /^(APP|ASSIGN|PROVIDER|SUBSIDY|ROUND|ROUNDPOOL|ROUNDENTRY|OPENAPP)#/.test(k)));
    const before = kept(after);
    const events = [...injector.recorded];
    const parkedBefore = stack.bus.deadLetters.length;
    for (const e of events) stack.bus.put(e);
    figures.replayed = events.length;
    await quiescent();
    expect.soft(stack.bus.deadLetters.slice(parkedBefore).map((d) => `${d.rule}: ${d.error}`), 'parked on redelivery').toEqual([]);
    expect(kept(await readTable(stack.dynamoEndpoint, stack.tableName))).toEqual(before);
  });
});
