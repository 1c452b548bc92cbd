import { randomUUID } from 'node:crypto';
import { AppError, ConflictError, chinaDay, ERROR_CODES, type FieldIssue, programmeOf } from '@huimin/domain';
import { type ApplicationRecord, type AssignmentRecord, Assignments, type ServiceRecord, type Store, TransactionConflictError, type TxOp } from '@huimin/store';
import type { Actor } from '../lib/actor';
import type { Deps } from '../lib/config';
import { applicationOf, loadAssignmentFor } from './assignments';

/**
 * Service records: what a month's settlement pays, one per service given — a day's meals at a meal
 * point, a home visit, a passed retrofit inspection — each priced when it is written by the policy in
 * force on its date (integer fen), and counted on its month so a settled month takes no more.
 */

export class RecordRefusedError extends AppError {
  readonly code = 'RECORD_REFUSED';
  readonly status = ERROR_CODES.RECORD_REFUSED.status;
  constructor(issues: FieldIssue[]) {
    super('The service record cannot be accepted', '该服务记录不符合要求，未予登记', issues);
  }
}

/** The day in China an instant falls on, `YYYY-MM-DD`. */
export function chinaDate(at: Date): string {
  return chinaDay(at).toISOString().slice(0, 10);
}

/** `王秀英` → `王*英`; two characters → `王*`: enough for a provider's statement and a bank's file. */
export function maskName(name: string): string {
  const chars = [...name];
  if (chars.length <= 1) return name;
  if (chars.length === 2) return `${chars[0]}*`;
  return `${chars[0]}${'*'.repeat(chars.length - 2)}${chars[chars.length - 1]}`;
}

/**
 * The subsidy per unit in fen that the policy in force on `date` gives this resident, when the
 * application's subsidy is granted; 0 otherwise (a band with no subsidy, or none approved).
 */
export function rateFenOn(app: ApplicationRecord, date: string): { rateFen: number; policyVersion: string } {
  const on = new Date(`${date}T04:00:00.000Z`);
  const decision = programmeOf(app.type).assess(
    { birthDate: app.subject.birthDate, district: app.district, street: app.street, lowIncome: app.eligibility?.lowIncome ?? false, needs: app.needs },
    on,
  );
  const granted = app.subsidy?.status === 'APPROVED' || app.subsidy?.status === 'SETTLED';
  return { rateFen: granted ? Math.round(decision.subsidyPerUnit * 100) : 0, policyVersion: decision.policyVersion };
}

/** The writes of one service record: the record (once per source) and its count on the month. */
export function serviceRecordOps(
  store: Store,
  app: ApplicationRecord,
  a: AssignmentRecord,
  r: { date: string; units: number; unit: string; rateFen: number; amountFen?: number; policyVersion: string; source: string; by: string; at: Date },
): { ops: TxOp[]; record: ServiceRecord } {
  const record: ServiceRecord = {
    id: randomUUID(),
    type: app.type,
    district: app.district,
    month: r.date.slice(0, 7),
    date: r.date,
    providerId: a.providerId,
    assignmentId: a.id,
    applicationId: app.id,
    subjectMasked: maskName(app.subject.name),
    units: r.units,
    unit: r.unit,
    rateFen: r.rateFen,
    amountFen: r.amountFen ?? Math.round(r.units * r.rateFen),
    policyVersion: r.policyVersion,
    source: r.source,
    recordedBy: r.by,
    createdAt: r.at.toISOString(),
  };
  return { ops: store.serviceRecord(record), record };
}

/** A settled month refuses records; the message names the month. */
export function monthSettledIssue(path: string, month: string): FieldIssue {
  return { path, message: `${month} 已结算，不能再登记该月的服务 / ${month} is settled; no more services can be recorded for it` };
}

/**
 * POST /assignments/{id}/meals (the meal point): meals served to the resident on one day. Refused
 * (422 RECORD_REFUSED, naming the field) for a day in the future, a day the assignment was not
 * active (before its acceptance, after it ended, or never accepted), more meals than the policy
 * allows a day, a day already recorded, or a month already settled.
 */
export async function recordMeals(deps: Deps, actor: Extract<Actor, { role: 'provider' }>, assignmentId: string, input: { date: string; count: number }): Promise<ServiceRecord> {
  const a = await loadAssignmentFor(deps.store, actor, assignmentId);
  const programme = programmeOf(a.type);
  const rules = programme.dailyCounts;
  if (!rules) throw new ConflictError('This service records no daily counts', '该服务不按日登记');
  const at = deps.now();
  const today = chinaDate(at);
  const issues: FieldIssue[] = [];
  const started = a.acceptedAt ? chinaDate(new Date(a.acceptedAt)) : undefined;
  const ended = a.status === 'COMPLETED' || a.status === 'CANCELLED' ? chinaDate(new Date(a.updatedAt)) : undefined;
  if (input.date > today) issues.push({ path: 'date', message: `不能登记未来日期（今天是 ${today}）/ ${input.date} is in the future (today is ${today})` });
  else if (!started || input.date < started || (ended && input.date > ended)) {
    issues.push({
      path: 'date',
      message: started
        ? `该日不在服务期内（${started} 起${ended ? `，至 ${ended}` : ''}）/ The resident was not served by this assignment on ${input.date} (from ${started}${ended ? ` to ${ended}` : ''})`
        : `该派单尚未接单，无服务可登记 / This assignment was never accepted: there is no service to record`,
    });
  }
  const { maxPerDay } = rules(new Date(`${input.date}T04:00:00.000Z`));
  if (input.count > maxPerDay) issues.push({ path: 'count', message: `每人每天最多 ${maxPerDay} 餐 / At most ${maxPerDay} meals a day per resident` });
  if (issues.length > 0) throw new RecordRefusedError(issues);
  const app = await applicationOf(deps.store, a);
  const { rateFen, policyVersion } = rateFenOn(app, input.date);
  const { ops, record } = serviceRecordOps(deps.store, app, a, {
    date: input.date,
    units: input.count,
    unit: programme.subsidyUnit.code,
    rateFen,
    policyVersion,
    source: `meals:${input.date}`,
    by: actor.sub,
    at,
  });
  try {
    await deps.store.commit([...ops, deps.store.unchanged('assignment', Assignments, a)], [], at);
  } catch (err) {
    if (!(err instanceof TransactionConflictError)) throw err;
    if (err.failed.includes('service-record')) throw new RecordRefusedError([{ path: 'date', message: `${input.date} 已登记 / ${input.date} is already recorded` }]);
    if (err.failed.includes('settlement-month')) throw new RecordRefusedError([monthSettledIssue('date', record.month)]);
    throw err;
  }
  return record;
}
