import { randomUUID } from 'node:crypto';
import { ConflictError, chinaDay, type FieldIssue, ForbiddenError, NotFoundError, programmeOf, type VisitInput, VisitRefusedError } from '@huimin/domain';
import { VisitRecorded } from '@huimin/events';
import { haversineMetres } from '@huimin/matching';
import {
  type ApplicationRecord,
  type AssignmentRecord,
  Assignments,
  type Page,
  TransactionConflictError,
  type VisitMonthRecord,
  VisitMonths,
  type VisitRecord,
  Visits,
} from '@huimin/store';
import type { Actor } from '../lib/actor';
import type { Deps } from '../lib/config';
import { newEvent } from '../lib/events';
import type { ApplicationView, VisitView } from '../views';
import { applicationOf, loadAssignmentFor } from './assignments';
import { chinaDate, monthSettledIssue, rateFenOn, serviceRecordOps } from './service-records';

/** A visit may end this much after the server's clock (phones' clocks drift). */
const CLOCK_SKEW_MS = 5 * 60_000;
const WRITE_ATTEMPTS = 3;

/** The month (China time) an instant falls in, `YYYY-MM`. */
export function chinaMonth(at: Date): string {
  return chinaDay(at).toISOString().slice(0, 7);
}

/** An instant as people in Nanjing read it: `2026-12-03 18:05`. */
const chinaTime = (iso: string) => chinaDay(new Date(iso)).toISOString().slice(0, 16).replace('T', ' ');

const hoursText = (minutes: number) => `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
const hoursTextZh = (minutes: number) => `${Math.floor(minutes / 60)}小时${minutes % 60}分钟`;

/** The policy's refusals of one visit against the month recorded so far (empty: it may be recorded). */
function visitIssues(
  a: AssignmentRecord,
  app: ApplicationRecord,
  input: VisitInput,
  month: VisitMonthRecord | undefined,
  at: Date,
): { issues: FieldIssue[]; minutes: number; distanceMetres: number; policyVersion: string } {
  const rules = programmeOf(app.type).visitRules?.(at);
  if (!rules) throw new ConflictError('This service records no visits', '该服务不登记上门记录');
  const start = Date.parse(input.startedAt);
  const end = Date.parse(input.endedAt);
  const minutes = Math.round((end - start) / 60_000);
  const issues: FieldIssue[] = [];
  if (end > at.getTime() + CLOCK_SKEW_MS) {
    issues.push({ path: 'endedAt', message: '服务结束时间不能晚于当前时间 / A visit cannot end in the future' });
  }
  if (minutes < 1) issues.push({ path: 'endedAt', message: '服务时长至少1分钟 / A visit lasts at least a minute' });
  // Visits count from the acceptance, and are recorded within days of them, not months later.
  const accepted = a.acceptedAt ?? a.updatedAt;
  if (start < Date.parse(accepted)) {
    issues.push({ path: 'startedAt', message: `服务开始时间早于接单时间（${chinaTime(accepted)}）/ The visit starts before the resident was taken on (${chinaTime(accepted)}, China time)` });
  } else if (start < at.getTime() - rules.recordingDays * 86_400_000) {
    issues.push({ path: 'startedAt', message: `上门服务须在${rules.recordingDays}天内登记 / Visits are recorded within ${rules.recordingDays} days` });
  }
  if (minutes > rules.maxVisitHours * 60) {
    issues.push({ path: 'endedAt', message: `单次上门服务不超过${rules.maxVisitHours}小时 / A visit lasts at most ${rules.maxVisitHours} hours` });
  }
  const home = app.subject.address.location;
  const distanceMetres = Math.round(haversineMetres(home, input.location));
  if (distanceMetres > rules.radiusMetres) {
    issues.push({
      path: 'location',
      message: `服务地点距老人住址约${distanceMetres}米，超出${rules.radiusMetres}米范围 / Recorded ${distanceMetres} m from the resident's address; visits are recorded within ${rules.radiusMetres} m`,
    });
  }
  const allowed = rules.services(app.needs);
  input.services.forEach((s, i) => {
    if (!allowed.includes(s)) issues.push({ path: `services.${i}`, message: `该老人未申请此项服务：${s} / The resident did not ask for ${s}` });
  });
  const overlap = (month?.intervals ?? []).find(([s, e]) => Date.parse(s) < end && start < Date.parse(e));
  if (overlap) {
    const when = `${chinaTime(overlap[0])} – ${chinaTime(overlap[1]).slice(11)}`;
    issues.push({ path: 'startedAt', message: `与已登记的服务时间（${when}）重叠 / Overlaps a visit already recorded (${when}, China time)` });
  }
  const limit = (app.eligibility?.demand ?? 0) * 60;
  const used = month?.minutes ?? 0;
  if (used + minutes > limit) {
    const left = Math.max(0, limit - used);
    issues.push({
      path: 'endedAt',
      message: `本月剩余服务时长${hoursTextZh(left)}，不足本次${hoursTextZh(minutes)} / ${hoursText(left)} left this month, less than this visit's ${hoursText(minutes)}`,
    });
  }
  return { issues, minutes, distanceMetres, policyVersion: rules.policyVersion };
}

/**
 * The provider records a visit on an active assignment. The month's record (minutes and intervals)
 * is replaced under its version in the same transaction as the visit and its event, so visits
 * recorded at once can neither overlap nor together pass the month's hours.
 */
export async function recordVisit(deps: Deps, actor: Extract<Actor, { role: 'provider' }>, assignmentId: string, input: VisitInput, requestId: string): Promise<VisitRecord> {
  const a = await loadAssignmentFor(deps.store, actor, assignmentId);
  if (a.status !== 'ACCEPTED') throw new ConflictError('Visits are recorded on an accepted, active assignment', '仅可为服务中的派单登记上门记录');
  const app = await applicationOf(deps.store, a);
  for (let attempt = 1; ; attempt++) {
    const at = deps.now();
    const monthKey = chinaMonth(new Date(input.startedAt));
    const month = await deps.store.getVisitMonth(a.id, monthKey);
    const check = visitIssues(a, app, input, month, at);
    if (check.issues.length > 0) throw new VisitRefusedError(check.issues);
    const iso = at.toISOString();
    const visit: VisitRecord = {
      id: randomUUID(),
      assignmentId: a.id,
      applicationId: app.id,
      providerId: a.providerId,
      district: a.district,
      startedAt: new Date(input.startedAt).toISOString(),
      endedAt: new Date(input.endedAt).toISOString(),
      minutes: check.minutes,
      services: input.services,
      location: input.location,
      distanceMetres: check.distanceMetres,
      policyVersion: check.policyVersion,
      recordedBy: actor.sub,
      createdAt: iso,
    };
    const nextMonth: VisitMonthRecord = {
      assignmentId: a.id,
      month: monthKey,
      minutes: (month?.minutes ?? 0) + check.minutes,
      intervals: [...(month?.intervals ?? []), [visit.startedAt, visit.endedAt]],
      version: month?.version ?? 0,
    };
    const event = newEvent(
      VisitRecorded,
      {
        visitId: visit.id,
        assignmentId: a.id,
        applicationId: app.id,
        providerId: a.providerId,
        district: a.district,
        month: monthKey,
        minutes: visit.minutes,
        usedMinutesThisMonth: nextMonth.minutes,
      },
      { correlationId: app.correlationId, causationId: requestId },
      `visit:${visit.id}`,
      at,
    );
    const monthWrite = month
      ? deps.store.replace('visit-month', VisitMonths, nextMonth, month.version)
      : deps.store.create('visit-month', VisitMonths, { ...nextMonth, version: 1 });
    // What the month's settlement pays for it: its hours at the hourly rate in force on its day.
    const day = chinaDate(new Date(visit.startedAt));
    const { rateFen, policyVersion } = rateFenOn(app, day);
    const service = serviceRecordOps(deps.store, app, a, {
      date: day,
      units: visit.minutes / 60,
      unit: programmeOf(app.type).subsidyUnit.code,
      rateFen,
      amountFen: Math.round((visit.minutes * rateFen) / 60),
      policyVersion,
      source: `visit:${visit.id}`,
      by: actor.sub,
      at,
    });
    try {
      // The assignment must still be the accepted one read: a visit never lands on a cancelled or completed service.
      await deps.store.commit([deps.store.create('visit', Visits, visit), monthWrite, deps.store.unchanged('assignment', Assignments, a), ...service.ops], [event], at);
      return visit;
    } catch (err) {
      // Another visit of this assignment was recorded meanwhile: check again against the new month.
      if (err instanceof TransactionConflictError && err.failed.includes('visit-month') && attempt < WRITE_ATTEMPTS) continue;
      if (err instanceof TransactionConflictError && err.failed.includes('settlement-month')) throw new VisitRefusedError([monthSettledIssue('startedAt', service.record.month)]);
      throw err;
    }
  }
}

/** An assignment for whoever may read what was done on it: its provider, staff of its district, or the application's owner. */
export async function loadAssignmentForReader(deps: Deps, actor: Actor, assignmentId: string): Promise<AssignmentRecord> {
  const a = await deps.store.getAssignment(assignmentId);
  if (!a) throw new NotFoundError('Assignment', '该派单');
  if (actor.role === 'provider' && a.providerId !== actor.providerId) throw new NotFoundError('Assignment', '该派单');
  if (actor.role === 'staff' && a.district !== actor.district) throw new ForbiddenError('This assignment belongs to another district', '该派单属于其他区县');
  if (actor.role === 'family' || actor.role === 'grid') {
    const app = await deps.store.getApplication(a.applicationId);
    if (app?.ownerSub !== actor.sub) throw new NotFoundError('Assignment', '该派单');
  }
  return a;
}

/** Visits of an assignment, for its readers. */
export async function listVisits(deps: Deps, actor: Actor, assignmentId: string, page: { limit?: number; nextToken?: string }): Promise<Page<VisitRecord>> {
  return deps.store.listVisits((await loadAssignmentForReader(deps, actor, assignmentId)).id, page);
}

export function visitView(v: VisitRecord): VisitView {
  const { location: _where, recordedBy: _by, district: _d, ...view } = v;
  return view;
}

/** Home visits: the month's entitled hours and what visits have used of them (GET /applications/{id}). */
export async function entitlementOf(deps: Deps, app: ApplicationRecord): Promise<ApplicationView['entitlement']> {
  const at = deps.now();
  if (!programmeOf(app.type).visitRules || !app.eligibility?.eligible) return undefined;
  const month = chinaMonth(at);
  const used = app.assignment ? ((await deps.store.getVisitMonth(app.assignment.id, month))?.minutes ?? 0) : 0;
  return { hoursPerMonth: app.eligibility.demand ?? 0, month, usedThisMonth: Math.round((used / 60) * 100) / 100 };
}
