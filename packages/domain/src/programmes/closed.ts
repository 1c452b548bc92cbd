import { z } from 'zod';
import { baseReasons, type Label, type PolicyBase, type Programme, policyOn, policyVersionOf } from './programme';

/**
 * Programmes in the contract whose flows are not built yet: they are registered so the contract's
 * types, forms and lists know them, and answer "not open yet" to applications. Each becomes a full
 * module (policy figures, eligibility, declarations) when its flow lands.
 */
const DEMO_DISTRICTS = ['320113', '320102', '320117', '320583', '320205'];
const closedPolicy = (id: string, minAge: number): PolicyBase => ({
  id,
  version: '2026.0',
  effectiveFrom: '2026-01-01',
  minAge,
  districts: DEMO_DISTRICTS,
  autoApproveLowIncome: true,
  offerResponseHours: 48,
  declineCooldownDays: 7,
  lowIncomeWeight: 0.7,
});

function closedProgramme<T extends string, N>(
  type: T,
  name: Label,
  providerNoun: Label,
  capacity: Programme['capacity'],
  subsidyUnit: Programme['subsidyUnit'],
  policy: PolicyBase,
  needsSchema: z.ZodType<N>,
): Programme<T, N, Record<never, never>> {
  return {
    type,
    name,
    open: false,
    rounds: false,
    offersBy: 'matching',
    offerAnsweredBy: 'provider',
    waitlistOrder: 'arrival',
    providerNoun,
    capacity,
    subsidyUnit,
    policies: [policy],
    needsSchema,
    declarationSchema: z.object({}),
    needsFields: [],
    assess(facts, at) {
      const p = policyOn([policy], at);
      const { age, reasons, ok } = baseReasons(p, name, facts, at);
      return { eligible: ok, policyVersion: policyVersionOf(p), reasons, age, subsidyPerUnit: 0, subsidyStatus: null, demand: 1, priorityWeight: 1 };
    },
    reachMetres: () => 5000,
    admits: () => true,
    publicFigures: (at) => ({ minAge: policyOn([policy], at).minAge, districts: policy.districts }),
  };
}

export const retrofitProgramme = closedProgramme(
  'retrofit',
  { zh: '适老化改造', en: 'Age-friendly retrofits' },
  { zh: '改造施工单位', en: 'contractor' },
  { field: 'concurrentJobs', max: 10_000, unit: { zh: '项在施工程', en: 'concurrent jobs' }, free: { zh: '可接工程', en: 'jobs free' } },
  { code: 'household', label: { zh: '元/户', en: 'yuan per household' } },
  closedPolicy('retrofit-subsidy', 60),
  z.object({ items: z.array(z.enum(['grab-bars', 'anti-slip-floor', 'stair-lift', 'emergency-alarm', 'lighting'])).min(1) }),
);
