import { randomUUID } from 'node:crypto';
import { checkCharFor } from '@huimin/domain';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { type LocalStack, startLocalStack } from '../../packages/local/src/stack';
import { eventually } from '../support/dynamo';
import { apiClient, homeVisitApplication, mealApplication } from './client';

// biome-ignore lint/suspicious/noExplicitAny: response bodies are read field by field, as a client would
type Json = Record<string, any>;

let stack: LocalStack;
let call: ReturnType<typeof apiClient>;

beforeAll(async () => {
  stack = await startLocalStack({ port: 0, dynamoEndpoint: inject('dynamoEndpoint'), tableName: `pgd-${randomUUID().slice(0, 8)}`, retryDelaysMs: [20, 50, 200] });
  call = apiClient(stack.url);
});

afterAll(async () => {
  await stack?.stop();
});

/** A valid ID number of another person born on `birthDate` (YYYYMMDD), so each test applies for its own. */
let nextSequence = 300;
function anotherPerson(birthDate = '19440315'): string {
  const first17 = `320113${birthDate}${String(nextSequence++).padStart(3, '0')}`;
  return first17 + checkCharFor(first17);
}

const familyToken = () => stack.tokens.sign({ role: 'family', sub: `family-${randomUUID()}` });
const gridToken = (street = '仙林街道', sub = `grid-${randomUUID()}`) => stack.tokens.sign({ role: 'grid', sub, district: '320113', street });

async function statusOf(id: string, tok: string, want: string): Promise<Json> {
  return eventually(async () => {
    const r = await call<Json>('GET', `/applications/${id}`, { token: tok });
    return r.body.status === want ? r.body : undefined;
  }, `application ${id} to reach ${want}`);
}

describe('GET /programmes', () => {
  it('lists every programme with its policy version and the fields its form needs; all four are open', async () => {
    for (const token of [await familyToken(), await gridToken(), stack.demo.staff, stack.demo.provider]) {
      const r = await call<Json>('GET', '/programmes', { token });

      expect(r.status).toBe(200);
      const items = r.body.items as Json[];
      const types = items.map((p) => p.type);
      expect(types).toEqual(expect.arrayContaining(['meal', 'home-visit', 'retrofit', 'childcare']));
      expect(new Set(types).size).toBe(types.length);
      for (const p of items) {
        expect(p, p.type).toMatchObject({ type: expect.any(String), name: expect.any(String), nameZh: expect.any(String), open: expect.any(Boolean) });
        expect(p.policyVersion, p.type).toMatch(/^[a-z-]+\/\d{4}\.\d+$/);
        expect(Array.isArray(p.needsFields), p.type).toBe(true);
      }
      const meal = items.find((p) => p.type === 'meal')!;
      const homeVisit = items.find((p) => p.type === 'home-visit')!;
      expect(meal).toMatchObject({ open: true, policyVersion: 'meal-subsidy/2026.1' });
      expect(homeVisit).toMatchObject({ open: true, nameZh: '居家上门服务', policyVersion: 'home-visit-subsidy/2026.1' });
      expect(homeVisit.needsFields.map((f: Json) => f.name)).toEqual(['services', 'careLevel']);
      const services = homeVisit.needsFields.find((f: Json) => f.name === 'services');
      expect(services.options.map((o: Json) => o.value)).toEqual(['bathing', 'cleaning', 'meal-delivery', 'medical-escort', 'rehabilitation', 'companionship', 'emergency-call']);
      expect(services.options.every((o: Json) => o.label?.zh && o.label?.en)).toBe(true);
      expect(homeVisit.needsFields.find((f: Json) => f.name === 'careLevel').options.map((o: Json) => o.value)).toEqual([0, 1, 2, 3, 4]);
      expect(homeVisit.figures).toMatchObject({ minAge: 60, hoursByCareLevel: [0, 6, 12, 20, 30], visitRadiusMetres: 300, maxVisitHours: 4 });
      expect(items.find((p) => p.type === 'retrofit')).toMatchObject({ open: true, capacity: { field: 'concurrentJobs' }, figures: { householdCapFen: 300_000 } });
      expect(items.find((p) => p.type === 'childcare')).toMatchObject({ open: true, roundMechanism: 'stable', offerAnsweredBy: 'family' });
    }
  });

  it('answers 401 without a token', async () => {
    expect((await call('GET', '/programmes')).status).toBe(401);
  });
});

describe('grid workers (网格员) apply on residents’ behalf', () => {
  it('files for a resident of their own street, follows and cancels it, and is refused for another street', async () => {
    const grid = await gridToken('仙林街道');
    const idNumber = anotherPerson('19420601');

    // Act: a home visit for a resident of Xianlin Street
    const filed = await call<Json>('POST', '/applications', { token: grid, body: homeVisitApplication({ idNumber, services: ['cleaning', 'companionship'], careLevel: 2 }) });

    expect(filed.status, JSON.stringify(filed.body)).toBe(202);
    expect(filed.body).toMatchObject({ status: 'SUBMITTED' });
    const id = filed.body.id as string;
    const seen = await call<Json>('GET', `/applications/${id}`, { token: grid });
    expect(seen.status).toBe(200);
    expect(seen.body).toMatchObject({ id, type: 'home-visit', filedBy: { role: 'grid', street: '仙林街道' } });
    expect(seen.body.history[0]).toMatchObject({ status: 'SUBMITTED', noteZh: expect.stringContaining('网格员') });
    expect(JSON.stringify(seen.body)).not.toContain(idNumber);

    // Another street's resident: 403, nothing written
    const elsewhere = await call<Json>('POST', '/applications', {
      token: grid,
      body: homeVisitApplication({ idNumber: anotherPerson('19420602'), street: '马群街道', lat: 32.06, lng: 118.9 }),
    });
    expect(elsewhere.status).toBe(403);
    expect(elsewhere.body.error).toMatchObject({ code: 'FORBIDDEN' });
    const otherDistrict = await call<Json>('POST', '/applications', {
      token: grid,
      body: mealApplication({ idNumber: anotherPerson('19420603'), district: '320102', street: '仙林街道' }),
    });
    expect(otherDistrict.status).toBe(403);

    // Lists what they filed (and only that)
    const mine = await call<Json>('GET', '/applications', { token: grid });
    expect(mine.status).toBe(200);
    expect(mine.body.items.map((a: Json) => a.id)).toEqual([id]);
    const colleague = await call<Json>('GET', '/applications', { token: await gridToken('仙林街道') });
    expect(colleague.body.items).toEqual([]);

    // Cancels it; then the resident may be applied for again
    await eventually(async () => ((await call<Json>('GET', `/applications/${id}`, { token: grid })).body.status !== 'SUBMITTED' ? true : undefined), 'assessment');
    const cancelled = await call<Json>('POST', `/applications/${id}/cancel`, { token: grid });
    expect(cancelled.status).toBe(200);
    expect(cancelled.body).toMatchObject({ status: 'CANCELLED' });
    expect((await call('POST', `/applications/${id}/cancel`, { token: await gridToken('仙林街道') })).status).toBe(404);
    const again = await call<Json>('POST', '/applications', { token: grid, body: homeVisitApplication({ idNumber, services: ['cleaning'], careLevel: 2 }) });
    expect(again.status).toBe(202);
    expect(again.body.id).not.toBe(id);
  });

  it('cannot read a family’s application, and the family cannot read the grid worker’s', async () => {
    const grid = await gridToken('仙林街道');
    const family = await familyToken();
    const theirs = await call<Json>('POST', '/applications', { token: family, body: mealApplication({ idNumber: anotherPerson('19430101') }) });
    const filed = await call<Json>('POST', '/applications', { token: grid, body: mealApplication({ idNumber: anotherPerson('19430102') }) });
    expect([theirs.status, filed.status]).toEqual([202, 202]);

    expect((await call<Json>('GET', `/applications/${theirs.body.id}`, { token: grid })).status).toBe(404);
    expect((await call<Json>('POST', `/applications/${theirs.body.id}/cancel`, { token: grid })).status).toBe(404);
    expect((await call<Json>('GET', `/applications/${filed.body.id}`, { token: family })).status).toBe(404);
    expect((await call<Json>('POST', `/applications/${filed.body.id}/cancel`, { token: family })).status).toBe(404);
    // Staff of the district read both; the grid worker's shows who filed it
    const staffView = await call<Json>('GET', `/applications/${filed.body.id}`, { token: stack.demo.staff });
    expect(staffView.status).toBe(200);
    expect(staffView.body.filedBy).toMatchObject({ role: 'grid', street: '仙林街道' });
    expect((await call<Json>('GET', `/applications/${theirs.body.id}`, { token: stack.demo.staff })).body).not.toHaveProperty('filedBy');
  });
});

describe('one open application per person per programme', () => {
  it('answers 409 DUPLICATE_APPLICATION naming the open one, replays an Idempotency-Key, and accepts again after cancelling', async () => {
    const family = await familyToken();
    const idNumber = anotherPerson('19410720');
    const body = mealApplication({ idNumber });
    const key = `dup-${randomUUID()}`;

    const first = await call<Json>('POST', '/applications', { token: family, body, headers: { 'idempotency-key': key } });
    expect(first.status).toBe(202);
    const id = first.body.id as string;

    // The same key and body: the same answer, nothing new
    const replay = await call<Json>('POST', '/applications', { token: family, body, headers: { 'idempotency-key': key } });
    expect(replay.status).toBe(202);
    expect(replay.body.id).toBe(id);

    // Without the key, from this family or another (or a grid worker): 409 naming the open application
    for (const token of [family, await familyToken(), await gridToken('仙林街道')]) {
      const dup = await call<Json>('POST', '/applications', { token, body });
      expect(dup.status).toBe(409);
      expect(dup.body.error).toMatchObject({ code: 'DUPLICATE_APPLICATION', existingId: id });
      expect(dup.body.error.messageZh).toEqual(expect.any(String));
    }
    // A new key is not a replay
    const newKey = await call<Json>('POST', '/applications', { token: family, body, headers: { 'idempotency-key': `dup-${randomUUID()}` } });
    expect(newKey.status).toBe(409);
    expect(newKey.body.error).toMatchObject({ code: 'DUPLICATE_APPLICATION', existingId: id });
    const mine = (await call<Json>('GET', '/applications', { token: family })).body.items as Json[];
    expect(mine.map((a) => a.id)).toEqual([id]);

    // Another programme for the same person is fine
    const homeVisit = await call<Json>('POST', '/applications', { token: family, body: homeVisitApplication({ idNumber, careLevel: 1 }) });
    expect(homeVisit.status).toBe(202);
    expect(homeVisit.body.id).not.toBe(id);
    const homeVisitDup = await call<Json>('POST', '/applications', { token: family, body: homeVisitApplication({ idNumber, careLevel: 3 }) });
    expect(homeVisitDup.status).toBe(409);
    expect(homeVisitDup.body.error).toMatchObject({ code: 'DUPLICATE_APPLICATION', existingId: homeVisit.body.id });

    // Cancelled: the slot is free again (and the old key still answers as before)
    await statusOf(id, family, 'AWAITING_APPROVAL');
    expect((await call<Json>('POST', `/applications/${id}/cancel`, { token: family })).status).toBe(200);
    const afterCancel = await call<Json>('POST', '/applications', { token: family, body });
    expect(afterCancel.status).toBe(202);
    expect(afterCancel.body.id).not.toBe(id);
    const oldKey = await call<Json>('POST', '/applications', { token: family, body, headers: { 'idempotency-key': key } });
    expect(oldKey.status).toBe(202);
    expect(oldKey.body.id).toBe(id);
  });

  it('lets only one of two simultaneous applications for the same person through', async () => {
    const idNumber = anotherPerson('19400909');
    const results = await Promise.all(
      Array.from({ length: 6 }, async () => call<Json>('POST', '/applications', { token: await familyToken(), body: mealApplication({ idNumber }) })),
    );

    const accepted = results.filter((r) => r.status === 202);
    expect(accepted).toHaveLength(1);
    for (const r of results.filter((x) => x.status !== 202)) {
      expect(r.status).toBe(409);
      expect(r.body.error).toMatchObject({ code: 'DUPLICATE_APPLICATION', existingId: accepted[0]!.body.id });
    }
  });

  it('frees the slot when an application is found ineligible, so a corrected one is accepted', async () => {
    const family = await familyToken();
    const idNumber = anotherPerson('19610415'); // 65 years old: care level 0 gives no hours

    const wrong = await call<Json>('POST', '/applications', { token: family, body: homeVisitApplication({ idNumber, careLevel: 0 }) });
    expect(wrong.status).toBe(202);
    const ineligible = await statusOf(wrong.body.id, family, 'INELIGIBLE');
    expect(ineligible.eligibility).toMatchObject({ eligible: false, policyVersion: 'home-visit-subsidy/2026.1' });
    expect(ineligible.eligibility.reasons.map((r: Json) => r.code)).toContain('NO_ENTITLEMENT');

    const corrected = await call<Json>('POST', '/applications', { token: family, body: homeVisitApplication({ idNumber, careLevel: 1 }) });

    expect(corrected.status, JSON.stringify(corrected.body)).toBe(202);
    expect(corrected.body.id).not.toBe(wrong.body.id);
    const waiting = await statusOf(corrected.body.id, family, 'AWAITING_APPROVAL');
    expect(waiting.eligibility).toMatchObject({ eligible: true, demand: 6 });
    expect(waiting.subsidy).toMatchObject({ status: 'PENDING', amount: 25 });
  });
});
