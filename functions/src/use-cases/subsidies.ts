import { ageOn, ForbiddenError, NotFoundError, programmeOf, SUBSIDY_MACHINE, transition } from '@huimin/domain';
import { SubsidyApproved, SubsidyRejected } from '@huimin/events';
import { type ApplicationContact, type Store, Subsidies, type SubsidyRecord } from '@huimin/store';
import type { Actor } from '../lib/actor';
import type { Deps } from '../lib/config';
import { newEvent } from '../lib/events';
import type { SubsidyView } from '../views';
import { applicationWrites, moveApplication } from './history';

type Staff = Extract<Actor, { role: 'staff' }>;

async function loadSubsidyFor(deps: Deps, actor: Staff, id: string): Promise<SubsidyRecord> {
  const s = await deps.store.getSubsidy(id);
  if (!s) throw new NotFoundError('Subsidy', '该补贴');
  if (s.district !== actor.district) throw new ForbiddenError('This subsidy belongs to another district', '该补贴属于其他区县');
  return s;
}

/** A subsidy as staff read it; with its application, also the resident's age and who applied and how to reach them. */
export function subsidyView(s: SubsidyRecord, app?: ApplicationContact, now = new Date()): SubsidyView {
  const { version: _v, ...view } = s;
  return app ? { ...view, applicant: app.applicant, subjectAge: ageOn(app.subject.birthDate, now) } : view;
}

/** A page of a district's subsidies, each with its applicant (one batch read of the applications). */
export async function subsidyPage(store: Store, items: readonly SubsidyRecord[], now: Date): Promise<SubsidyView[]> {
  const apps = await store.getApplicationContacts(items.map((s) => s.applicationId));
  return items.map((s) => subsidyView(s, apps.get(s.applicationId), now));
}

/**
 * Staff decide a pending subsidy. The application moves in the same transaction: on to matching
 * when approved, to REJECTED when not.
 */
export async function decideSubsidy(
  deps: Deps,
  actor: Staff,
  id: string,
  decision: { approve: true; note?: string } | { approve: false; reason: string },
  requestId: string,
) {
  const s = await loadSubsidyFor(deps, actor, id);
  const to = decision.approve ? 'APPROVED' : 'REJECTED';
  if (s.status === to) return s;
  transition('subsidy', SUBSIDY_MACHINE, s.status, to);
  const app = await deps.store.getApplication(s.applicationId);
  if (!app) throw new Error(`Subsidy ${s.id} points at missing application ${s.applicationId}`);
  const at = deps.now();
  const next: SubsidyRecord = {
    ...s,
    status: to,
    updatedAt: at.toISOString(),
    decidedBy: actor.sub,
    ...(decision.approve ? (decision.note ? { note: decision.note } : {}) : { reason: decision.reason }),
  };
  const appTo = decision.approve ? 'MATCHING' : 'REJECTED';
  const unit = programmeOf(app.type).subsidyUnit.label;
  const nextApp = moveApplication(
    app,
    appTo,
    at,
    { subsidy: { id: s.id, status: to, amount: s.amount } },
    decision.approve
      ? { note: `Subsidy of ${s.amount} ${unit.en} approved`, noteZh: `补贴 ${s.amount} ${unit.zh}已获批准`, by: actor.sub }
      : { note: `Subsidy rejected: ${decision.reason}`, noteZh: `补贴未获批准：${decision.reason}`, by: actor.sub },
  );
  const base = { subsidyId: s.id, applicationId: app.id, district: s.district, decidedBy: actor.sub };
  const cause = { correlationId: app.correlationId, causationId: requestId };
  const key = `${app.id}:${app.version + 1}`;
  const event = decision.approve
    ? newEvent(SubsidyApproved, { ...base, applicationStatus: 'MATCHING' }, cause, key, at)
    : newEvent(SubsidyRejected, { ...base, reason: decision.reason, applicationStatus: 'REJECTED' }, cause, key, at);
  await deps.store.commit(
    [deps.store.replace('subsidy', Subsidies, next, s.version), ...applicationWrites(deps.store, app, nextApp)],
    [event],
    at,
  );
  return { ...next, version: s.version + 1 };
}
