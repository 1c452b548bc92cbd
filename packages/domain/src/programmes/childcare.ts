import { z } from 'zod';
import type { FieldIssue } from '../errors';
import { chinaDay } from '../id-number';
import { bi, type Decision, type Label, type PolicyBase, type PriorityPoint, type Programme, policyOn, policyVersionOf, type RankFacts, type Reason, type SubjectFacts } from './programme';

/**
 * 普惠托育: childcare places for children under three, allocated in rounds. A family ranks up to five
 * nurseries of its district and a start month; nurseries declare places per age class (乳儿班, 托小班,
 * 托大班, by the child's age on the first day of the start month); staff run rounds of child-proposing
 * deferred acceptance in which each nursery admits by priority points (rules below, policy data) and
 * then by the round's published lottery. The offer goes to the family, who takes or leaves the place.
 *
 * The classes follow 托育机构设置标准（试行） (国卫人口发〔2019〕58号): 乳儿班 6–12 months, 托小班
 * 12–24, 托大班 24–36. The points are demo figures shaped like the admission rules Chinese cities
 * publish for public nurseries (sibling, hardship, multi-child families, nearness), not any city's.
 */
export const AGE_CLASSES = ['infant', 'toddler', 'older'] as const;
export type AgeClass = (typeof AGE_CLASSES)[number];
export const AGE_CLASS_LABELS: Record<AgeClass, Label> = {
  infant: { zh: '乳儿班（6–12个月）', en: 'Infant class (6–12 months)' },
  toddler: { zh: '托小班（12–24个月）', en: 'Toddler class (12–24 months)' },
  older: { zh: '托大班（24–36个月）', en: 'Older class (24–36 months)' },
};

/** The priority rules a policy can give points for; each rule's test is below, its points are policy data. */
export const PRIORITY_RULES = ['sibling', 'lowIncome', 'multiChild', 'nearby', 'parentWorksInDistrict'] as const;
export type PriorityRule = (typeof PRIORITY_RULES)[number];

export interface ChildcarePolicy extends PolicyBase {
  id: 'childcare-admission';
  /** Ages in completed months on the first day of the start month; `to` is exclusive. */
  ageClasses: readonly { code: AgeClass; fromMonths: number; toMonths: number }[];
  maxPreferences: number;
  /** How far ahead a start month may be. */
  maxMonthsAhead: number;
  /** Points per rule; a rule absent or at 0 gives none. */
  priorityPoints: Readonly<Record<PriorityRule, number>>;
  /** 多孩家庭: a family with at least this many children under 18. */
  multiChildFrom: number;
  /** "Lives nearby": within this distance of the nursery. */
  nearbyMetres: number;
}

export const CHILDCARE_POLICIES: readonly ChildcarePolicy[] = [
  {
    id: 'childcare-admission',
    version: '2026.1',
    effectiveFrom: '2026-01-01',
    minAge: 0,
    maxAge: 3,
    districts: ['320113', '320102', '320117', '320583', '320205'],
    autoApproveLowIncome: true,
    // Families have three days to take or leave a place.
    offerResponseHours: 72,
    // A family that leaves a place at a nursery is not offered it again this year.
    declineCooldownDays: 365,
    lowIncomeWeight: 1,
    ageClasses: [
      { code: 'infant', fromMonths: 6, toMonths: 12 },
      { code: 'toddler', fromMonths: 12, toMonths: 24 },
      { code: 'older', fromMonths: 24, toMonths: 36 },
    ],
    maxPreferences: 5,
    maxMonthsAhead: 12,
    priorityPoints: { sibling: 40, lowIncome: 30, multiChild: 20, nearby: 10, parentWorksInDistrict: 5 },
    multiChildFrom: 2,
    nearbyMetres: 1000,
  },
];

export function childcarePolicyOn(on: Date, policies: readonly ChildcarePolicy[] = CHILDCARE_POLICIES): ChildcarePolicy {
  return policyOn(policies, on);
}

const MONTH = /^(\d{4})-(0[1-9]|1[0-2])$/;

export const childcareNeedsSchema = z.object({
  preferences: z
    .array(z.string().trim().min(1).max(64), { error: bi('请按意向顺序选择托育机构', 'Rank the nurseries you want') })
    .min(1, { error: bi('请至少选择一家托育机构', 'Choose at least one nursery') })
    .max(5, { error: bi('最多填报5个志愿', 'At most five nurseries') })
    .superRefine((prefs, ctx) => {
      prefs.forEach((p, i) => {
        if (prefs.indexOf(p) < i) ctx.addIssue({ code: 'custom', path: [i], message: bi('同一托育机构不能重复填报', 'This nursery is already listed') });
      });
    })
    .describe('Nursery provider ids, most wanted first (1–5)'),
  startMonth: z.string({ error: bi('请填写入托月份', 'A start month is required') }).regex(MONTH, { error: bi('入托月份格式应为 YYYY-MM', 'startMonth is YYYY-MM') }),
  childrenInFamily: z.number().int().min(1).max(10).default(1).describe('Children under 18 in the family, this child included (多孩家庭)'),
  parentWorksInDistrict: z.boolean().default(false).describe('A parent works in the district'),
  siblingEnrolledAt: z.string().trim().min(1).max(64).optional().describe('A nursery where a brother or sister is enrolled now (checked at intake)'),
});
export type ChildcareNeeds = z.output<typeof childcareNeedsSchema>;

/** Nurseries declare nothing beyond the shared fields and their places per class. */
export const childcareDeclarationSchema = z.object({});
export type ChildcareDeclaration = Record<never, never>;

const NAME: Label = { zh: '普惠托育', en: 'Childcare places' };

/** Completed months of age on the first day of `month` (YYYY-MM). */
export function monthsOldAt(birthDate: string, month: string): number {
  const [by, bm, bd] = birthDate.split('-').map(Number) as [number, number, number];
  const [sy, sm] = month.split('-').map(Number) as [number, number];
  return (sy - by) * 12 + (sm - bm) - (bd > 1 ? 1 : 0);
}

/** This month in China, YYYY-MM. */
function currentMonth(at: Date): string {
  return chinaDay(at).toISOString().slice(0, 7);
}

function monthsBetween(from: string, to: string): number {
  const [fy, fm] = from.split('-').map(Number) as [number, number];
  const [ty, tm] = to.split('-').map(Number) as [number, number];
  return (ty - fy) * 12 + (tm - fm);
}

/** The first month in which a child born on `birthDate` reaches `months` completed months. */
function monthWhenAged(birthDate: string, months: number): string {
  const [by, bm, bd] = birthDate.split('-').map(Number) as [number, number, number];
  const total = by * 12 + (bm - 1) + months + (bd > 1 ? 1 : 0);
  return `${Math.floor(total / 12)}-${String((total % 12) + 1).padStart(2, '0')}`;
}

/**
 * What is wrong with a start month for this child, field by field: in the past, too far ahead, the
 * child too young or already three on it. Empty when the child has a class that month.
 */
export function startMonthIssues(needs: Pick<ChildcareNeeds, 'startMonth'>, birthDate: string, at: Date, policy: ChildcarePolicy = childcarePolicyOn(at)): FieldIssue[] {
  const now = currentMonth(at);
  const path = 'needs.startMonth';
  const ahead = monthsBetween(now, needs.startMonth);
  if (ahead < 0) return [{ path, message: bi(`入托月份 ${needs.startMonth} 已过，请选择 ${now} 或之后的月份`, `Start month ${needs.startMonth} is in the past; choose ${now} or later`) }];
  if (ahead > policy.maxMonthsAhead) {
    return [{ path, message: bi(`入托月份最多可提前 ${policy.maxMonthsAhead} 个月申请`, `A start month can be at most ${policy.maxMonthsAhead} months ahead`) }];
  }
  const months = monthsOldAt(birthDate, needs.startMonth);
  const first = policy.ageClasses[0]!;
  const last = policy.ageClasses[policy.ageClasses.length - 1]!;
  if (months < first.fromMonths) {
    const from = monthWhenAged(birthDate, first.fromMonths);
    return [
      {
        path,
        message: bi(
          `入托时孩子未满${first.fromMonths}个月（${Math.max(months, 0)}个月），托育机构自${first.fromMonths}个月起收托，请选择 ${from} 或之后入托`,
          `The child is under ${first.fromMonths} months old in ${needs.startMonth}; nurseries take children from ${first.fromMonths} months: choose ${from} or later`,
        ),
      },
    ];
  }
  if (months >= last.toMonths) {
    return [
      {
        path: 'subject.idNumber',
        message: bi(`入托时孩子已满3周岁（${months}个月），普惠托育服务3岁以下婴幼儿`, `The child is three or older in ${needs.startMonth} (${months} months); childcare places are for children under three`),
      },
    ];
  }
  return [];
}

/** The age class of a child in its start month, or undefined when it has none. */
export function ageClassOf(birthDate: string, startMonth: string, policy: ChildcarePolicy): AgeClass | undefined {
  const months = monthsOldAt(birthDate, startMonth);
  return policy.ageClasses.find((c) => months >= c.fromMonths && months < c.toMonths)?.code;
}

const RULE_LABELS: Record<PriorityRule, (p: ChildcarePolicy) => Label> = {
  sibling: () => ({ zh: '同胞兄弟姐妹在该园', en: 'A brother or sister is enrolled there' }),
  lowIncome: () => ({ zh: '低收入家庭（名录）', en: 'Low-income registry' }),
  multiChild: (p) => ({ zh: `多孩家庭（${p.multiChildFrom}个及以上子女）`, en: `Family with ${p.multiChildFrom} or more children` }),
  nearby: (p) => ({ zh: `居住地距该园${p.nearbyMetres}米以内`, en: `Lives within ${p.nearbyMetres} m` }),
  parentWorksInDistrict: () => ({ zh: '父母在本区工作', en: 'A parent works in the district' }),
};

/** Whether each rule applies to this child at this nursery. */
const RULE_TESTS: Record<PriorityRule, (f: RankFacts<ChildcareNeeds>, p: ChildcarePolicy) => boolean> = {
  sibling: (f) => f.siblingEnrolled || f.needs.siblingEnrolledAt === f.providerId,
  lowIncome: (f) => f.lowIncome,
  multiChild: (f, p) => f.needs.childrenInFamily >= p.multiChildFrom,
  nearby: (f, p) => f.distanceMetres <= p.nearbyMetres,
  parentWorksInDistrict: (f) => f.needs.parentWorksInDistrict,
};

/** Each rule of a policy that gives points, with its label: built once per policy row. */
const rowsOf = new WeakMap<ChildcarePolicy, PriorityPoint[]>();
function pointRows(policy: ChildcarePolicy): PriorityPoint[] {
  let rows = rowsOf.get(policy);
  if (!rows) {
    rows = PRIORITY_RULES.filter((rule) => policy.priorityPoints[rule] > 0).map((rule) => ({ rule, points: policy.priorityPoints[rule], label: RULE_LABELS[rule](policy) }));
    rowsOf.set(policy, rows);
  }
  return rows;
}

export function evaluateChildcareEligibility(facts: SubjectFacts<ChildcareNeeds>, at: Date, policy: ChildcarePolicy = childcarePolicyOn(at)): Decision {
  const version = policyVersionOf(policy);
  const months = monthsOldAt(facts.birthDate, facts.needs.startMonth);
  const age = Math.max(0, Math.floor(months / 12));
  const reasons: Reason[] = [];
  const inDistrict = policy.districts.includes(facts.district);
  reasons.push(
    inDistrict
      ? { rule: 'residence', code: 'DISTRICT_OK', message: `Lives in district ${facts.district}, which runs the programme`, messageZh: `居住地已开展${NAME.zh}` }
      : {
          rule: 'residence',
          code: 'DISTRICT_NOT_IN_PROGRAMME',
          message: `District ${facts.district} does not run childcare places yet`,
          messageZh: `居住地尚未开展${NAME.zh}`,
          field: 'subject.address.district',
        },
  );
  const problems = startMonthIssues(facts.needs, facts.birthDate, at, policy);
  const cls = ageClassOf(facts.birthDate, facts.needs.startMonth, policy);
  if (problems.length > 0 || !cls) {
    const p = problems[0];
    const [zh, en] = (p?.message ?? bi('入托时孩子不在收托年龄内', 'The child has no age class in the start month')).split(' / ');
    reasons.push({ rule: 'ageClasses', code: 'NO_AGE_CLASS', message: en ?? '', messageZh: zh ?? '', field: p?.path ?? 'needs.startMonth' });
  } else {
    const label = AGE_CLASS_LABELS[cls];
    reasons.push({
      rule: `ageClasses[${cls}]`,
      code: 'AGE_CLASS',
      message: `${months} months old in ${facts.needs.startMonth}: ${label.en}`,
      messageZh: `${facts.needs.startMonth} 入托时 ${months} 个月：${label.zh}`,
    });
  }
  const eligible = inDistrict && problems.length === 0 && cls !== undefined;
  return {
    eligible,
    policyVersion: version,
    reasons,
    age,
    subsidyPerUnit: 0,
    subsidyStatus: null,
    demand: 1,
    priorityWeight: 1,
    ...(cls ? { capacityClass: cls } : {}),
  };
}

export const childcareProgramme: Programme<'childcare', ChildcareNeeds, ChildcareDeclaration, ChildcarePolicy> = {
  type: 'childcare',
  name: NAME,
  open: true,
  rounds: 'stable',
  offersBy: 'rounds',
  offerAnsweredBy: 'family',
  waitlistOrder: 'arrival',
  providerNoun: { zh: '托育机构', en: 'nursery' },
  policyName: { zh: '普惠托育招生政策', en: 'Childcare admission policy' },
  subjectNoun: { zh: '幼儿', en: 'child' },
  capacity: {
    field: 'places',
    max: 10_000,
    unit: { zh: '个托位', en: 'places' },
    free: { zh: '空余托位', en: 'places free' },
    classes: AGE_CLASSES.map((code) => ({ code, label: AGE_CLASS_LABELS[code] })),
  },
  subsidyUnit: { code: 'month', label: { zh: '元/月', en: 'yuan per month' } },
  policies: CHILDCARE_POLICIES,
  needsSchema: childcareNeedsSchema,
  declarationSchema: childcareDeclarationSchema,
  needsFields: [
    { name: 'preferences', kind: 'ranked-providers', label: { zh: '意向托育机构（按志愿顺序）', en: 'Nurseries, most wanted first' }, min: 1, max: 5 },
    { name: 'startMonth', kind: 'month', label: { zh: '入托月份', en: 'Start month' } },
    {
      name: 'childrenInFamily',
      kind: 'integer',
      label: { zh: '家庭子女数（含本人）', en: 'Children in the family (this one included)' },
      min: 1,
      max: 10,
      unit: { zh: '个', en: 'children' },
      optional: true,
    },
    { name: 'parentWorksInDistrict', kind: 'boolean', label: { zh: '父母一方在本区工作', en: 'A parent works in the district' } },
  ],
  assess(facts, at) {
    return evaluateChildcareEligibility(facts, at);
  },
  // Preferences name the nurseries; reach does not limit them (they are checked to be in the district).
  reachMetres: () => 50_000,
  admits: (needs, _street, provider) => needs.preferences.includes(provider.id),
  needsIssues(needs, subject, at) {
    return startMonthIssues(needs, subject.birthDate, at);
  },
  providerRefs(needs) {
    const refs = needs.preferences.map((providerId, i) => ({ path: `needs.preferences.${i}`, providerId }));
    return needs.siblingEnrolledAt ? [...refs, { path: 'needs.siblingEnrolledAt', providerId: needs.siblingEnrolledAt }] : refs;
  },
  priorityAt(facts, at) {
    const policy = childcarePolicyOn(at);
    return pointRows(policy).filter((row) => RULE_TESTS[row.rule as PriorityRule](facts, policy));
  },
  publicFigures(at) {
    const p = childcarePolicyOn(at);
    return {
      districts: p.districts,
      ageClasses: p.ageClasses.map((c) => ({ ...c, label: AGE_CLASS_LABELS[c.code] })),
      maxPreferences: p.maxPreferences,
      maxMonthsAhead: p.maxMonthsAhead,
      priorityRules: PRIORITY_RULES.map((rule) => ({ rule, points: p.priorityPoints[rule], label: RULE_LABELS[rule](p) })),
      offerResponseHours: p.offerResponseHours,
    };
  },
};
