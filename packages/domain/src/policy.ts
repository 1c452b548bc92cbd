import { ageOn, chinaDay } from './id-number';

/**
 * Eligibility and subsidy policy, as data. Every decision records `policyVersion` (`id/version`)
 * and, per reason, the rule that produced it, so an official can trace any figure to its table.
 *
 * Figures for the meal programme (yuan per meal, paid straight to the meal point — 直补快办) are
 * modelled on Jiangsu cities' published 老年助餐 schemes, which subsidise by age band and add a
 * supplement for residents on the low-income (低保/特困) registry. They are plausible demo
 * figures, not a statement of any city's current rates.
 */
export interface AgeBand {
  minAge: number;
  /** Inclusive; absent for the open top band. */
  maxAge?: number;
  perMeal: number;
}

export interface MealPolicy {
  id: 'meal-subsidy';
  version: string;
  effectiveFrom: string;
  minAge: number;
  /** GB/T 2260 codes of the districts that run the programme. */
  districts: readonly string[];
  bands: readonly AgeBand[];
  lowIncomeSupplement: number;
  /** 免申即享: residents on the registry are approved without a staff step. */
  autoApproveLowIncome: boolean;
  defaultMaxDistanceMetres: number;
  offerResponseHours: number;
  /**
   * District-wide allocation serves as many as possible, then minimises distance × need weight:
   * a lower weight makes a resident cheaper to serve, so where places are short the oldest and
   * the poorest are served first. The first band whose minAge the resident has reached applies.
   */
  needWeights: readonly { minAge: number; weight: number }[];
  lowIncomeWeight: number;
  /** A provider that declined or let an offer lapse is not offered the same resident again for this long. */
  declineCooldownDays: number;
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

/** The policy in force on a date: the latest whose effectiveFrom is not after it. */
export function mealPolicyOn(on: Date, policies: readonly MealPolicy[] = MEAL_POLICIES): MealPolicy {
  const day = chinaDay(on).toISOString().slice(0, 10);
  const inForce = policies.filter((p) => p.effectiveFrom <= day).sort((a, b) => b.effectiveFrom.localeCompare(a.effectiveFrom));
  const policy = inForce[0];
  if (!policy) throw new Error(`No meal policy is in force on ${day}`);
  return policy;
}

export function policyVersionOf(p: { id: string; version: string }): string {
  return `${p.id}/${p.version}`;
}

export interface Reason {
  rule: string;
  code: string;
  message: string;
  messageZh: string;
  /** Input field the reason is about, when there is one. */
  field?: string;
}

export interface MealDecision {
  eligible: boolean;
  policyVersion: string;
  reasons: Reason[];
  age: number;
  /** Yuan per meal; 0 when no subsidy is due. */
  subsidyPerMeal: number;
  /** PENDING needs a staff decision; APPROVED was granted by registry (免申即享); null when none is due. */
  subsidyStatus: 'PENDING' | 'APPROVED' | null;
}

export interface MealSubject {
  birthDate: string;
  district: string;
  lowIncome: boolean;
}

export function evaluateMealEligibility(subject: MealSubject, on: Date, policy: MealPolicy = mealPolicyOn(on)): MealDecision {
  const reasons: Reason[] = [];
  const age = ageOn(subject.birthDate, on);
  const oldEnough = age >= policy.minAge;
  reasons.push(
    oldEnough
      ? { rule: 'age', code: 'AGE_OK', message: `Aged ${age}, at least ${policy.minAge}`, messageZh: `年满${policy.minAge}周岁（${age}岁）` }
      : {
          rule: 'age',
          code: 'UNDER_MIN_AGE',
          message: `Aged ${age}; meal points serve residents aged ${policy.minAge} or over`,
          messageZh: `申请对象${age}岁，未满${policy.minAge}周岁，不符合助餐服务条件`,
          field: 'subject.idNumber',
        },
  );
  const inDistrict = policy.districts.includes(subject.district);
  reasons.push(
    inDistrict
      ? { rule: 'residence', code: 'DISTRICT_OK', message: `Lives in district ${subject.district}, which runs the programme`, messageZh: `居住地（${subject.district}）已开展助餐服务` }
      : {
          rule: 'residence',
          code: 'DISTRICT_NOT_IN_PROGRAMME',
          message: `District ${subject.district} does not run the meal programme yet`,
          messageZh: `居住地（${subject.district}）尚未开展助餐服务`,
          field: 'subject.address.district',
        },
  );
  const eligible = oldEnough && inDistrict;
  if (!eligible) return { eligible, policyVersion: policyVersionOf(policy), reasons, age, subsidyPerMeal: 0, subsidyStatus: null };

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
  let subsidyStatus: MealDecision['subsidyStatus'] = null;
  if (subsidyPerMeal > 0) {
    subsidyStatus = subject.lowIncome && policy.autoApproveLowIncome ? 'APPROVED' : 'PENDING';
    reasons.push(
      subsidyStatus === 'APPROVED'
        ? { rule: 'autoApproveLowIncome', code: 'AUTO_APPROVED', message: 'Granted without application (registry)', messageZh: '免申即享：按名录直接核准' }
        : { rule: 'approval', code: 'NEEDS_APPROVAL', message: 'The subsidy awaits approval by district staff', messageZh: '补贴需经区民政部门审批' },
    );
  }
  return { eligible, policyVersion: policyVersionOf(policy), reasons, age, subsidyPerMeal, subsidyStatus };
}

/** How much serving this resident costs per metre in a district-wide allocation (lower = served first). */
export function needWeight(age: number, lowIncome: boolean, policy: MealPolicy): number {
  const band = policy.needWeights.find((w) => age >= w.minAge);
  return (band?.weight ?? 1) * (lowIncome ? policy.lowIncomeWeight : 1);
}
