import { type AnyProgramme, ConflictError, IllegalTransitionError, programmeOf, ValidationError } from '@huimin/domain';
import { AssignmentCompleted, JobStepRecorded } from '@huimin/events';
import { type ApplicationRecord, type AssignmentRecord, Assignments, type JobRecord, type Store, Subsidies, TransactionConflictError, type TxOp } from '@huimin/store';
import type { Actor } from '../lib/actor';
import type { Deps } from '../lib/config';
import { newEvent } from '../lib/events';
import { applicationOf, loadAssignmentFor } from './assignments';
import { annotateApplication, applicationWrites, moveApplication } from './history';
import { chinaDate, serviceRecordOps } from './service-records';

/**
 * Jobs with steps (retrofits: the programme's `job`), on an accepted assignment:
 *
 *   PLANNING ─plan (provider)─▶ AWAITING_CONFIRMATION ─confirm (family)─▶ BUILDING
 *   BUILDING ─complete (provider)─▶ AWAITING_INSPECTION ─inspection passed (staff)─▶ PASSED
 *   AWAITING_INSPECTION ─inspection failed─▶ BUILDING (with the note)
 *
 * The provider may plan again until the family confirms. Each step writes the assignment and its
 * application (a history line the family reads) under the versions read, with its event, in one
 * transaction. The pass completes both, frees the provider's job slot and fixes the subsidy at the
 * plan's capped amount, payable to the provider.
 */
export type JobStep = JobRecord['step'];

const FIRST: JobRecord = { step: 'PLANNING', inspections: [] };

function jobOf(a: AssignmentRecord): JobRecord {
  return a.job ?? FIRST;
}

/** The programme's job rules, or 409 for a service without steps. */
function jobRules(a: Pick<AssignmentRecord, 'type'>): NonNullable<AnyProgramme['job']> {
  const rules = programmeOf(a.type).job;
  if (!rules) throw new ConflictError('This service has no job steps', '该服务没有改造方案、验收等步骤');
  return rules;
}

/** The job must be at one of `from` on an accepted assignment; 409 naming where it is otherwise. */
function expectStep(a: AssignmentRecord, from: readonly JobStep[], to: JobStep): JobRecord {
  const job = jobOf(a);
  if (a.status !== 'ACCEPTED' || !from.includes(job.step)) throw new IllegalTransitionError('job', a.status === 'ACCEPTED' ? job.step : a.status, to);
  return job;
}

/** The writes of one step: assignment and application with the new job, a history line, the event. */
function stepWrites(store: Store, a: AssignmentRecord, app: ApplicationRecord, job: JobRecord, at: Date, note: { note: string; noteZh: string; by: string }, causationId: string) {
  const iso = at.toISOString();
  const nextAssignment: AssignmentRecord = { ...a, job, updatedAt: iso };
  const nextApp = annotateApplication(app, at, { job }, note);
  const event = newEvent(
    JobStepRecorded,
    {
      assignmentId: a.id,
      applicationId: app.id,
      providerId: a.providerId,
      district: a.district,
      applicationStatus: app.status,
      step: job.step,
      ...(job.plan ? { subsidyFen: job.plan.subsidyFen } : {}),
    },
    { correlationId: app.correlationId, causationId },
    `${app.id}:${app.version + 1}`,
    at,
  );
  return { ops: [store.replace('assignment', Assignments, nextAssignment, a.version), ...applicationWrites(store, app, nextApp)], event, nextAssignment, nextApp };
}

const yuan = (fen: number) => (fen / 100).toFixed(2);

/** POST /assignments/{id}/plan: the provider plans the job from the catalogue in force. */
export async function planJob(
  deps: Deps,
  actor: Extract<Actor, { role: 'provider' }>,
  id: string,
  items: readonly { code: string; quantity: number; unitPriceFen: number }[],
  requestId: string,
): Promise<AssignmentRecord> {
  const a = await loadAssignmentFor(deps.store, actor, id);
  const rules = jobRules(a);
  const job = expectStep(a, ['PLANNING', 'AWAITING_CONFIRMATION'], 'AWAITING_CONFIRMATION');
  const app = await applicationOf(deps.store, a);
  const at = deps.now();
  const priced = rules.price(items, app.eligibility?.lowIncome ?? false, at);
  if (!priced.ok) throw new ValidationError(priced.issues);
  const { plan } = priced;
  const next: JobRecord = { ...job, step: 'AWAITING_CONFIRMATION', plan: { ...plan, plannedAt: at.toISOString(), plannedBy: actor.sub } };
  const capped = plan.capped ? `（已达每户上限 ${yuan(plan.capFen)} 元）` : '';
  const { ops, event, nextAssignment } = stepWrites(
    deps.store,
    a,
    app,
    next,
    at,
    {
      note: `${a.providerName} planned the work: ${yuan(plan.priceFen)} yuan, subsidy ${yuan(plan.subsidyFen)}${plan.capped ? ' (the household cap)' : ''}, your share ${yuan(plan.householdFen)}; please confirm`,
      noteZh: `${a.providerName}已提交改造方案：总价 ${yuan(plan.priceFen)} 元，补贴 ${yuan(plan.subsidyFen)} 元${capped}，个人自付 ${yuan(plan.householdFen)} 元，请确认`,
      by: actor.sub,
    },
    requestId,
  );
  await deps.store.commit(ops, [event], at);
  return nextAssignment;
}

/** POST /applications/{id}/plan/confirm: the family agrees to the plan; the provider may build. */
export async function confirmPlan(deps: Deps, actor: Extract<Actor, { role: 'family' | 'grid' }>, app: ApplicationRecord, requestId: string): Promise<ApplicationRecord> {
  const a = app.assignment ? await deps.store.getAssignment(app.assignment.id) : undefined;
  if (!a) throw new ConflictError('This application has no plan to confirm', '该申请目前没有待确认的改造方案');
  jobRules(a);
  const job = expectStep(a, ['AWAITING_CONFIRMATION'], 'BUILDING');
  const at = deps.now();
  const { ops, event, nextApp } = stepWrites(
    deps.store,
    a,
    app,
    { ...job, step: 'BUILDING', confirmedAt: at.toISOString() },
    at,
    { note: `The family confirmed the plan; ${a.providerName} may start the work`, noteZh: `已确认改造方案，${a.providerName}可开始施工`, by: actor.sub },
    requestId,
  );
  await deps.store.commit(ops, [event], at);
  return { ...nextApp, version: app.version + 1 };
}

/** The provider reports the work done (its "complete" on a job with steps): staff inspect next. */
export async function finishWork(deps: Deps, actor: Extract<Actor, { role: 'provider' }>, a: AssignmentRecord, note: string | undefined, requestId: string): Promise<AssignmentRecord> {
  // A report after a failed inspection says what it says now: the earlier note does not carry over.
  const { workNote: _earlier, ...job } = expectStep(a, ['BUILDING'], 'AWAITING_INSPECTION');
  const app = await applicationOf(deps.store, a);
  const at = deps.now();
  const { ops, event, nextAssignment } = stepWrites(
    deps.store,
    a,
    app,
    { ...job, step: 'AWAITING_INSPECTION', workCompletedAt: at.toISOString(), ...(note ? { workNote: note } : {}) },
    at,
    { note: `${a.providerName} finished the work; awaiting the district's inspection`, noteZh: `${a.providerName}已完工，等待区民政部门验收`, by: actor.sub },
    requestId,
  );
  await deps.store.commit(ops, [event], at);
  return nextAssignment;
}

/**
 * POST /applications/{id}/inspection (staff of its district): a pass completes the job, frees the
 * provider's slot and fixes the subsidy at the plan's amount, payable to the provider; a fail
 * returns the job to the provider with the note.
 */
export async function inspectJob(
  deps: Deps,
  actor: Extract<Actor, { role: 'staff' }>,
  app: ApplicationRecord,
  verdict: { passed: boolean; note?: string | undefined },
  requestId: string,
): Promise<ApplicationRecord> {
  const a = app.assignment ? await deps.store.getAssignment(app.assignment.id) : undefined;
  if (!a) throw new ConflictError('This application has no work to inspect', '该申请目前没有待验收的工程');
  jobRules(a);
  const job = expectStep(a, ['AWAITING_INSPECTION'], verdict.passed ? 'PASSED' : 'BUILDING');
  const at = deps.now();
  const iso = at.toISOString();
  const inspections = [...job.inspections, { at: iso, by: actor.sub, passed: verdict.passed, ...(verdict.note ? { note: verdict.note } : {}) }];
  if (!verdict.passed) {
    const { ops, event, nextApp } = stepWrites(
      deps.store,
      a,
      app,
      { ...job, step: 'BUILDING', inspections },
      at,
      {
        note: `Inspection failed${verdict.note ? `: ${verdict.note}` : ''}; returned to ${a.providerName}`,
        noteZh: `验收未通过${verdict.note ? `：${verdict.note}` : ''}，已退回${a.providerName}整改`,
        by: actor.sub,
      },
      requestId,
    );
    await deps.store.commit(ops, [event], at);
    return { ...nextApp, version: app.version + 1 };
  }
  const plan = job.plan;
  if (!plan) throw new ConflictError('The job has no plan', '该工程没有改造方案');
  const subsidy = app.subsidy ? await deps.store.getSubsidy(app.subsidy.id) : undefined;
  if (subsidy && subsidy.status !== 'APPROVED') {
    throw new ConflictError(`The subsidy is ${subsidy.status}, not approved`, `补贴状态为 ${subsidy.status}，尚未批准，不能验收通过`);
  }
  const passed: JobRecord = { ...job, step: 'PASSED', inspections };
  const amount = plan.subsidyFen / 100;
  const nextAssignment: AssignmentRecord = { ...a, job: passed, status: 'COMPLETED', updatedAt: iso };
  const nextApp = moveApplication(
    app,
    'COMPLETED',
    at,
    { job: passed, ...(app.assignment ? { assignment: { ...app.assignment, status: 'COMPLETED' } } : {}), ...(app.subsidy ? { subsidy: { ...app.subsidy, amount } } : {}) },
    { note: `Inspection passed; the subsidy of ${yuan(plan.subsidyFen)} yuan is payable to ${a.providerName}`, noteZh: `验收通过，补贴 ${yuan(plan.subsidyFen)} 元将直接拨付${a.providerName}`, by: actor.sub },
  );
  // What the month's settlement pays for it: the plan's subsidy, once, dated the day it passed.
  const service = serviceRecordOps(deps.store, app, a, {
    date: chinaDate(at),
    units: 1,
    unit: programmeOf(app.type).subsidyUnit.code,
    rateFen: plan.subsidyFen,
    policyVersion: plan.policyVersion,
    source: `inspection:${a.id}`,
    by: actor.sub,
    at,
  });
  const ops: TxOp[] = [
    deps.store.replace('assignment', Assignments, nextAssignment, a.version),
    ...applicationWrites(deps.store, app, nextApp),
    deps.store.release(a.providerId, a.units, a.pool),
    ...service.ops,
  ];
  if (subsidy) ops.push(deps.store.replace('subsidy', Subsidies, { ...subsidy, amount, policyVersion: plan.policyVersion, updatedAt: iso }, subsidy.version));
  const event = newEvent(
    AssignmentCompleted,
    { assignmentId: a.id, applicationId: app.id, providerId: a.providerId, district: a.district, applicationStatus: 'COMPLETED', releasedProviderId: a.providerId },
    { correlationId: app.correlationId, causationId: requestId },
    `${app.id}:${app.version + 1}`,
    at,
  );
  try {
    await deps.store.commit(ops, [event], at);
  } catch (err) {
    if (err instanceof TransactionConflictError && err.failed.includes('settlement-month')) {
      throw new ConflictError(`${service.record.month} is settled already; the pass cannot be paid in it`, `${service.record.month} 已结算，本月不能再登记验收通过`);
    }
    throw err;
  }
  return { ...nextApp, version: app.version + 1 };
}
