import { randomUUID } from 'node:crypto';
import { checkCharFor } from '@huimin/domain';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { type LocalStack, startLocalStack } from '../../packages/local/src/stack';
import { eventually } from '../support/dynamo';
import { apiClient } from './client';

/**
 * Age-friendly retrofits (适老化改造) end to end through the local HTTP API on DynamoDB Local: a
 * household applies, staff approve, a contractor covering the street takes the job, plans it from the
 * catalogue (over the household cap: subsidised exactly the cap), the family confirms, the contractor
 * builds, staff fail then pass the inspection, and the subsidy is fixed at the plan's amount. A
 * contractor at its job capacity is offered nothing more.
 */

// biome-ignore lint/suspicious/noExplicitAny: response bodies are read field by field, as a client would
type Json = Record<string, any>;

const DISTRICT = '320113';
const CONTRACTOR = 'retrofit-320113-01';

let stack: LocalStack;
let call: ReturnType<typeof apiClient>;
let staff: string;
let contractor: string;

beforeAll(async () => {
  stack = await startLocalStack({ port: 0, dynamoEndpoint: inject('dynamoEndpoint'), tableName: `retrofit-${randomUUID().slice(0, 8)}`, retryDelaysMs: [20, 50] });
  call = apiClient(stack.url);
  staff = await stack.tokens.sign({ role: 'staff', sub: 'official', district: DISTRICT });
  contractor = await stack.tokens.sign({ role: 'provider', sub: 'anju-site-lead', providerId: CONTRACTOR });
});

afterAll(async () => {
  await stack?.stop();
});

let sequence = 300;
function elderId(birth = '19440315'): string {
  const first17 = `${DISTRICT}${birth}${String(sequence++).padStart(3, '0')}`;
  return first17 + checkCharFor(first17);
}

function retrofitApplication(idNumber: string, needs: Json = { careLevel: 2, wishes: ['grab-bar', 'shower-chair'] }) {
  return {
    type: 'retrofit',
    applicant: { name: '王芳', phone: '13912345678' },
    subject: { name: '王秀英', idNumber, address: { district: DISTRICT, street: '仙林街道', detail: '仙林大道1号3栋201', location: { lat: 32.105, lng: 118.93 } } },
    needs,
  };
}

async function approvedAndOffered(family: string, body: Json): Promise<Json> {
  const res = await call<Json>('POST', '/applications', { token: family, body });
  expect(res.status, JSON.stringify(res.body)).toBe(202);
  const waiting = await eventually(async () => {
    const app = await call<Json>('GET', `/applications/${res.body.id}`, { token: family });
    return app.body.status === 'AWAITING_APPROVAL' ? app.body : undefined;
  }, 'the retrofit subsidy to await approval');
  expect(waiting.subsidy).toMatchObject({ status: 'PENDING', amount: 3000, unit: 'household' });
  expect((await call('POST', `/subsidies/${waiting.subsidy.id}/approve`, { token: staff, body: {} })).status).toBe(200);
  return eventually(async () => {
    const app = await call<Json>('GET', `/applications/${res.body.id}`, { token: family });
    return app.body.status === 'OFFERED' || app.body.status === 'WAITLISTED' ? app.body : undefined;
  }, 'the job to be offered or waitlisted');
}

describe('an age-friendly retrofit', () => {
  it('refuses a household that does not qualify, naming why', async () => {
    const family = await stack.tokens.sign({ role: 'family', sub: `family-${randomUUID()}` });
    const res = await call<Json>('POST', '/applications', { token: family, body: retrofitApplication(elderId(), { careLevel: 0 }) });
    expect(res.status).toBe(202);

    const app = await eventually(async () => {
      const a = await call<Json>('GET', `/applications/${res.body.id}`, { token: family });
      return a.body.status === 'INELIGIBLE' ? a.body : undefined;
    }, 'the assessment');
    expect(app.eligibility.reasons.at(-1)).toMatchObject({ code: 'NOT_A_QUALIFYING_HOUSEHOLD', field: 'needs.careLevel' });
  });

  it('goes from application to a passed inspection: planned over the cap, confirmed, failed once, passed; the subsidy is exactly the cap', async () => {
    const family = await stack.tokens.sign({ role: 'family', sub: `family-${randomUUID()}` });
    const offered = await approvedAndOffered(family, retrofitApplication(elderId()));
    expect(offered).toMatchObject({ status: 'OFFERED', assignment: { providerId: CONTRACTOR } });
    const jobId = offered.assignment.id;
    expect((await call('POST', `/assignments/${jobId}/accept`, { token: contractor })).status).toBe(200);

    // Bad plans are refused field by field; nothing is written.
    const bad = await call<Json>('POST', `/assignments/${jobId}/plan`, {
      token: contractor,
      body: { items: [{ code: 'jacuzzi', quantity: 1, unitPrice: 100 }, { code: 'shower-chair', quantity: 2, unitPrice: 180 }] },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.issues.map((i: Json) => i.path)).toEqual(['items.0.code', 'items.1.quantity']);
    const fractional = await call<Json>('POST', `/assignments/${jobId}/plan`, { token: contractor, body: { items: [{ code: 'grab-bar', quantity: 1, unitPrice: 99.999 }] } });
    expect(fractional.status).toBe(400);
    expect(fractional.body.error.issues[0].path).toBe('items.0.unitPrice');
    // The contractor cannot report work done before the family confirms a plan.
    const early = await call<Json>('POST', `/assignments/${jobId}/complete`, { token: contractor, body: {} });
    expect(early.status).toBe(409);
    expect(early.body.error.code).toBe('ILLEGAL_TRANSITION');

    // A plan whose catalogue subsidy (8 × 150 + 30 × 60 + 2 × 400 = 3,800 yuan) passes the 3,000 cap.
    const planned = await call<Json>('POST', `/assignments/${jobId}/plan`, {
      token: contractor,
      body: {
        items: [
          { code: 'grab-bar', quantity: 8, unitPrice: 168.5 },
          { code: 'anti-slip-floor', quantity: 30, unitPrice: 75 },
          { code: 'emergency-button', quantity: 2, unitPrice: 380.25 },
        ],
      },
    });
    expect(planned.status, JSON.stringify(planned.body)).toBe(200);
    const plan = planned.body.job.plan;
    // Price 8 × 168.50 + 30 × 75 + 2 × 380.25 = 4,358.50 yuan; subsidy per line min(price, catalogue).
    expect(plan).toMatchObject({ priceFen: 435_850, subsidyFen: 300_000, householdFen: 135_850, capFen: 300_000, capped: true, policyVersion: 'retrofit-subsidy/2026.1' });
    expect(plan.lines.map((l: Json) => l.subsidyFen)).toEqual([120_000, 180_000, 76_050]);
    const toConfirm = (await call<Json>('GET', `/applications/${offered.id}`, { token: family })).body;
    expect(toConfirm.job.step).toBe('AWAITING_CONFIRMATION');
    expect(toConfirm.history.at(-1).noteZh).toContain('个人自付 1358.50 元');

    // The family confirms; the contractor builds and reports; staff fail it once, then pass it.
    expect((await call<Json>('POST', `/applications/${offered.id}/plan/confirm`, { token: family, body: {} })).body.job.step).toBe('BUILDING');
    const done = await call<Json>('POST', `/assignments/${jobId}/complete`, { token: contractor, body: { note: '卫生间扶手已安装' } });
    expect(done.body).toMatchObject({ status: 'ACCEPTED', job: { step: 'AWAITING_INSPECTION', workNote: '卫生间扶手已安装' } });
    const failed = await call<Json>('POST', `/applications/${offered.id}/inspection`, { token: staff, body: { passed: false, note: '扶手固定不牢' } });
    expect(failed.status).toBe(200);
    expect(failed.body).toMatchObject({ status: 'ACTIVE', job: { step: 'BUILDING' } });
    expect(failed.body.history.at(-1).noteZh).toContain('扶手固定不牢');
    const again = await call<Json>('POST', `/assignments/${jobId}/complete`, { token: contractor, body: {} });
    expect(again.body.job).toMatchObject({ step: 'AWAITING_INSPECTION' });
    expect(again.body.job).not.toHaveProperty('workNote');
    const queue = await call<Json>('GET', '/applications?type=retrofit&status=ACTIVE', { token: staff });
    expect(queue.body.items.find((i: Json) => i.id === offered.id)).toMatchObject({ jobStep: 'AWAITING_INSPECTION' });
    const before = await stack.store.getProvider(CONTRACTOR);
    const passed = await call<Json>('POST', `/applications/${offered.id}/inspection`, { token: staff, body: { passed: true } });

    expect(passed.status).toBe(200);
    expect(passed.body).toMatchObject({ status: 'COMPLETED', job: { step: 'PASSED' }, subsidy: { status: 'APPROVED', amount: 3000 } });
    expect(passed.body.job.inspections.map((i: Json) => i.passed)).toEqual([false, true]);
    expect((await stack.store.getProvider(CONTRACTOR))?.reserved).toBe(before!.reserved - 1);
    const subsidy = await stack.store.getSubsidy(passed.body.subsidy.id);
    expect(subsidy).toMatchObject({ amount: 3000, policyVersion: 'retrofit-subsidy/2026.1' });
    // A second verdict is refused: the job is done.
    expect((await call<Json>('POST', `/applications/${offered.id}/inspection`, { token: staff, body: { passed: true } })).status).toBe(409);

    // The month's settlement pays the contractor the plan's subsidy once; the one-off subsidy is then SETTLED.
    const month = new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 7);
    const settled = await call<Json>('POST', '/settlements', { token: staff, body: { type: 'retrofit', month } });
    expect(settled.status, JSON.stringify(settled.body)).toBe(201);
    expect(settled.body.items).toEqual([
      expect.objectContaining({ providerId: CONTRACTOR, totalFen: 300_000, lines: [expect.objectContaining({ units: 1, unit: 'household', rateFen: 300_000, subjectMasked: '王*英' })] }),
    ]);
    expect((await call('POST', `/settlements/${settled.body.items[0].id}/approve`, { token: staff, body: {} })).status).toBe(200);
    expect(await stack.store.getSubsidy(passed.body.subsidy.id)).toMatchObject({ status: 'SETTLED', amount: 3000 });
  });

  it('offers a contractor no job beyond its declared concurrent jobs', async () => {
    // The contractor covering 仙林街道 takes one job at a time; the other one covering it has none.
    expect((await call('PUT', `/providers/${CONTRACTOR}/capacity`, { token: staff, body: { concurrentJobs: 1 } })).status).toBe(200);
    const first = await approvedAndOffered(await stack.tokens.sign({ role: 'family', sub: `family-${randomUUID()}` }), retrofitApplication(elderId('19400101')));
    const second = await approvedAndOffered(await stack.tokens.sign({ role: 'family', sub: `family-${randomUUID()}` }), retrofitApplication(elderId('19400202')));

    expect(first).toMatchObject({ status: 'OFFERED', assignment: { providerId: CONTRACTOR } });
    expect(second.status).toBe('WAITLISTED');
    expect(await stack.store.getProvider(CONTRACTOR)).toMatchObject({ capacity: 1, reserved: 1, available: 0 });
  });
});
