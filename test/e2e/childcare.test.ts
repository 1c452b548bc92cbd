import { randomUUID } from 'node:crypto';
import { checkCharFor } from '@huimin/domain';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { rerunFromRecords } from '../../functions/src/use-cases/stable-round';
import { type LocalStack, startLocalStack } from '../../packages/local/src/stack';
import { bornMonthsBefore, nextMonth } from '../support/calendar';
import { eventually } from '../support/dynamo';
import { apiClient } from './client';

/**
 * Childcare places (托育) end to end through the local HTTP API: a family ranks nurseries, the
 * submission refuses what cannot be right, staff run a stable round, the family takes or leaves the
 * offer and reads why it did not get a higher choice, and the round re-runs from its records.
 */

// biome-ignore lint/suspicious/noExplicitAny: response bodies are read field by field, as a client would
type Json = Record<string, any>;

const DISTRICT = '320113';
const A = 'childcare-320113-xianlin';
const B = 'childcare-320113-xianlin-hu';
const C = 'childcare-320113-maqun';

let stack: LocalStack;
let call: ReturnType<typeof apiClient>;
let staff: string;

beforeAll(async () => {
  stack = await startLocalStack({ port: 0, dynamoEndpoint: inject('dynamoEndpoint'), tableName: `childcare-${randomUUID().slice(0, 8)}`, retryDelaysMs: [20, 50] });
  call = apiClient(stack.url);
  staff = await stack.tokens.sign({ role: 'staff', sub: 'official', district: DISTRICT });
});

afterAll(async () => {
  await stack?.stop();
});

let sequence = 100;
function childId(birth: string): string {
  const first17 = `${DISTRICT}${birth}${String(sequence++).padStart(3, '0')}`;
  return first17 + checkCharFor(first17);
}

function childcareApplication(o: { idNumber: string; preferences: string[]; startMonth?: string; phone?: string; name?: string; needs?: Json; location?: Json }) {
  return {
    type: 'childcare',
    applicant: { name: '李娜', phone: o.phone ?? '13812345678', relationship: 'parent' },
    subject: { name: o.name ?? '李一诺', idNumber: o.idNumber, address: { district: DISTRICT, street: '仙林街道', location: o.location ?? { lat: 32.105, lng: 118.93 } } },
    needs: { preferences: o.preferences, startMonth: o.startMonth ?? nextMonth(), ...o.needs },
  };
}

async function familyToken() {
  return stack.tokens.sign({ role: 'family', sub: `family-${randomUUID()}` });
}

async function applyAndWait(token: string, body: Json): Promise<Json> {
  const res = await call<Json>('POST', '/applications', { token, body });
  expect(res.status, JSON.stringify(res.body)).toBe(202);
  return eventually(async () => {
    const app = await call<Json>('GET', `/applications/${res.body.id}`, { token });
    return app.body.status === 'WAITLISTED' ? app.body : undefined;
  }, `application ${res.body.id} to wait for a round`);
}

async function runRound(): Promise<Json> {
  const started = await call<Json>('POST', '/allocation-rounds', { token: staff, body: { type: 'childcare' } });
  expect(started.status).toBe(202);
  expect(Number.isInteger(started.body.lotterySeed)).toBe(true);
  return eventually(async () => {
    const r = await call<Json>('GET', `/allocation-rounds/${started.body.id}`, { token: staff });
    return r.body.status === 'COMPLETED' ? r.body : undefined;
  }, `round ${started.body.id} to complete`, 45_000);
}

async function setPlaces(providerId: string, places: { infant: number; toddler: number; older: number }) {
  const res = await call<Json>('PUT', `/providers/${providerId}/capacity`, { token: staff, body: { places } });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body;
}

describe('childcare places', () => {
  it('lists the district nurseries with places per age class for a family to rank', async () => {
    const res = await call<Json>('GET', `/programmes/childcare/providers?district=${DISTRICT}`, { token: await familyToken() });

    expect(res.status).toBe(200);
    expect(res.body.items.map((n: Json) => n.id)).toEqual(expect.arrayContaining([A, B, C]));
    const a = res.body.items.find((n: Json) => n.id === A);
    expect(a.classes.map((c: Json) => c.code)).toEqual(['infant', 'toddler', 'older']);
    expect(a).not.toHaveProperty('reserved');
  });

  it('refuses ranked nurseries that are unknown, repeated, of another kind or district, naming each preference', async () => {
    const family = await familyToken();
    const other = await stack.tokens.sign({ role: 'staff', sub: 'gulou-official', district: '320102' });
    const elsewhere = await call<Json>('POST', '/providers', {
      token: other,
      body: { kind: 'childcare', name: '鼓楼区示范托育园', street: '宁海路街道', location: { lat: 32.058, lng: 118.77 }, places: { infant: 2, toddler: 2, older: 2 } },
    });
    expect(elsewhere.status, JSON.stringify(elsewhere.body)).toBe(201);
    const idNumber = childId(bornMonthsBefore(nextMonth(), 14));

    const repeated = await call<Json>('POST', '/applications', { token: family, body: childcareApplication({ idNumber, preferences: [A, B, A] }) });
    const wrong = await call<Json>('POST', '/applications', {
      token: family,
      body: childcareApplication({ idNumber, preferences: [A, 'no-such-nursery', 'meal-320113-xianlin-01', elsewhere.body.id] }),
    });

    expect(repeated.status).toBe(400);
    expect(repeated.body.error.issues).toEqual([{ path: 'needs.preferences.2', message: expect.stringContaining('不能重复') }]);
    expect(wrong.status).toBe(400);
    const issues = wrong.body.error.issues as Json[];
    expect(issues.map((i) => i.path)).toEqual(['needs.preferences.1', 'needs.preferences.2', 'needs.preferences.3']);
    expect(issues[0]?.message).toContain('没有这家托育机构');
    expect(issues[1]?.message).toContain('不是托育机构');
    expect(issues[2]?.message).toContain('不在申请对象所在区县');
    // Nothing was written: the same child may apply at once with a good list (and withdraw, leaving the rounds below to others).
    const good = await call<Json>('POST', '/applications', { token: family, body: childcareApplication({ idNumber, preferences: [A] }) });
    expect(good.status).toBe(202);
    expect((await call('POST', `/applications/${good.body.id}/cancel`, { token: family, body: {} })).status).toBe(200);
  });

  it('refuses a child three or older on the start month, one too young, and a start month in the past', async () => {
    const family = await familyToken();
    const month = nextMonth();
    const cases: [Json, string][] = [
      [childcareApplication({ idNumber: childId(bornMonthsBefore(month, 36)), preferences: [A] }), 'subject.idNumber'],
      [childcareApplication({ idNumber: childId(bornMonthsBefore(month, 3)), preferences: [A] }), 'needs.startMonth'],
      [childcareApplication({ idNumber: childId(bornMonthsBefore(month, 20)), preferences: [A], startMonth: '2024-01' }), 'needs.startMonth'],
    ];
    for (const [body, path] of cases) {
      const res = await call<Json>('POST', '/applications', { token: family, body });
      expect(res.status, path).toBe(400);
      expect(res.body.error.issues.map((i: Json) => i.path)).toEqual([path]);
      expect(res.body.error.issues[0].message).toMatch(/[\u4e00-\u9fff].* \/ [A-Za-z]/);
    }
  });

  it('runs a stable round: the higher priority takes the first choice, the family takes its second and reads why, and the round re-runs the same', async () => {
    const month = nextMonth();
    // A's toddler class has one place, B's two; C has none for toddlers.
    await setPlaces(A, { infant: 1, toddler: 1, older: 1 });
    await setPlaces(B, { infant: 1, toddler: 2, older: 1 });
    await setPlaces(C, { infant: 1, toddler: 0, older: 1 });
    // Both families live at A's door (within 1 km: 10 points there).
    const atA = (await stack.store.getProvider(A))!.location;
    const ours = await familyToken();
    const sibling = await familyToken();
    const mine = await applyAndWait(ours, childcareApplication({ idNumber: childId(bornMonthsBefore(month, 14)), preferences: [C, A, B], location: atA }));
    expect(mine.history.at(-1).noteZh).toContain('等待下一轮');
    const theirs = await applyAndWait(
      sibling,
      childcareApplication({ idNumber: childId(bornMonthsBefore(month, 15)), preferences: [A, B], phone: '13700001111', name: '张子涵', needs: { siblingEnrolledAt: A }, location: atA }),
    );

    const round = await runRound();

    expect(round).toMatchObject({ considered: 2, planned: 2, offered: 2, conflicts: 0, stillWaiting: 0 });
    const cutoffA = round.cutoffs.find((c: Json) => c.providerId === A && c.capacityClass === 'toddler');
    expect(cutoffA).toMatchObject({ places: 1, admitted: 1, cutoff: { points: 40 + 10 } });
    const mineAfter = (await call<Json>('GET', `/applications/${mine.id}`, { token: ours })).body;
    expect(mineAfter.status).toBe('OFFERED');
    expect(mineAfter.allocation).toMatchObject({ roundId: round.id, ageClass: 'toddler', offeredProviderId: B, rank: 3 });
    expect(mineAfter.allocation.explanation).toEqual([
      expect.objectContaining({ providerId: C, outcome: 'no-places', cutoff: null }),
      expect.objectContaining({ providerId: A, outcome: 'below-cutoff', cutoff: expect.objectContaining({ points: 50 }), points: 10 }),
    ]);
    expect(mineAfter.allocation.explanation[1].rules).toEqual([expect.objectContaining({ rule: 'nearby', points: 10 })]);
    expect(mineAfter.history.at(-1).noteZh).toContain('第3志愿');

    // The nursery cannot answer for the family.
    const nursery = await stack.tokens.sign({ role: 'provider', sub: 'nursery-b', providerId: B });
    const byNursery = await call<Json>('POST', `/assignments/${mineAfter.assignment.id}/accept`, { token: nursery });
    expect(byNursery.status).toBe(409);
    expect(byNursery.body.error.code).toBe('OFFER_ANSWERED_BY_OTHER');

    // The family takes the place: ACTIVE, and B's toddler class holds it.
    const accepted = await call<Json>('POST', `/applications/${mine.id}/offer/accept`, { token: ours });
    expect(accepted.status, JSON.stringify(accepted.body)).toBe(200);
    expect(accepted.body).toMatchObject({ status: 'ACTIVE', assignment: { status: 'ACCEPTED' } });
    expect((await stack.store.getProvider(B))?.pools?.toddler).toMatchObject({ capacity: 2, reserved: 1, available: 1 });

    // The other family leaves its place: it goes back to A's pool, and the child waits without A.
    const declined = await call<Json>('POST', `/applications/${theirs.id}/offer/decline`, { token: sibling });
    expect(declined.status, JSON.stringify(declined.body)).toBe(200);
    expect((await stack.store.getProvider(A))?.pools?.toddler).toMatchObject({ reserved: 0, available: 1 });
    await eventually(async () => {
      const app = await call<Json>('GET', `/applications/${theirs.id}`, { token: sibling });
      return app.body.status === 'WAITLISTED' ? app.body : undefined;
    }, 'the declined application to wait for the next round');

    // Re-running the first round from its records and published seed gives the same offers.
    const record = await stack.store.getRound(round.id);
    const rerun = await rerunFromRecords({ store: stack.store, now: () => new Date() } as Parameters<typeof rerunFromRecords>[0], record!);
    expect(Object.fromEntries(rerun)).toEqual({ [mine.id]: B, [theirs.id]: A });

    // The next round does not offer A again to the family that left it; B's last place goes to it.
    const second = await runRound();
    expect(second).toMatchObject({ considered: 1, offered: 1 });
    const theirsAfter = (await call<Json>('GET', `/applications/${theirs.id}`, { token: sibling })).body;
    expect(theirsAfter.allocation).toMatchObject({ roundId: second.id, offeredProviderId: B, rank: 2 });
    expect(theirsAfter.allocation.explanation).toEqual([expect.objectContaining({ providerId: A, outcome: 'not-in-round' })]);
  });
});
