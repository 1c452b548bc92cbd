import { z } from 'zod';
import {
  approvalReason,
  baseReasons,
  byAge,
  codeOptions,
  type Decision,
  type Label,
  type PolicyBase,
  type Programme,
  policyOn,
  policyVersionOf,
  type Reason,
  type SubjectFacts,
  subsidyStatusFor,
} from './programme';

/**
 * 老年助餐: community meal points. An offer reserves one place at a meal point within walking
 * distance that serves every diet the resident needs.
 *
 * Figures (yuan per meal, paid straight to the meal point — 直补快办) are modelled on Jiangsu cities'
 * published 老年助餐 schemes, which subsidise by age band and add a supplement for residents on the
 * low-income (低保/特困) registry. They are plausible demo figures, not any city's current rates.
 */
export const DIETS = ['diabetic', 'soft', 'low-salt', 'halal'] as const;
export type Diet = (typeof DIETS)[number];
const DIET_LABELS: Record<Diet, Label> = {
  diabetic: { zh: '糖尿病餐', en: 'Diabetic' },
  soft: { zh: '软食', en: 'Soft food' },
  'low-salt': { zh: '低盐', en: 'Low salt' },
  halal: { zh: '清真', en: 'Halal' },
};

export interface AgeBand {
  minAge: number;
  /** Inclusive; absent for the open top band. */
  maxAge?: number;
  perMeal: number;
}

export interface MealPolicy extends PolicyBase {
  id: 'meal-subsidy';
  bands: readonly AgeBand[];
  lowIncomeSupplement: number;
  defaultMaxDistanceMetres: number;
  /** The most subsidised meals a meal point records for one resident on one day (lunch and supper). */
  maxMealsPerDay: number;
  /**
   * District-wide allocation serves as many as possible, then minimises distance × need weight:
   * a lower weight makes a resident cheaper to serve, so where places are short the oldest and
   * the poorest are served first. The first band whose minAge the resident has reached applies.
   */
  needWeights: readonly { minAge: number; weight: number }[];
}

export const MEAL_POLICIES: readonly MealPolicy[] = [
  {
    id: 'meal-subsidy',
    version: '2026.1',
    effectiveFrom: '2026-01-01',
    minAge: 60,
    districts: ['320113', '320102', '320117', '320583', '320205'],
    bands: [
      { minAge: 60, maxAge: 69, perMeal: 0 },
      { minAge: 70, maxAge: 79, perMeal: 3 },
      { minAge: 80, maxAge: 89, perMeal: 5 },
      { minAge: 90, perMeal: 8 },
    ],
    lowIncomeSupplement: 5,
    autoApproveLowIncome: true,
    defaultMaxDistanceMetres: 1000,
    maxMealsPerDay: 2,
    offerResponseHours: 48,
    needWeights: [
      { minAge: 90, weight: 0.4 },
      { minAge: 80, weight: 0.6 },
      { minAge: 70, weight: 0.8 },
      { minAge: 60, weight: 1 },
    ],
    lowIncomeWeight: 0.7,
    declineCooldownDays: 7,
  },
];

export function mealPolicyOn(on: Date, policies: readonly MealPolicy[] = MEAL_POLICIES): MealPolicy {
  return policyOn(policies, on);
}

export const mealNeedsSchema = z
  .object({
    diets: z.array(z.enum(DIETS)).max(DIETS.length).default([]),
    maxDistanceMetres: z.number().int().min(100).max(5000).optional(),
  })
  .default(() => ({ diets: [] }));
export type MealNeeds = z.output<typeof mealNeedsSchema>;

export const mealDeclarationSchema = z.object({ diets: z.array(z.enum(DIETS)).max(DIETS.length).default([]) });
export type MealDeclaration = z.output<typeof mealDeclarationSchema>;

export interface MealDecision {
  eligible: boolean;
  policyVersion: string;
  reasons: Reason[];
  age: number;
  /** Yuan per meal; 0 when no subsidy is due. */
  subsidyPerMeal: number;
  subsidyStatus: 'PENDING' | 'APPROVED' | null;
}

export interface MealSubject {
  birthDate: string;
  district: string;
  lowIncome: boolean;
}

const NAME: Label = { zh: '助餐服务', en: 'Meal points' };

export function evaluateMealEligibility(subject: MealSubject, on: Date, policy: MealPolicy = mealPolicyOn(on)): MealDecision {
  const { age, reasons, ok } = baseReasons(policy, NAME, subject, on);
  if (!ok) return { eligible: false, policyVersion: policyVersionOf(policy), reasons, age, subsidyPerMeal: 0, subsidyStatus: null };

  const band = policy.bands.find((b) => age >= b.minAge && (b.maxAge === undefined || age <= b.maxAge));
  const base = band?.perMeal ?? 0;
  const bandText = band ? `${band.minAge}${band.maxAge === undefined ? '+' : `–${band.maxAge}`}` : 'none';
  reasons.push({
    rule: `bands[${bandText}]`,
    code: 'AGE_BAND_SUBSIDY',
    message: `Age band ${bandText}: ${base} yuan per meal`,
    messageZh: `年龄段 ${bandText} 岁：每餐补贴 ${base} 元`,
  });
  const supplement = subject.lowIncome ? policy.lowIncomeSupplement : 0;
  if (subject.lowIncome) {
    reasons.push({
      rule: 'lowIncomeSupplement',
      code: 'LOW_INCOME_SUPPLEMENT',
      message: `On the district's low-income registry: ${supplement} more yuan per meal`,
      messageZh: `在低收入人口名录中：每餐加补 ${supplement} 元`,
    });
  }
  const subsidyPerMeal = base + supplement;
  const subsidyStatus = subsidyStatusFor(policy, subsidyPerMeal, subject.lowIncome);
  if (subsidyStatus) reasons.push(approvalReason(subsidyStatus));
  return { eligible: true, policyVersion: policyVersionOf(policy), reasons, age, subsidyPerMeal, subsidyStatus };
}

/** How much serving this resident costs per metre in a district-wide allocation (lower = served first). */
export function needWeight(age: number, lowIncome: boolean, policy: MealPolicy): number {
  return (byAge(policy.needWeights, age)?.weight ?? 1) * (lowIncome ? policy.lowIncomeWeight : 1);
}

export const mealProgramme: Programme<'meal', MealNeeds, MealDeclaration, MealPolicy> = {
  type: 'meal',
  name: NAME,
  open: true,
  rounds: 'optimal',
  offersBy: 'matching',
  offerAnsweredBy: 'provider',
  // First come, first served, as before programmes: age weighs in district-wide rounds only.
  waitlistOrder: 'arrival',
  providerNoun: { zh: '助餐点', en: 'meal point' },
  policyName: { zh: '老年助餐服务补贴政策', en: 'Meal service subsidy policy' },
  subjectNoun: { zh: '老人', en: 'older person' },
  capacity: { field: 'capacity', max: 100_000, unit: { zh: '个餐位', en: 'places' }, free: { zh: '空余餐位', en: 'places free' } },
  subsidyUnit: { code: 'meal', label: { zh: '元/餐', en: 'yuan per meal' } },
  policies: MEAL_POLICIES,
  needsSchema: mealNeedsSchema,
  declarationSchema: mealDeclarationSchema,
  needsFields: [
    {
      name: 'diets',
      kind: 'multi',
      label: { zh: '饮食要求', en: 'Diet' },
      options: codeOptions(DIETS, DIET_LABELS),
      min: 0,
    },
    {
      name: 'maxDistanceMetres',
      kind: 'integer',
      label: { zh: '最远步行距离', en: 'Furthest walk' },
      min: 100,
      max: 5000,
      unit: { zh: '米', en: 'm' },
      optional: true,
    },
  ],
  assess(facts: SubjectFacts<MealNeeds>, at: Date): Decision {
    const policy = mealPolicyOn(at);
    const d = evaluateMealEligibility(facts, at, policy);
    return {
      eligible: d.eligible,
      policyVersion: d.policyVersion,
      reasons: d.reasons,
      age: d.age,
      subsidyPerUnit: d.subsidyPerMeal,
      subsidyStatus: d.subsidyStatus,
      demand: 1,
      priorityWeight: needWeight(d.age, facts.lowIncome, policy),
    };
  },
  reachMetres(needs, at) {
    return needs.maxDistanceMetres ?? mealPolicyOn(at).defaultMaxDistanceMetres;
  },
  admits(needs, _street, provider) {
    return needs.diets.every((d) => provider.declaration.diets.includes(d));
  },
  dailyCounts(at) {
    const p = mealPolicyOn(at);
    return { maxPerDay: p.maxMealsPerDay, policyVersion: policyVersionOf(p) };
  },
  publicFigures(at) {
    const p = mealPolicyOn(at);
    return {
      minAge: p.minAge,
      districts: p.districts,
      bands: p.bands,
      lowIncomeSupplement: p.lowIncomeSupplement,
      autoApproveLowIncome: p.autoApproveLowIncome,
      defaultMaxDistanceMetres: p.defaultMaxDistanceMetres,
      maxMealsPerDay: p.maxMealsPerDay,
      offerResponseHours: p.offerResponseHours,
    };
  },
};
