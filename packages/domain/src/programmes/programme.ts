import { z } from 'zod';
import { isKnownStreet } from '../divisions';
import type { FieldIssue } from '../errors';
import { ageOn, chinaDay } from '../id-number';

/**
 * A programme is one service the department buys (meals, home visits, retrofits, childcare): its
 * versioned policy table, its eligibility rules with reasons, what its providers declare, which of
 * them may serve an application and at what cost, and what an offer reserves. The spine — applications,
 * subsidies, offers, waitlists, rounds, reports — is shared and asks the programme; it never branches
 * on a type name. Adding a programme means adding a module beside this one and registering it in
 * `index.ts`.
 */

/** Text residents, providers and staff read: Chinese first, English beside it. */
export interface Label {
  zh: string;
  en: string;
}

export interface Reason {
  rule: string;
  code: string;
  message: string;
  messageZh: string;
  /** Input field the reason is about, when there is one. */
  field?: string;
}

/** What every programme's policy row holds; each programme adds its own figures. */
export interface PolicyBase {
  id: string;
  version: string;
  /** The day (China time) from which this row is in force. */
  effectiveFrom: string;
  minAge: number;
  /** Exclusive upper age limit, for programmes for the young (childcare); absent for the old. */
  maxAge?: number;
  /** GB/T 2260 codes of the districts that run the programme. */
  districts: readonly string[];
  /** 免申即享: residents on the low-income registry get the subsidy without a staff step. */
  autoApproveLowIncome: boolean;
  /** How long a provider has to answer an offer. */
  offerResponseHours: number;
  /** A provider that declined or let an offer lapse is not offered the same resident again for this long. */
  declineCooldownDays: number;
  /** Residents on the low-income registry weigh this much less in allocation and waitlist order. */
  lowIncomeWeight: number;
}

/** The facts eligibility is judged on: from the ID number, the address, the registry and the needs. */
export interface SubjectFacts<N> {
  birthDate: string;
  district: string;
  street: string;
  lowIncome: boolean;
  needs: N;
}

export interface Decision {
  eligible: boolean;
  policyVersion: string;
  reasons: Reason[];
  age: number;
  /** Yuan per unit (meal, hour); 0 when no subsidy is due. */
  subsidyPerUnit: number;
  /** PENDING needs a staff decision; APPROVED was granted by registry (免申即享); null when none is due. */
  subsidyStatus: 'PENDING' | 'APPROVED' | null;
  /** Units an offer reserves at a provider: one place, or the resident's monthly hours. */
  demand: number;
  /**
   * Allocation and waitlist order: lower is served first (older, more dependent, poorer). It
   * multiplies distance in district-wide rounds, and orders a waitlist before time waited.
   */
  priorityWeight: number;
  /** The capacity pool an offer draws on, for programmes whose providers hold places per class (childcare age classes). */
  capacityClass?: string;
}

/** What an application keeps of a decision: the verdict, its reasons and version, and what allocation needs. */
export function recordedEligibility(d: Decision, lowIncome: boolean) {
  return {
    eligible: d.eligible,
    reasons: d.reasons,
    policyVersion: d.policyVersion,
    age: d.age,
    lowIncome,
    demand: d.demand,
    priorityWeight: d.priorityWeight,
    ...(d.capacityClass === undefined ? {} : { capacityClass: d.capacityClass }),
  };
}

/** What a provider of this programme's kind holds, as the spine sees it. */
export interface ProviderFacts<D> {
  id: string;
  street: string;
  declaration: D;
}

/** The capacity a provider of this kind declares, and the unit an offer reserves. */
export interface CapacitySpec {
  /** The body field of `PUT /providers/{id}/capacity` and of registration. */
  field: string;
  max: number;
  unit: Label;
  /** e.g. "places free" / "hours a month free" */
  free: Label;
  /**
   * Separate pools a provider declares (childcare: places per age class). The capacity body is then
   * an object with one count per class code, and an offer draws on its application's
   * `capacityClass`; absent, a provider has one pool.
   */
  classes?: readonly { code: string; label: Label }[];
}

/** One priority rule that gave a child points at a provider: the rule, its points and what it means. */
export interface PriorityPoint {
  rule: string;
  points: number;
  label: Label;
}

/** One planned item of a job, priced in fen: what the provider charges and what the subsidy covers. */
export interface PlanLine {
  code: string;
  nameZh: string;
  name: string;
  unit: Label;
  quantity: number;
  unitPriceFen: number;
  priceFen: number;
  /** min(unit price, the catalogue's subsidy per unit) × quantity, before the household cap. */
  subsidyFen: number;
}

/** A job's plan priced by the policy in force: exact integer fen. */
export interface PricedPlan {
  policyVersion: string;
  lines: PlanLine[];
  priceFen: number;
  /** The subsidy after the household cap: never above it. */
  subsidyFen: number;
  /** The household's share: the price less the subsidy. */
  householdFen: number;
  capFen: number;
  capped: boolean;
}

/** What a stable round knows of one (application, provider) pair when ranking. */
export interface RankFacts<N> {
  needs: N;
  lowIncome: boolean;
  providerId: string;
  distanceMetres: number;
  /** A child of the same family holds a place at this provider (sibling priority). */
  siblingEnrolled: boolean;
}

export interface Programme<T extends string = string, N = unknown, D = unknown, P extends PolicyBase = PolicyBase> {
  readonly type: T;
  readonly name: Label;
  /** Whether applications are taken; a closed programme is in the contract and answers "not open yet". */
  readonly open: boolean;
  /**
   * The order room released at a provider is offered to the waitlist in: `priority` (weight, then time
   * waited) or `arrival` (time waited alone).
   */
  readonly waitlistOrder: 'priority' | 'arrival';
  /**
   * District-wide allocation rounds staff may run: `optimal` (most served, then least weighted
   * distance: meals, home visits) or `stable` (child-proposing deferred acceptance over ranked
   * preferences and priority points: childcare); false when the programme has none.
   */
  readonly rounds: false | 'optimal' | 'stable';
  /**
   * How offers are made: `matching` offers the nearest free place on submission and whenever room
   * is released (rounds may also run); `rounds` offers only in allocation rounds, so an application
   * waits for the next round and released room goes back to the pool for it.
   */
  readonly offersBy: 'matching' | 'rounds';
  /** Who answers an offer: the provider (accepts or declines the resident) or the family (takes or leaves the place). */
  readonly offerAnsweredBy: 'provider' | 'family';
  /** The provider as residents read it in notes: 助餐点 / 服务机构. */
  readonly providerNoun: Label;
  /** The policy's name as people read it (its versions are `policies`): 助餐服务补贴政策. */
  readonly policyName: Label;
  /** Who the service is for, as forms and consoles name them: 老人 / 幼儿. */
  readonly subjectNoun: Label;
  readonly capacity: CapacitySpec;
  /** What a subsidy is counted in: `code` is stored on subsidies (`meal`, `hour`), `label` is read. */
  readonly subsidyUnit: { code: string; label: Label };
  readonly policies: readonly P[];
  /** The application's `needs`, with defaults. */
  readonly needsSchema: z.ZodType<N>;
  /** What a provider of this kind declares beyond the shared fields (diets; services and streets). */
  readonly declarationSchema: z.ZodObject;
  assess(facts: SubjectFacts<N>, at: Date): Decision;
  /** How far to look for providers of an application (metres from the resident). */
  reachMetres(needs: N, at: Date): number;
  /** Whether the provider can serve these needs at this address (diets served, street covered, …). */
  admits(needs: N, subjectStreet: string, provider: ProviderFacts<D>): boolean;
  /**
   * Problems with the needs that depend on the subject or the date (a start month in the past, a
   * child too old on it), refused at submission as a 400 naming the field.
   */
  needsIssues?(needs: N, subject: { birthDate: string }, at: Date): FieldIssue[];
  /**
   * Providers the needs name (ranked nurseries), each with the field that names it: submission
   * checks each exists, is of this programme's kind and of the subject's district.
   */
  providerRefs?(needs: N): { path: string; providerId: string }[];
  /**
   * Stable rounds: the application's points at one provider, with the rule that gave each, by the
   * policy in force. Higher is admitted first; ties go to the round's lottery.
   */
  priorityAt?(facts: RankFacts<N>, at: Date): PriorityPoint[];
  /** Declaration problems that need the district (streets covered that are not in it). */
  declarationIssues?(district: string, declaration: D): FieldIssue[];
  /**
   * Programmes whose job has steps (retrofits): the provider plans it from a priced catalogue, the
   * family confirms, the provider builds, district staff inspect; a pass completes the job and makes
   * the plan's subsidy payable. Absent: the provider's "complete" ends the service.
   */
  readonly job?: {
    price(items: readonly { code: string; quantity: number; unitPriceFen: number }[], lowIncome: boolean, at: Date): { ok: true; plan: PricedPlan } | { ok: false; issues: FieldIssue[] };
  };
  /** Programmes whose providers record a count per day (meals served): the most one day may hold. */
  dailyCounts?(at: Date): { maxPerDay: number; policyVersion: string };
  /**
   * A one-off subsidy (a retrofit's) becomes SETTLED when its statement is approved; an ongoing one
   * (a meal's or an hour's rate) stays APPROVED for the months ahead.
   */
  readonly subsidyPaidOnce?: boolean;
  /** Programmes whose providers record visits against the resident's monthly hours. */
  visitRules?(at: Date): { policyVersion: string; radiusMetres: number; maxVisitHours: number; recordingDays: number; services(needs: N): readonly string[] };
  /** What GET /programmes shows of the policy in force: the figures a form needs. */
  publicFigures(at: Date): Record<string, unknown>;
  /** Choices the form offers for each needs field, with labels. */
  readonly needsFields: readonly NeedsField[];
}

/** One field of the application form's needs section, described for a page to render it. */
export type NeedsField =
  | { name: string; kind: 'multi'; label: Label; options: readonly { value: string; label: Label }[]; min: number }
  | { name: string; kind: 'choice'; label: Label; options: readonly { value: string | number; label: Label }[]; default?: string | number }
  | { name: string; kind: 'integer'; label: Label; min: number; max: number; unit: Label; optional: true }
  | { name: string; kind: 'boolean'; label: Label }
  /** `YYYY-MM` */
  | { name: string; kind: 'month'; label: Label }
  /** Provider ids of the programme's kind in the subject's district, most wanted first. */
  | { name: string; kind: 'ranked-providers'; label: Label; min: number; max: number };

/** The last lookup per policy table: a round asks thousands of times for the same instant. */
const lastLookup = new WeakMap<readonly PolicyBase[], { time: number; policy: PolicyBase }>();

/** The policy row in force on a date: the latest whose effectiveFrom is not after it. */
export function policyOn<P extends PolicyBase>(policies: readonly P[], on: Date): P {
  const last = lastLookup.get(policies);
  if (last?.time === on.getTime()) return last.policy as P;
  const policy = policyInForce(policies, on);
  lastLookup.set(policies, { time: on.getTime(), policy });
  return policy;
}

function policyInForce<P extends PolicyBase>(policies: readonly P[], on: Date): P {
  const day = chinaDay(on).toISOString().slice(0, 10);
  const inForce = policies.filter((p) => p.effectiveFrom <= day).sort((a, b) => b.effectiveFrom.localeCompare(a.effectiveFrom));
  const policy = inForce[0];
  if (!policy) throw new Error(`No ${policies[0]?.id ?? ''} policy is in force on ${day}`);
  return policy;
}

export function policyVersionOf(p: { id: string; version: string }): string {
  return `${p.id}/${p.version}`;
}

/** The age and residence rules every programme starts with, worded with the programme's name. */
export function baseReasons(policy: PolicyBase, name: Label, facts: { birthDate: string; district: string }, on: Date): { age: number; reasons: Reason[]; ok: boolean } {
  const age = ageOn(facts.birthDate, on);
  const oldEnough = age >= policy.minAge;
  const reasons: Reason[] = [
    oldEnough
      ? { rule: 'age', code: 'AGE_OK', message: `Aged ${age}, at least ${policy.minAge}`, messageZh: `年满${policy.minAge}周岁（${age}岁）` }
      : {
          rule: 'age',
          code: 'UNDER_MIN_AGE',
          message: `Aged ${age}; ${name.en.toLowerCase()} serve residents aged ${policy.minAge} or over`,
          messageZh: `申请对象${age}岁，未满${policy.minAge}周岁，不符合${name.zh}条件`,
          field: 'subject.idNumber',
        },
  ];
  const inDistrict = policy.districts.includes(facts.district);
  reasons.push(
    inDistrict
      ? { rule: 'residence', code: 'DISTRICT_OK', message: `Lives in district ${facts.district}, which runs the programme`, messageZh: `居住地（${facts.district}）已开展${name.zh}` }
      : {
          rule: 'residence',
          code: 'DISTRICT_NOT_IN_PROGRAMME',
          message: `District ${facts.district} does not run ${name.en.toLowerCase()} yet`,
          messageZh: `居住地（${facts.district}）尚未开展${name.zh}`,
          field: 'subject.address.district',
        },
  );
  return { age, reasons, ok: oldEnough && inDistrict };
}

/**
 * The rule every programme shares that needs no stored data, refused at submission as bad input
 * rather than after a round trip: the subject's age against the policy in force.
 */
export function ageRefusals(programme: Pick<Programme, 'name' | 'policies'>, facts: { birthDate: string; district: string }, at: Date): Reason[] {
  return baseReasons(policyOn(programme.policies, at), programme.name, facts, at).reasons.filter((r) => r.rule === 'age' && r.field);
}

/** The subsidy's approval reason: granted by registry (免申即享) or waiting for staff. */
export function approvalReason(status: 'PENDING' | 'APPROVED'): Reason {
  return status === 'APPROVED'
    ? { rule: 'autoApproveLowIncome', code: 'AUTO_APPROVED', message: 'Granted without application (registry)', messageZh: '免申即享：按名录直接核准' }
    : { rule: 'approval', code: 'NEEDS_APPROVAL', message: 'The subsidy awaits approval by district staff', messageZh: '补贴需经区民政部门审批' };
}

export function subsidyStatusFor(policy: PolicyBase, perUnit: number, lowIncome: boolean): 'PENDING' | 'APPROVED' | null {
  if (perUnit <= 0) return null;
  return lowIncome && policy.autoApproveLowIncome ? 'APPROVED' : 'PENDING';
}

/** The first row whose `minAge` the resident has reached, from rows ordered oldest first. */
export function byAge<R extends { minAge: number }>(rows: readonly R[], age: number): R | undefined {
  return rows.find((r) => age >= r.minAge);
}

/** Form options for a list of codes with their labels (diets, services). */
export function codeOptions<C extends string>(codes: readonly C[], labels: Record<C, Label>): { value: C; label: Label }[] {
  return codes.map((value) => ({ value, label: labels[value] }));
}

/** What residents and staff read in a message: Chinese, then English. */
export const bi = (zh: string, en: string) => `${zh} / ${en}`;

/** The streets (街道) a provider covers (home visits, retrofits): its declaration field `streets`. */
export function streetsCoveredSchema(noun: string) {
  return z.array(z.string().trim().min(1).max(50)).min(1).max(50).describe(`The streets (街道) the ${noun} covers`);
}

/** Covered streets that are not in the district, each a 400 naming `streets.i`. */
export function uncoveredStreetIssues(district: string, streets: readonly string[]): FieldIssue[] {
  return streets.flatMap((s, i) => (isKnownStreet(district, s) ? [] : [{ path: `streets.${i}`, message: bi(`该区没有此街道：${s}`, `No street ${s} in district ${district}`) }]));
}
