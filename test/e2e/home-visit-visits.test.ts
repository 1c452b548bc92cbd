import { randomUUID } from 'node:crypto';
import { checkCharFor } from '@huimin/domain';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { type LocalStack, startLocalStack } from '../../packages/local/src/stack';
import { acceptedHoursAgo, eventually } from '../support/dynamo';
import { apiClient, homeVisitApplication } from './client';

// biome-ignore lint/suspicious/noExplicitAny: response bodies are read field by field, as a client would
type Json = Record<string, any>;

let stack: LocalStack;
let call: ReturnType<typeof apiClient>;

beforeAll(async () => {
  stack = await startLocalStack({ port: 0, dynamoEndpoint: inject('dynamoEndpoint'), tableName: `visits-${randomUUID().slice(0, 8)}`, retryDelaysMs: [20, 50, 200] });
  call = apiClient(stack.url);
});

afterAll(async () => {
  await stack?.stop();
});

const HOME = { lat: 32.105, lng: 118.93 };
const HOUR = 3_600_000;
/** An instant `hours` from now (negative: ago), as a phone in Nanjing would send it. */
function hoursFromNow(hours: number): string {
  const t = new Date(Date.now() + hours * HOUR + 8 * HOUR);
  return `${t.toISOString().slice(0, 19)}+08:00`;
}
/** The current month as China counts it: visits below fall in it unless the month began under 9 hours ago. */
const chinaMonth = () => new Date(Date.now() + 8 * HOUR).toISOString().slice(0, 7);

function visit(fromHours: number, toHours: number, over: Partial<{ services: string[]; location: { lat: number; lng: number } }> = {}) {
  return { startedAt: hoursFromNow(fromHours), endedAt: hoursFromNow(toHours), services: over.services ?? ['cleaning'], location: over.location ?? { lat: 32.1051, lng: 118.9301 } };
}

describe('home visits recorded against the month’s hours', () => {
  it('records visits on an accepted assignment, refuses ones the policy does not allow, and counts the hours used', async () => {
    const family = await stack.tokens.sign({ role: 'family', sub: `family-${randomUUID()}` });
    const first17 = '32011319600315201'; // 66 years old: care level 1 gives 6 hours a month
    const idNumber = first17 + checkCharFor(first17);
    const submitted = await call<Json>('POST', '/applications', { token: family, body: homeVisitApplication({ idNumber, careLevel: 1, services: ['cleaning', 'companionship'] }) });
    expect(submitted.status).toBe(202);
    const id = submitted.body.id as string;
    const waiting = await eventually(async () => {
      const r = await call<Json>('GET', `/applications/${id}`, { token: family });
      return r.body.status === 'AWAITING_APPROVAL' ? r.body : undefined;
    }, 'assessment');
    expect(waiting.eligibility).toMatchObject({ eligible: true, demand: 6 });
    expect(waiting.entitlement).toMatchObject({ hoursPerMonth: 6, usedThisMonth: 0 });
    expect((await call('POST', `/subsidies/${waiting.subsidy.id}/approve`, { token: stack.demo.staff, body: {} })).status).toBe(200);
    const offered = await eventually(async () => {
      const r = await call<Json>('GET', `/applications/${id}`, { token: family });
      return r.body.status === 'OFFERED' ? r.body : undefined;
    }, 'an offer');
    const assignmentId = offered.assignment.id as string;
    const providerId = offered.assignment.providerId as string;
    expect(providerId).toBe(stack.demo.homeVisitProviderId);
    const provider = await stack.tokens.sign({ role: 'provider', sub: `manager-${providerId}`, providerId });

    // Not yet accepted: nothing can be recorded; another organisation cannot touch it
    expect((await call<Json>('POST', `/assignments/${assignmentId}/visits`, { token: provider, body: visit(-3, -2) })).status).toBe(409);
    const stranger = await stack.tokens.sign({ role: 'provider', sub: 'manager-huimin', providerId: 'home-visit-320113-huimin' });
    expect((await call<Json>('POST', `/assignments/${assignmentId}/accept`, { token: stranger })).status).toBe(404);

    expect((await call<Json>('POST', `/assignments/${assignmentId}/accept`, { token: provider })).status).toBe(200);
    await eventually(async () => ((await call<Json>('GET', `/applications/${id}`, { token: family })).body.status === 'ACTIVE' ? true : undefined), 'ACTIVE');
    // A visit from before the acceptance is refused; then the acceptance is moved back, as if made this morning.
    const early = await call<Json>('POST', `/assignments/${assignmentId}/visits`, { token: provider, body: visit(-3, -2) });
    expect(early.status).toBe(422);
    expect(early.body.error.issues.map((i: Json) => i.path)).toEqual(['startedAt']);
    await acceptedHoursAgo(stack.store, assignmentId, 10);

    // An hour's visit that ended two hours ago: recorded
    const one = await call<Json>('POST', `/assignments/${assignmentId}/visits`, { token: provider, body: visit(-3, -2) });
    expect(one.status, JSON.stringify(one.body)).toBe(201);
    expect(one.body).toMatchObject({ assignmentId, minutes: 60, services: ['cleaning'] });
    expect(one.body.distanceMetres).toBeLessThanOrEqual(300);

    const refused = async (body: unknown): Promise<Json[]> => {
      const r = await call<Json>('POST', `/assignments/${assignmentId}/visits`, { token: provider, body });
      expect(r.status, JSON.stringify(r.body)).toBe(422);
      expect(r.body.error.code).toBe('VISIT_REFUSED');
      return r.body.error.issues as Json[];
    };
    // Overlapping the one recorded
    expect((await refused(visit(-2.5, -1.5))).map((i) => i.path)).toEqual(['startedAt']);
    // A kilometre from the resident's address
    expect((await refused(visit(-5, -4, { location: { lat: HOME.lat + 0.009, lng: HOME.lng } }))).map((i) => i.path)).toEqual(['location']);
    // Ending in the future
    expect((await refused(visit(0.5, 1.5))).map((i) => i.path)).toEqual(['endedAt']);
    // Longer than four hours
    expect((await refused(visit(-9, -4.5))).map((i) => i.path)).toContain('endedAt');
    // A service the resident did not ask for
    expect((await refused(visit(-5, -4, { services: ['bathing'] }))).map((i) => i.path)).toEqual(['services.0']);

    // Four more hours: five of six used
    const two = await call<Json>('POST', `/assignments/${assignmentId}/visits`, { token: provider, body: visit(-8, -4, { services: ['cleaning', 'companionship'] }) });
    expect(two.status, JSON.stringify(two.body)).toBe(201);
    // An hour and a half more would pass the month's six
    const beyond = await refused(visit(-1.75, -0.25));
    expect(beyond.map((i) => i.path)).toEqual(['endedAt']);
    expect(beyond[0]!.message).toMatch(/left this month/);

    const seen = await call<Json>('GET', `/applications/${id}`, { token: family });
    expect(seen.body.entitlement).toEqual({ hoursPerMonth: 6, month: chinaMonth(), usedThisMonth: 5 });

    // Exactly the remaining hour still fits
    expect((await call<Json>('POST', `/assignments/${assignmentId}/visits`, { token: provider, body: visit(-1.5, -0.5) })).status).toBe(201);
    expect((await call<Json>('GET', `/applications/${id}`, { token: family })).body.entitlement.usedThisMonth).toBe(6);

    // Who reads the visits: the owner, the organisation and the district's staff; not another family or organisation
    const byOwner = await call<Json>('GET', `/assignments/${assignmentId}/visits`, { token: family });
    expect(byOwner.status).toBe(200);
    expect(byOwner.body.items).toHaveLength(3);
    expect(byOwner.body.items.reduce((n: number, v: Json) => n + v.minutes, 0)).toBe(360);
    for (const v of byOwner.body.items as Json[]) {
      expect(v).not.toHaveProperty('location');
      expect(v).not.toHaveProperty('recordedBy');
    }
    expect((await call<Json>('GET', `/assignments/${assignmentId}/visits`, { token: provider })).status).toBe(200);
    expect((await call<Json>('GET', `/assignments/${assignmentId}/visits`, { token: stack.demo.staff })).status).toBe(200);
    const otherFamily = await stack.tokens.sign({ role: 'family', sub: `family-${randomUUID()}` });
    expect((await call<Json>('GET', `/assignments/${assignmentId}/visits`, { token: otherFamily })).status).toBe(404);
    expect((await call<Json>('GET', `/assignments/${assignmentId}/visits`, { token: stranger })).status).toBe(404);
    const otherStaff = await stack.tokens.sign({ role: 'staff', sub: 'official-320102', district: '320102' });
    expect((await call<Json>('GET', `/assignments/${assignmentId}/visits`, { token: otherStaff })).status).toBe(403);
  });

  it('lets only as many simultaneous visits through as the month’s hours allow', async () => {
    const family = await stack.tokens.sign({ role: 'family', sub: `family-${randomUUID()}` });
    const first17 = '32011319600315202';
    const idNumber = first17 + checkCharFor(first17);
    const submitted = await call<Json>('POST', '/applications', { token: family, body: homeVisitApplication({ idNumber, careLevel: 1, lat: 32.1052, lng: 118.9302 }) });
    const waiting = await eventually(async () => {
      const r = await call<Json>('GET', `/applications/${submitted.body.id}`, { token: family });
      return r.body.status === 'AWAITING_APPROVAL' ? r.body : undefined;
    }, 'assessment');
    await call('POST', `/subsidies/${waiting.subsidy.id}/approve`, { token: stack.demo.staff, body: {} });
    const offered = await eventually(async () => {
      const r = await call<Json>('GET', `/applications/${submitted.body.id}`, { token: family });
      return r.body.status === 'OFFERED' ? r.body : undefined;
    }, 'an offer');
    const provider = await stack.tokens.sign({ role: 'provider', sub: 'manager', providerId: offered.assignment.providerId });
    expect((await call('POST', `/assignments/${offered.assignment.id}/accept`, { token: provider })).status).toBe(200);
    await acceptedHoursAgo(stack.store, offered.assignment.id, 9);

    // Eight one-hour visits, one after another in time, sent at once, against six hours
    const results = await Promise.all(
      Array.from({ length: 8 }, (_, k) => call<Json>('POST', `/assignments/${offered.assignment.id}/visits`, { token: provider, body: visit(-1 - k, -k) })),
    );

    const recorded = results.filter((r) => r.status === 201);
    expect(recorded.length).toBeGreaterThan(0);
    expect(recorded.length).toBeLessThanOrEqual(6);
    // The rest: refused (beyond the hours) or "changed meanwhile, try again"; never a 500
    for (const r of results.filter((x) => x.status !== 201)) expect([409, 422], JSON.stringify(r.body)).toContain(r.status);
    const used = (await call<Json>('GET', `/applications/${submitted.body.id}`, { token: family })).body.entitlement.usedThisMonth;
    expect(used).toBe(recorded.length);
    const listed = await call<Json>('GET', `/assignments/${offered.assignment.id}/visits`, { token: provider });
    expect(listed.body.items).toHaveLength(recorded.length);
  });
});
