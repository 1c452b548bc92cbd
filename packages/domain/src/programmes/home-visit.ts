import { z } from 'zod';
import {
  approvalReason,
  baseReasons,
  bi,
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
  streetsCoveredSchema,
  subsidyStatusFor,
  uncoveredStreetIssues,
} from './programme';

/**
 * 居家上门服务: government-purchased home visits. An organisation covering the resident's street and
 * offering every service asked for takes the resident on; the offer reserves the resident's monthly
 * entitled hours against the organisation's declared hours, so no organisation is committed beyond
 * what it declared. Visits are recorded against those hours.
 *
 * Care levels are GB/T 42195-2022 老年人能力评估规范's five: 0 能力完好 … 4 能力完全丧失. The hours,
 * supplements and subsidy per hour are demo figures shaped like Jiangsu cities' published schemes
 * (hours rising with dependency, more for the oldest and for the registry), not any city's rates.
 */
export const HOME_VISIT_SERVICES = ['bathing', 'cleaning', 'meal-delivery', 'medical-escort', 'rehabilitation', 'companionship', 'emergency-call'] as const;
export type HomeVisitService = (typeof HOME_VISIT_SERVICES)[number];
export const HOME_VISIT_SERVICE_LABELS: Record<HomeVisitService, Label> = {
  bathing: { zh: '助浴', en: 'Bathing' },
  cleaning: { zh: '助洁', en: 'Cleaning' },
  'meal-delivery': { zh: '送餐', en: 'Meal delivery' },
  'medical-escort': { zh: '助医', en: 'Medical escort' },
  rehabilitation: { zh: '康复护理', en: 'Rehabilitation' },
  companionship: { zh: '精神慰藉', en: 'Companionship' },
  'emergency-call': { zh: '紧急援助', en: 'Emergency help' },
};
export const CARE_LEVELS = [0, 1, 2, 3, 4] as const;
export const CARE_LEVEL_LABELS: readonly Label[] = [
  { zh: '能力完好', en: 'Fully able' },
  { zh: '能力轻度受损（轻度失能）', en: 'Mildly impaired' },
  { zh: '能力中度受损（中度失能）', en: 'Moderately impaired' },
  { zh: '能力重度受损（重度失能）', en: 'Severely impaired' },
  { zh: '能力完全丧失（完全失能）', en: 'Fully dependent' },
];

export interface HomeVisitPolicy extends PolicyBase {
  id: 'home-visit-subsidy';
  /** Entitled hours a month by care level (index = level). */
  hoursByCareLevel: readonly number[];
  /** Extra hours a month for the oldest, rows ordered oldest first. */
  ageSupplements: readonly { minAge: number; hours: number }[];
  /** Extra hours a month for residents on the low-income registry. */
  lowIncomeHours: number;
  subsidyPerHour: number;
  lowIncomeSubsidyPerHour: number;
  /** Allocation and waitlist order by care level (index = level): lower is served first. */
  careLevelWeights: readonly number[];
  /** How far an organisation's base may be from the resident (it must also cover the street). */
  maxTravelMetres: number;
  /** A visit is recorded where it happened: within this distance of the resident's address. */
  visitRadiusMetres: number;
  /** The longest single visit. */
  maxVisitHours: number;
  /** A visit is recorded within this many days of its start (records are made on the day, not from memory). */
  visitRecordingDays: number;
}

export const HOME_VISIT_POLICIES: readonly HomeVisitPolicy[] = [
  {
    id: 'home-visit-subsidy',
    version: '2026.1',
    effectiveFrom: '2026-01-01',
    minAge: 60,
    districts: ['320113', '320102', '320117', '320583', '320205'],
    hoursByCareLevel: [0, 6, 12, 20, 30],
    ageSupplements: [
      { minAge: 90, hours: 4 },
      { minAge: 80, hours: 2 },
    ],
    lowIncomeHours: 4,
    subsidyPerHour: 25,
    lowIncomeSubsidyPerHour: 40,
    autoApproveLowIncome: true,
    offerResponseHours: 48,
    declineCooldownDays: 7,
    careLevelWeights: [1, 0.85, 0.7, 0.55, 0.4],
    lowIncomeWeight: 0.7,
    maxTravelMetres: 20_000,
    visitRadiusMetres: 300,
    maxVisitHours: 4,
    visitRecordingDays: 7,
  },
];

export function homeVisitPolicyOn(on: Date, policies: readonly HomeVisitPolicy[] = HOME_VISIT_POLICIES): HomeVisitPolicy {
  return policyOn(policies, on);
}

export const homeVisitNeedsSchema = z.object({
  services: z
    .array(z.enum(HOME_VISIT_SERVICES))
    .min(1, { error: bi('请至少选择一项上门服务', 'Choose at least one service') })
    .max(HOME_VISIT_SERVICES.length)
    .refine((s) => new Set(s).size === s.length, { error: bi('服务项目不能重复', 'A service is listed twice') }),
  careLevel: z
    .number({ error: bi('请填写能力等级（0–4）', 'A care level (0–4) is required') })
    .int()
    .min(0)
    .max(4)
    .describe('GB/T 42195 老年人能力评估: 0 能力完好 … 4 能力完全丧失'),
});
export type HomeVisitNeeds = z.output<typeof homeVisitNeedsSchema>;

export const homeVisitDeclarationSchema = z.object({
  services: z
    .array(z.enum(HOME_VISIT_SERVICES))
    .min(1)
    .max(HOME_VISIT_SERVICES.length)
    .refine((s) => new Set(s).size === s.length, { error: bi('服务项目不能重复', 'A service is listed twice') }),
  streets: streetsCoveredSchema('organisation'),
});
export type HomeVisitDeclaration = z.output<typeof homeVisitDeclarationSchema>;

const NAME: Label = { zh: '居家上门服务', en: 'Home visits' };

export interface HomeVisitDecision extends Decision {
  hoursPerMonth: number;
}

export function evaluateHomeVisitEligibility(facts: SubjectFacts<HomeVisitNeeds>, on: Date, policy: HomeVisitPolicy = homeVisitPolicyOn(on)): HomeVisitDecision {
  const { age, reasons, ok } = baseReasons(policy, NAME, facts, on);
  const level = facts.needs.careLevel;
  const weight = (policy.careLevelWeights[level] ?? 1) * (facts.lowIncome ? policy.lowIncomeWeight : 1);
  const none = { eligible: false, policyVersion: policyVersionOf(policy), reasons, age, subsidyPerUnit: 0, subsidyStatus: null, demand: 0, priorityWeight: weight, hoursPerMonth: 0 };
  if (!ok) return none;

  const base = policy.hoursByCareLevel[level] ?? 0;
  const levelText = CARE_LEVEL_LABELS[level] ?? { zh: String(level), en: String(level) };
  reasons.push({
    rule: `hoursByCareLevel[${level}]`,
    code: 'CARE_LEVEL_HOURS',
    message: `Care level ${level} (${levelText.en}): ${base} hours a month`,
    messageZh: `能力等级 ${level} · ${levelText.zh}：每月 ${base} 小时`,
  });
  const older = byAge(policy.ageSupplements, age);
  if (older) {
    reasons.push({
      rule: `ageSupplements[${older.minAge}+]`,
      code: 'AGE_SUPPLEMENT_HOURS',
      message: `Aged ${older.minAge} or over: ${older.hours} more hours a month`,
      messageZh: `年满${older.minAge}周岁：每月加 ${older.hours} 小时`,
    });
  }
  if (facts.lowIncome) {
    reasons.push({
      rule: 'lowIncomeHours',
      code: 'LOW_INCOME_HOURS',
      message: `On the district's low-income registry: ${policy.lowIncomeHours} more hours a month`,
      messageZh: `在低收入人口名录中：每月加 ${policy.lowIncomeHours} 小时`,
    });
  }
  const hoursPerMonth = base + (older?.hours ?? 0) + (facts.lowIncome ? policy.lowIncomeHours : 0);
  if (hoursPerMonth <= 0) {
    const reason: Reason = {
      rule: 'hoursByCareLevel[0]',
      code: 'NO_ENTITLEMENT',
      message: 'Fully able, under 80 and not on the low-income registry: no government-purchased visits are due',
      messageZh: '能力完好、未满80周岁且不在低收入人口名录中，不享受政府购买上门服务',
      field: 'needs.careLevel',
    };
    return { ...none, reasons: [...reasons, reason] };
  }
  const perHour = facts.lowIncome ? policy.lowIncomeSubsidyPerHour : policy.subsidyPerHour;
  reasons.push({
    rule: facts.lowIncome ? 'lowIncomeSubsidyPerHour' : 'subsidyPerHour',
    code: 'HOURLY_SUBSIDY',
    message: `${hoursPerMonth} hours a month, subsidised at ${perHour} yuan an hour`,
    messageZh: `每月 ${hoursPerMonth} 小时，每小时补贴 ${perHour} 元`,
  });
  const subsidyStatus = subsidyStatusFor(policy, perHour, facts.lowIncome);
  if (subsidyStatus) reasons.push(approvalReason(subsidyStatus));
  return {
    eligible: true,
    policyVersion: policyVersionOf(policy),
    reasons,
    age,
    subsidyPerUnit: perHour,
    subsidyStatus,
    demand: hoursPerMonth,
    priorityWeight: weight,
    hoursPerMonth,
  };
}

export const homeVisitProgramme: Programme<'home-visit', HomeVisitNeeds, HomeVisitDeclaration, HomeVisitPolicy> = {
  type: 'home-visit',
  name: NAME,
  open: true,
  rounds: 'optimal',
  offersBy: 'matching',
  offerAnsweredBy: 'provider',
  waitlistOrder: 'priority',
  providerNoun: { zh: '服务机构', en: 'organisation' },
  policyName: { zh: '居家上门服务补贴政策', en: 'Home visit subsidy policy' },
  subjectNoun: { zh: '老人', en: 'older person' },
  capacity: { field: 'hoursPerMonth', max: 1_000_000, unit: { zh: '小时/月', en: 'hours a month' }, free: { zh: '每月可用小时', en: 'hours a month free' } },
  subsidyUnit: { code: 'hour', label: { zh: '元/小时', en: 'yuan per hour' } },
  policies: HOME_VISIT_POLICIES,
  needsSchema: homeVisitNeedsSchema,
  declarationSchema: homeVisitDeclarationSchema,
  needsFields: [
    {
      name: 'services',
      kind: 'multi',
      label: { zh: '需要的上门服务', en: 'Services needed' },
      options: codeOptions(HOME_VISIT_SERVICES, HOME_VISIT_SERVICE_LABELS),
      min: 1,
    },
    {
      name: 'careLevel',
      kind: 'choice',
      label: { zh: '老年人能力等级（GB/T 42195）', en: 'Care level (GB/T 42195)' },
      options: CARE_LEVELS.map((l) => ({ value: l, label: { zh: `${l} 级 · ${CARE_LEVEL_LABELS[l]?.zh}`, en: `Level ${l} · ${CARE_LEVEL_LABELS[l]?.en}` } })),
    },
  ],
  assess(facts, at) {
    return evaluateHomeVisitEligibility(facts, at);
  },
  reachMetres(_needs, at) {
    return homeVisitPolicyOn(at).maxTravelMetres;
  },
  admits(needs, street, provider) {
    return provider.declaration.streets.includes(street) && needs.services.every((s) => provider.declaration.services.includes(s));
  },
  declarationIssues(district, d) {
    return uncoveredStreetIssues(district, d.streets);
  },
  visitRules(at) {
    const p = homeVisitPolicyOn(at);
    return {
      policyVersion: policyVersionOf(p),
      radiusMetres: p.visitRadiusMetres,
      maxVisitHours: p.maxVisitHours,
      recordingDays: p.visitRecordingDays,
      services: (needs) => needs.services,
    };
  },
  publicFigures(at) {
    const p = homeVisitPolicyOn(at);
    return {
      minAge: p.minAge,
      districts: p.districts,
      hoursByCareLevel: p.hoursByCareLevel,
      ageSupplements: p.ageSupplements,
      lowIncomeHours: p.lowIncomeHours,
      subsidyPerHour: p.subsidyPerHour,
      lowIncomeSubsidyPerHour: p.lowIncomeSubsidyPerHour,
      autoApproveLowIncome: p.autoApproveLowIncome,
      visitRadiusMetres: p.visitRadiusMetres,
      maxVisitHours: p.maxVisitHours,
      visitRecordingDays: p.visitRecordingDays,
      offerResponseHours: p.offerResponseHours,
    };
  },
};
