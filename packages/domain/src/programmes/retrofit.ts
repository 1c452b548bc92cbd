import { z } from 'zod';
import type { FieldIssue } from '../errors';
import {
  approvalReason,
  baseReasons,
  bi,
  type Decision,
  type Label,
  type PlanLine,
  type PolicyBase,
  type PricedPlan,
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
 * 适老化改造: age-friendly home retrofits for households in difficulty. A contractor covering the
 * street takes the job (one of its concurrent jobs), plans it from the policy's priced catalogue, the
 * family confirms the plan, the contractor builds, and district staff inspect: a pass completes the
 * job and makes the subsidy payable straight to the contractor; a fail returns it with the note.
 *
 * Who qualifies and the catalogue are demo figures shaped like the schemes Jiangsu's cities publish
 * for 特殊困难老年人家庭适老化改造 (registry households, the disabled, the dependent; grab bars,
 * flooring, bathing aids, alarms, lighting; a household cap), not any city's rates. Amounts are
 * integer fen: a plan's figures are exact.
 */
export const RETROFIT_ITEM_CODES = [
  'grab-bar',
  'anti-slip-floor',
  'shower-chair',
  'raised-toilet',
  'threshold-removal',
  'emergency-button',
  'night-lights',
  'stair-handrail',
] as const;
export type RetrofitItemCode = (typeof RETROFIT_ITEM_CODES)[number];

export interface CatalogueItem {
  code: RetrofitItemCode;
  nameZh: string;
  name: string;
  unit: Label;
  /** Subsidy per unit, fen (the subsidy is this or the unit price, whichever is lower). */
  subsidyPerUnitFen: number;
  /** The most units one household's plan may hold. */
  maxQuantity: number;
}

export interface RetrofitPolicy extends PolicyBase {
  id: 'retrofit-subsidy';
  /** Who qualifies beyond age: any one of these. */
  qualifying: { lowIncome: boolean; minCareLevel: number; disability: boolean };
  catalogue: readonly CatalogueItem[];
  /** The most one household's plan is subsidised, fen; more on the registry. */
  householdCapFen: number;
  lowIncomeHouseholdCapFen: number;
  /** How far a contractor's base may be from the home (it must also cover the street). */
  maxTravelMetres: number;
}

const item = (code: RetrofitItemCode, nameZh: string, name: string, unit: Label, yuan: number, maxQuantity: number): CatalogueItem => ({
  code,
  nameZh,
  name,
  unit,
  subsidyPerUnitFen: yuan * 100,
  maxQuantity,
});
const PIECE: Label = { zh: '件', en: 'piece' };
const SET: Label = { zh: '套', en: 'set' };

export const RETROFIT_POLICIES: readonly RetrofitPolicy[] = [
  {
    id: 'retrofit-subsidy',
    version: '2026.1',
    effectiveFrom: '2026-01-01',
    minAge: 60,
    districts: ['320113', '320102', '320117', '320583', '320205'],
    autoApproveLowIncome: true,
    offerResponseHours: 72,
    declineCooldownDays: 30,
    lowIncomeWeight: 0.7,
    qualifying: { lowIncome: true, minCareLevel: 2, disability: true },
    catalogue: [
      item('grab-bar', '扶手（卫生间、床边）', 'Grab bar (bathroom, bedside)', PIECE, 150, 8),
      item('anti-slip-floor', '防滑地面处理', 'Anti-slip flooring', { zh: '平方米', en: 'm²' }, 60, 30),
      item('shower-chair', '淋浴椅', 'Shower chair', PIECE, 200, 1),
      item('raised-toilet', '坐便器增高或改蹲为坐', 'Raised toilet seat, or squat to seated', PIECE, 500, 2),
      item('threshold-removal', '门槛移除或斜坡', 'Door threshold removed or ramped', { zh: '处', en: 'doorway' }, 200, 6),
      item('emergency-button', '紧急呼叫按钮', 'Emergency call button', SET, 400, 2),
      item('night-lights', '感应夜灯', 'Motion-sensing night lights', SET, 100, 4),
      item('stair-handrail', '楼梯扶手', 'Stair handrail', { zh: '米', en: 'm' }, 120, 20),
    ],
    householdCapFen: 300_000,
    lowIncomeHouseholdCapFen: 500_000,
    maxTravelMetres: 30_000,
  },
];

export function retrofitPolicyOn(on: Date, policies: readonly RetrofitPolicy[] = RETROFIT_POLICIES): RetrofitPolicy {
  return policyOn(policies, on);
}

export const retrofitNeedsSchema = z.object({
  careLevel: z.number().int().min(0).max(4).default(0).describe('GB/T 42195 老年人能力评估: 0 能力完好 … 4 能力完全丧失'),
  disability: z.boolean().default(false).describe('Holds a disability certificate (残疾人证)'),
  wishes: z
    .array(z.enum(RETROFIT_ITEM_CODES))
    .max(RETROFIT_ITEM_CODES.length)
    .default([])
    .refine((s) => new Set(s).size === s.length, { error: bi('改造项目不能重复', 'An item is listed twice') })
    .describe('What the family would like done; the contractor plans after a home visit'),
});
export type RetrofitNeeds = z.output<typeof retrofitNeedsSchema>;

export const retrofitDeclarationSchema = z.object({
  streets: streetsCoveredSchema('contractor'),
});
export type RetrofitDeclaration = z.output<typeof retrofitDeclarationSchema>;

const NAME: Label = { zh: '适老化改造', en: 'Age-friendly retrofits' };

export function evaluateRetrofitEligibility(facts: SubjectFacts<RetrofitNeeds>, on: Date, policy: RetrofitPolicy = retrofitPolicyOn(on)): Decision {
  const { age, reasons, ok } = baseReasons(policy, NAME, facts, on);
  const version = policyVersionOf(policy);
  const none: Decision = { eligible: false, policyVersion: version, reasons, age, subsidyPerUnit: 0, subsidyStatus: null, demand: 1, priorityWeight: 1 };
  if (!ok) return none;
  const q = policy.qualifying;
  const grounds: Reason[] = [];
  if (q.lowIncome && facts.lowIncome) {
    grounds.push({ rule: 'qualifying.lowIncome', code: 'REGISTRY_HOUSEHOLD', message: "On the district's low-income registry", messageZh: '在低收入人口名录中（低保、特困等）' });
  }
  if (facts.needs.careLevel >= q.minCareLevel) {
    grounds.push({
      rule: 'qualifying.minCareLevel',
      code: 'CARE_LEVEL',
      message: `Care level ${facts.needs.careLevel}, at least ${q.minCareLevel}`,
      messageZh: `能力等级 ${facts.needs.careLevel} 级（${q.minCareLevel} 级及以上）`,
    });
  }
  if (q.disability && facts.needs.disability) {
    grounds.push({ rule: 'qualifying.disability', code: 'DISABILITY', message: 'Holds a disability certificate', messageZh: '持有残疾人证' });
  }
  if (grounds.length === 0) {
    return {
      ...none,
      reasons: [
        ...reasons,
        {
          rule: 'qualifying',
          code: 'NOT_A_QUALIFYING_HOUSEHOLD',
          message: `Retrofits are for households on the registry, with a care level of ${q.minCareLevel} or more, or a disability certificate`,
          messageZh: `适老化改造面向低收入名录家庭、能力等级${q.minCareLevel}级及以上或持残疾人证的老年人`,
          field: 'needs.careLevel',
        },
      ],
    };
  }
  const capFen = facts.lowIncome ? policy.lowIncomeHouseholdCapFen : policy.householdCapFen;
  const subsidyStatus = subsidyStatusFor(policy, capFen, facts.lowIncome);
  reasons.push(...grounds, {
    rule: facts.lowIncome ? 'lowIncomeHouseholdCapFen' : 'householdCapFen',
    code: 'HOUSEHOLD_CAP',
    message: `Subsidised from the catalogue up to ${capFen / 100} yuan for the household`,
    messageZh: `按目录补贴，每户最高 ${capFen / 100} 元`,
  });
  if (subsidyStatus) reasons.push(approvalReason(subsidyStatus));
  return { eligible: true, policyVersion: version, reasons, age, subsidyPerUnit: capFen / 100, subsidyStatus, demand: 1, priorityWeight: facts.lowIncome ? policy.lowIncomeWeight : 1 };
}

/**
 * Prices a contractor's plan against the catalogue in force: items from the catalogue only, each at
 * most once and within its quantity, unit prices in whole fen. The subsidy is the catalogue's per unit
 * or the price, whichever is lower, summed and capped per household; the family pays the rest.
 */
export function pricePlan(
  items: readonly { code: string; quantity: number; unitPriceFen: number }[],
  lowIncome: boolean,
  at: Date,
  policy: RetrofitPolicy = retrofitPolicyOn(at),
): { ok: true; plan: PricedPlan } | { ok: false; issues: FieldIssue[] } {
  const issues: FieldIssue[] = [];
  const lines: PlanLine[] = [];
  items.forEach((it, i) => {
    const path = `items.${i}`;
    const entry = policy.catalogue.find((c) => c.code === it.code);
    if (!entry) {
      issues.push({ path: `${path}.code`, message: bi(`目录中没有此项目：${it.code}`, `No item ${it.code} in the catalogue`) });
      return;
    }
    if (items.findIndex((o) => o.code === it.code) < i) {
      issues.push({ path: `${path}.code`, message: bi(`${entry.nameZh}已列出，请合并数量`, `${entry.name} is already listed; add the quantities`) });
      return;
    }
    if (it.quantity > entry.maxQuantity) {
      issues.push({
        path: `${path}.quantity`,
        message: bi(`${entry.nameZh}每户最多 ${entry.maxQuantity} ${entry.unit.zh}`, `${entry.name}: at most ${entry.maxQuantity} ${entry.unit.en} per household`),
      });
      return;
    }
    const perUnit = Math.min(it.unitPriceFen, entry.subsidyPerUnitFen);
    lines.push({
      code: entry.code,
      nameZh: entry.nameZh,
      name: entry.name,
      unit: entry.unit,
      quantity: it.quantity,
      unitPriceFen: it.unitPriceFen,
      priceFen: it.unitPriceFen * it.quantity,
      subsidyFen: perUnit * it.quantity,
    });
  });
  if (issues.length > 0) return { ok: false, issues };
  const capFen = lowIncome ? policy.lowIncomeHouseholdCapFen : policy.householdCapFen;
  const priceFen = lines.reduce((s, l) => s + l.priceFen, 0);
  const uncapped = lines.reduce((s, l) => s + l.subsidyFen, 0);
  const subsidyFen = Math.min(uncapped, capFen);
  return { ok: true, plan: { policyVersion: policyVersionOf(policy), lines, priceFen, subsidyFen, householdFen: priceFen - subsidyFen, capFen, capped: uncapped > capFen } };
}

export const retrofitProgramme: Programme<'retrofit', RetrofitNeeds, RetrofitDeclaration, RetrofitPolicy> = {
  type: 'retrofit',
  name: NAME,
  open: true,
  rounds: false,
  offersBy: 'matching',
  offerAnsweredBy: 'provider',
  waitlistOrder: 'priority',
  providerNoun: { zh: '改造施工单位', en: 'contractor' },
  policyName: { zh: '适老化改造补贴政策', en: 'Home adaptation subsidy policy' },
  subjectNoun: { zh: '老人', en: 'older person' },
  capacity: { field: 'concurrentJobs', max: 10_000, unit: { zh: '项在施工程', en: 'concurrent jobs' }, free: { zh: '可接工程', en: 'jobs free' } },
  subsidyUnit: { code: 'household', label: { zh: '元/户（上限）', en: 'yuan per household (cap)' } },
  policies: RETROFIT_POLICIES,
  needsSchema: retrofitNeedsSchema,
  declarationSchema: retrofitDeclarationSchema,
  needsFields: [
    {
      name: 'careLevel',
      kind: 'choice',
      label: { zh: '老年人能力等级（GB/T 42195）', en: 'Care level (GB/T 42195)' },
      options: [0, 1, 2, 3, 4].map((l) => ({ value: l, label: { zh: `${l} 级`, en: `Level ${l}` } })),
      default: 0,
    },
    { name: 'disability', kind: 'boolean', label: { zh: '持有残疾人证', en: 'Holds a disability certificate' } },
    {
      name: 'wishes',
      kind: 'multi',
      label: { zh: '希望改造的项目（施工单位上门评估后定方案）', en: 'What you would like done (the contractor plans after a visit)' },
      options: RETROFIT_POLICIES[0]!.catalogue.map((c) => ({ value: c.code, label: { zh: c.nameZh, en: c.name } })),
      min: 0,
    },
  ],
  assess(facts, at) {
    return evaluateRetrofitEligibility(facts, at);
  },
  reachMetres(_needs, at) {
    return retrofitPolicyOn(at).maxTravelMetres;
  },
  admits(_needs, street, provider) {
    return provider.declaration.streets.includes(street);
  },
  declarationIssues(district, d) {
    return uncoveredStreetIssues(district, d.streets);
  },
  job: {
    price: (items, lowIncome, at) => pricePlan(items, lowIncome, at),
  },
  subsidyPaidOnce: true,
  publicFigures(at) {
    const p = retrofitPolicyOn(at);
    return {
      minAge: p.minAge,
      districts: p.districts,
      qualifying: p.qualifying,
      catalogue: p.catalogue,
      householdCapFen: p.householdCapFen,
      lowIncomeHouseholdCapFen: p.lowIncomeHouseholdCapFen,
      offerResponseHours: p.offerResponseHours,
    };
  },
};
