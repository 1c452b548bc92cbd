import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { checkCharFor } from '@huimin/domain';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { type LocalStack, startLocalStack } from '../../packages/local/src/stack';
import { eventually } from '../support/dynamo';
import { apiClient, mealApplication } from './client';

// biome-ignore lint/suspicious/noExplicitAny: response bodies are read field by field, as a client would
type Json = Record<string, any>;

let stack: LocalStack;
let call: ReturnType<typeof apiClient>;
const XIANLIN_01 = 'meal-320113-xianlin-01';
const XIANLIN_02 = 'meal-320113-xianlin-02';

beforeAll(async () => {
  stack = await startLocalStack({ port: 0, dynamoEndpoint: inject('dynamoEndpoint'), tableName: `e2e-${randomUUID().slice(0, 8)}`, retryDelaysMs: [20, 50] });
  call = apiClient(stack.url);
});

afterAll(async () => {
  await stack?.stop();
});

/** A valid ID number of another person (born on `birthDate`, YYYYMMDD): one open application per person per programme, so each test applies for its own. */
let nextSequence = 100;
function anotherPerson(birthDate = '19440315'): string {
  const first17 = `320113${birthDate}${String(nextSequence++).padStart(3, '0')}`;
  return first17 + checkCharFor(first17);
}

const token = (body: Record<string, string>) => stack.tokens.sign(body as never);
const familyToken = (sub = `family-${randomUUID()}`) => token({ role: 'family', sub });
const providerToken = (providerId: string) => token({ role: 'provider', sub: `staff-of-${providerId}`, providerId });
const staffToken = (district = '320113') => token({ role: 'staff', sub: `official-${district}`, district });

async function statusOf(id: string, tok: string, want: string): Promise<Json> {
  return eventually(async () => {
    const r = await call<Json>('GET', `/applications/${id}`, { token: tok });
    return r.body.status === want ? r.body : undefined;
  }, `application ${id} to reach ${want}`);
}

async function reservedAt(providerId: string) {
  return (await stack.store.getProvider(providerId))?.reserved;
}

describe('a meal application from form to accepted assignment', () => {
  it('is assessed, approved by staff, offered nearest first, declined, re-offered and accepted', async () => {
    // Prepare
    const family = await familyToken();
    const staff = await staffToken();
    const reservedBefore = { one: await reservedAt(XIANLIN_01), two: await reservedAt(XIANLIN_02) };

    // Act: the family applies with CONTRACT.md's minimal body
    const submitted = await call<Json>('POST', '/applications', { token: family, body: mealApplication() });
    expect(submitted.status).toBe(202);
    expect(submitted.body).toMatchObject({ status: 'SUBMITTED' });
    const id = submitted.body.id as string;

    // Assess: policy data decided, with reasons and version; 82 years old → 5 yuan a meal, needs staff
    const waiting = await statusOf(id, family, 'AWAITING_APPROVAL');
    expect(waiting.eligibility).toMatchObject({ eligible: true, policyVersion: 'meal-subsidy/2026.1' });
    expect(waiting.eligibility.reasons.map((r: Json) => r.code)).toEqual(['AGE_OK', 'DISTRICT_OK', 'AGE_BAND_SUBSIDY', 'NEEDS_APPROVAL']);
    expect(waiting.subsidy).toMatchObject({ status: 'PENDING', amount: 5 });
    expect(JSON.stringify(waiting)).not.toContain('320113194403150426');

    // Staff of the district see it; staff of another district do not
    const pending = await call<Json>('GET', '/subsidies?status=PENDING', { token: staff });
    expect(pending.body.items.map((s: Json) => s.id)).toContain(waiting.subsidy.id);
    const elsewhere = await call<Json>('GET', '/subsidies?status=PENDING', { token: await staffToken('320102') });
    expect(elsewhere.body.items.map((s: Json) => s.id)).not.toContain(waiting.subsidy.id);
    expect((await call('POST', `/subsidies/${waiting.subsidy.id}/approve`, { token: await staffToken('320102'), body: {} })).status).toBe(403);

    const approved = await call<Json>('POST', `/subsidies/${waiting.subsidy.id}/approve`, { token: staff, body: { note: '材料齐全' } });
    expect(approved.status).toBe(200);

    // Matching offers the nearest meal point with a place, and reserves it
    const offered = await statusOf(id, family, 'OFFERED');
    expect(offered.assignment).toMatchObject({ providerId: XIANLIN_01, status: 'OFFERED' });
    expect(offered.assignment.distanceMetres).toBeLessThanOrEqual(1000);
    expect(await reservedAt(XIANLIN_01)).toBe((reservedBefore.one ?? 0) + 1);

    // Another provider cannot touch it
    const stranger = await call('POST', `/assignments/${offered.assignment.id}/accept`, { token: await providerToken(XIANLIN_02) });
    expect(stranger.status).toBe(404);

    // The first provider sees it and declines: the place is released and the next candidate offered
    const one = await providerToken(XIANLIN_01);
    const offers = await call<Json>('GET', '/assignments?status=OFFERED', { token: one });
    expect(offers.body.items.map((a: Json) => a.id)).toContain(offered.assignment.id);
    expect((await call('POST', `/assignments/${offered.assignment.id}/decline`, { token: one, body: {} })).status).toBe(400);
    const declined = await call<Json>('POST', `/assignments/${offered.assignment.id}/decline`, { token: one, body: { reason: '本周厨房检修' } });
    expect(declined.body.status).toBe('DECLINED');

    const reoffered = await eventually(async () => {
      const r = await call<Json>('GET', `/applications/${id}`, { token: family });
      return r.body.status === 'OFFERED' && r.body.assignment.providerId !== XIANLIN_01 ? r.body : undefined;
    }, 'a second offer');
    expect(reoffered.assignment.providerId).toBe(XIANLIN_02);
    expect(await reservedAt(XIANLIN_01)).toBe(reservedBefore.one);

    // The second accepts
    const accepted = await call<Json>('POST', `/assignments/${reoffered.assignment.id}/accept`, { token: await providerToken(XIANLIN_02) });
    expect(accepted.status).toBe(200);
    const active = await statusOf(id, family, 'ACTIVE');
    expect(active.history.map((h: Json) => h.status)).toEqual(['SUBMITTED', 'AWAITING_APPROVAL', 'MATCHING', 'OFFERED', 'MATCHING', 'OFFERED', 'ACTIVE']);
    expect(await reservedAt(XIANLIN_02)).toBe((reservedBefore.two ?? 0) + 1);

    // Completion frees the place again
    expect((await call('POST', `/assignments/${reoffered.assignment.id}/complete`, { token: await providerToken(XIANLIN_02) })).status).toBe(200);
    await statusOf(id, family, 'COMPLETED');
    expect(await reservedAt(XIANLIN_02)).toBe(reservedBefore.two);
  });

  it('grants the subsidy without a staff step to residents on the low-income registry (免申即享)', async () => {
    const family = await familyToken();
    // 78 years old and on packages/local/seed/low-income-320113.csv
    const r = await call<Json>('POST', '/applications', { token: family, body: mealApplication({ idNumber: '320113194806011236' }) });

    const offered = await statusOf(r.body.id, family, 'OFFERED');

    expect(offered.subsidy).toMatchObject({ status: 'APPROVED', amount: 8 });
    expect(offered.eligibility.reasons.map((x: Json) => x.code)).toContain('AUTO_APPROVED');
    expect(offered.history.map((h: Json) => h.status)).not.toContain('AWAITING_APPROVAL');
  });

  it('releases the reserved place when the family cancels', async () => {
    const family = await familyToken();
    const r = await call<Json>('POST', '/applications', { token: family, body: mealApplication({ idNumber: '320113193709120049' }) });
    const offered = await statusOf(r.body.id, family, 'OFFERED');
    const providerId = offered.assignment.providerId as string;
    const held = await reservedAt(providerId);

    const cancelled = await call<Json>('POST', `/applications/${r.body.id}/cancel`, { token: family });

    expect(cancelled.status).toBe(200);
    expect(cancelled.body).toMatchObject({ status: 'CANCELLED', assignment: { status: 'CANCELLED' }, subsidy: { status: 'CANCELLED' } });
    expect(await reservedAt(providerId)).toBe((held ?? 1) - 1);
    expect((await call('POST', `/applications/${r.body.id}/cancel`, { token: await familyToken() })).status).toBe(404);
  });

  it('waitlists when nothing is in reach, and offers as soon as a place opens nearby', async () => {
    const family = await familyToken();
    const staff = await staffToken();
    const spot = { lat: 32.1955, lng: 118.7705 }; // the west of Baguazhou island, far from its one meal point
    const r = await call<Json>('POST', '/applications', {
      token: family,
      body: mealApplication({ idNumber: '320113195202183322', street: '八卦洲街道', ...spot, needs: { diets: ['halal'], maxDistanceMetres: 300 } }),
    });
    await statusOf(r.body.id, family, 'WAITLISTED');

    const registered = await call<Json>('POST', '/providers', {
      token: staff,
      body: { name: '八卦洲清真助餐点', kind: 'meal', street: '八卦洲街道', location: { lat: 32.1962, lng: 118.7712 }, capacity: 2, diets: ['halal'] },
    });
    expect(registered.status).toBe(201);

    const offered = await statusOf(r.body.id, family, 'OFFERED');
    expect(offered.assignment.providerId).toBe(registered.body.id);
  });

  it('answers 409 to accepting an expired offer, and moves on to the next meal point', async () => {
    const family = await familyToken();
    // Aged 66: no subsidy is due, so the application goes straight to matching.
    const r = await call<Json>('POST', '/applications', { token: family, body: mealApplication({ idNumber: anotherPerson('19600315') }) });
    const offered = await statusOf(r.body.id, family, 'OFFERED');
    // Prepare: the response deadline passed (rewrite the stored deadline rather than wait 48 hours)
    const { Assignments } = await import('@huimin/store');
    const a = await stack.store.getAssignment(offered.assignment.id);
    if (!a) throw new Error('assignment missing');
    await stack.store.commit([stack.store.replace('assignment', Assignments, { ...a, expiresAt: '2026-01-01T00:00:00.000Z' }, a.version)]);
    const held = await reservedAt(a.providerId);

    const late = await call<Json>('POST', `/assignments/${a.id}/accept`, { token: await providerToken(a.providerId) });

    expect(late.status).toBe(409);
    expect(late.body.error).toMatchObject({ code: 'OFFER_EXPIRED' });
    expect(late.body.error.messageZh).toMatch(/时限/);
    expect(await reservedAt(a.providerId)).toBe((held ?? 1) - 1);
    const next = await eventually(async () => {
      const x = await call<Json>('GET', `/applications/${r.body.id}`, { token: family });
      return x.body.status === 'OFFERED' && x.body.assignment.id !== a.id ? x.body : undefined;
    }, 'an offer from the next meal point');
    expect(next.assignment.providerId).not.toBe(a.providerId);
  });

  it('records an ineligible decision with its reasons for a district outside the programme', async () => {
    const family = await familyToken();
    const r = await call<Json>('POST', '/applications', {
      token: family,
      body: mealApplication({ district: '320803', street: '淮城街道', lat: 33.5, lng: 119.14 }),
    });
    const done = await statusOf(r.body.id, family, 'INELIGIBLE');
    expect(done.eligibility).toMatchObject({ eligible: false, policyVersion: 'meal-subsidy/2026.1' });
    expect(done.eligibility.reasons.map((x: Json) => x.code)).toContain('DISTRICT_NOT_IN_PROGRAMME');
  });
});

describe('once matched, and only then, each side can reach the other; everyone is told', () => {
  it('shows contact after acceptance, fills each inbox and texts the family without an ID number', async () => {
    const family = await familyToken();
    const staff = await staffToken();
    const phone = `139${String(Date.now()).slice(-8)}`;
    const idNumber = anotherPerson('19430101');
    const body = mealApplication({ idNumber });
    body.applicant = { ...body.applicant, phone };
    const id = (await call<Json>('POST', '/applications', { token: family, body })).body.id as string;
    const waiting = await statusOf(id, family, 'AWAITING_APPROVAL');

    // Staff see who applied, to check the subsidy.
    const pending = (await call<Json>('GET', '/subsidies?status=PENDING', { token: staff })).body.items.find((s: Json) => s.id === waiting.subsidy.id);
    expect(pending.applicant).toEqual({ name: body.applicant.name, phone, relationship: 'child' });
    await call('POST', `/subsidies/${waiting.subsidy.id}/approve`, { token: staff, body: {} });

    // Offered: neither side sees the other's contact yet.
    const offered = await statusOf(id, family, 'OFFERED');
    expect(offered.assignment.contact).toBeUndefined();
    const mealPoint = await providerToken(offered.assignment.providerId);
    const offer = (await call<Json>('GET', '/assignments?status=OFFERED', { token: mealPoint })).body.items.find((a: Json) => a.applicationId === id);
    expect(offer.subjectAge).toBeGreaterThanOrEqual(80);
    expect(offer.resident).toBeUndefined();

    // Accepted: the family sees where, when and whom to call; the meal point sees whom to serve.
    await call('POST', `/assignments/${offer.id}/accept`, { token: mealPoint });
    const active = await statusOf(id, family, 'ACTIVE');
    const provider = await stack.store.getProvider(offered.assignment.providerId);
    expect(active.assignment.contact).toEqual({ address: provider?.address, phone: provider?.phone, openingHours: provider?.openingHours });
    expect(active.assignment.contact.address).toMatch(/号$/);
    const serving = (await call<Json>('GET', '/assignments?status=ACCEPTED', { token: mealPoint })).body.items.find((a: Json) => a.applicationId === id);
    expect(serving.resident).toMatchObject({ name: body.subject.name, phone, contactName: body.applicant.name, contactPhone: phone, address: { street: '仙林街道' } });
    expect(JSON.stringify(serving)).not.toContain(idNumber);

    // Each inbox: the family's tells the whole story, the meal point's its assignment, the staff's the subsidy.
    const kinds = async (tok: string, about = id) =>
      eventually(async () => {
        const items = (await call<Json>('GET', '/notifications', { token: tok })).body.items.filter((n: Json) => n.applicationId === about);
        return items.length && items.some((n: Json) => n.kind === 'offer-accepted' || n.kind === 'offer-made' || n.kind === 'subsidy-requested') ? items.map((n: Json) => n.kind) : undefined;
      }, 'notifications');
    await eventually(async () => ((await kinds(family)).includes('offer-accepted') ? true : undefined), 'the acceptance in the family inbox');
    expect(new Set(await kinds(family))).toEqual(new Set(['subsidy-decided', 'offer-made', 'offer-accepted']));
    expect(await kinds(mealPoint)).toEqual(['offer-made']);
    expect(await kinds(staff)).toEqual(['subsidy-requested']);
    // Newest first.
    const inbox = (await call<Json>('GET', '/notifications', { token: family })).body.items as Json[];
    expect(inbox.map((n) => n.at)).toEqual([...inbox.map((n) => n.at)].sort().reverse());

    // Texts went to the applicant's phone: the subsidy decided and the acceptance; never an ID number.
    const texts = await eventually(async () => {
      const lines = readFileSync(stack.smsFile, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Json).filter((m) => m.to === phone);
      return lines.length >= 2 ? lines : undefined;
    }, 'two text messages');
    expect(texts.map((m) => m.kind).sort()).toEqual(['offer-accepted', 'subsidy-decided']);
    expect(texts.every((m) => /^【惠民】/.test(m.text))).toBe(true);
    expect(readFileSync(stack.smsFile, 'utf8')).not.toMatch(/\d{17}[\dX]/);
  });
});

describe('bad input gets a clear 4xx and nothing is written', () => {
  async function countApplications(tok: string) {
    return ((await call<Json>('GET', '/applications', { token: tok })).body.items as Json[]).length;
  }

  it.each([
    ['malformed JSON', { rawBody: '{"type":', headers: { 'content-type': 'application/json' } }, 400, 'MALFORMED_REQUEST', undefined],
    ['a wrong content type', { rawBody: 'type=meal', headers: { 'content-type': 'application/x-www-form-urlencoded' } }, 415, 'UNSUPPORTED_MEDIA_TYPE', undefined],
    ['a body over 64 KiB', { body: { ...mealApplication(), pad: 'x'.repeat(70_000) } }, 413, 'PAYLOAD_TOO_LARGE', undefined],
    ['a bad ID checksum', { body: mealApplication({ idNumber: '320113194403150425' }) }, 400, 'VALIDATION_FAILED', 'subject.idNumber'],
    ['an impossible birth date', { body: mealApplication({ idNumber: '320113194402300421' }) }, 400, 'VALIDATION_FAILED', 'subject.idNumber'],
    ['a subject under 60', { body: mealApplication({ idNumber: '320113199001010012' }) }, 400, 'VALIDATION_FAILED', 'subject.idNumber'],
    ['an unknown district', { body: mealApplication({ district: '999999' }) }, 400, 'VALIDATION_FAILED', 'subject.address.district'],
    ['coordinates outside China', { body: mealApplication({ lat: 48.8566, lng: 2.3522 }) }, 400, 'VALIDATION_FAILED', 'subject.address.location'],
    ['an unknown application type', { body: { ...mealApplication(), type: 'spa' } }, 400, 'VALIDATION_FAILED', 'type'],
  ])('refuses %s', async (_name, req, status, code, path) => {
    const tok = await familyToken();
    const res = await call<Json>('POST', '/applications', { token: tok, ...(req as object) });
    expect(res.status).toBe(status);
    expect(res.body.error).toMatchObject({ code, requestId: expect.any(String) });
    expect(res.body.error.message).toBeTruthy();
    expect(res.body.error.messageZh).toBeTruthy();
    if (path) {
      const issue = (res.body.error.issues as Json[]).find((i) => i.path === path);
      expect(issue?.message).toMatch(/[\u4e00-\u9fff].* \/ [A-Za-z]/);
    }
    expect(await countApplications(tok)).toBe(0);
  });

  it('refuses a missing, forged or expired token with 401, and the wrong role with 403', async () => {
    const forged = `${(await familyToken()).slice(0, -4)}AAAA`;
    const expired = await stack.tokens.sign({ role: 'family', sub: 'late' }, -60);
    for (const tok of [undefined, forged, expired, 'not-a-jwt']) {
      const r = await call<Json>('POST', '/applications', { ...(tok ? { token: tok } : {}), body: mealApplication() });
      expect(r.status).toBe(401);
      expect(r.body.error.code).toBe('UNAUTHORIZED');
    }
    const asProvider = await call<Json>('POST', '/applications', { token: await providerToken(XIANLIN_01), body: mealApplication() });
    expect(asProvider.status).toBe(403);
  });

  it('replays a repeated Idempotency-Key and refuses it with another body (422)', async () => {
    const tok = await familyToken();
    const headers = { 'idempotency-key': `form-${randomUUID()}` };
    const idNumber = anotherPerson();
    const first = await call<Json>('POST', '/applications', { token: tok, body: mealApplication({ idNumber }), headers });
    const again = await call<Json>('POST', '/applications', { token: tok, body: mealApplication({ idNumber }), headers });
    const changed = await call<Json>('POST', '/applications', { token: tok, body: mealApplication({ idNumber, lat: 32.106 }), headers });
    expect(first.status).toBe(202);

    expect(again.status).toBe(202);
    expect(again.body.id).toBe(first.body.id);
    expect(changed.status).toBe(422);
    expect(changed.body.error.code).toBe('IDEMPOTENCY_KEY_REUSED');
    expect(await countApplications(tok)).toBe(1);
  });

  it('keeps each role to what is theirs', async () => {
    const owner = await familyToken();
    const r = await call<Json>('POST', '/applications', { token: owner, body: mealApplication({ idNumber: anotherPerson() }) });

    expect(r.status).toBe(202);
    expect((await call('GET', `/applications/${r.body.id}`, { token: await familyToken() })).status).toBe(404);
    expect((await call('GET', `/applications/${r.body.id}`, { token: await staffToken('320102') })).status).toBe(403);
    expect((await call('GET', `/applications/${r.body.id}`, { token: await staffToken() })).status).toBe(200);
    expect((await call('GET', '/subsidies', { token: owner })).status).toBe(403);
  });

  it('serves health and the OpenAPI document without a token, and a contract-shaped 404 for unknown routes', async () => {
    expect((await call<Json>('GET', '/health')).body).toEqual({ status: 'ok' });
    const doc = await call<Json>('GET', '/openapi.json');
    expect(doc.body.openapi).toBe('3.1.0');
    expect(Object.keys(doc.body.paths)).toContain('/applications/{id}/cancel');
    const missing = await call<Json>('GET', '/nowhere', { token: await familyToken() });
    expect(missing.status).toBe(404);
    expect(missing.body.error.code).toBe('NOT_FOUND');
  });
});
