import { ASSIGNMENT_MACHINE, type AssignmentStatus, ageOn, ConflictError, NotFoundError, policyOn, programmeOf, SERVING_STATUSES, transition } from '@huimin/domain';
import { AssignmentAccepted, AssignmentCompleted, AssignmentDeclined, AssignmentExpired, type EventDefinition } from '@huimin/events';
import {
  type ApplicationContact,
  type ApplicationRecord,
  type AssignmentRecord,
  Assignments,
  type Store,
  TransactionConflictError,
  type TxOp,
} from '@huimin/store';
import type { Actor } from '../lib/actor';
import type { Deps } from '../lib/config';
import { newEvent } from '../lib/events';
import type { AssignmentView } from '../views';
import { applicationWrites, moveApplication } from './history';
import { finishWork } from './jobs';
import { DEADLINE_REMINDER_MS } from './notifications';

export class OfferExpiredError extends ConflictError {
  override readonly code = 'OFFER_EXPIRED';
  constructor() {
    super('The offer expired before it was accepted', '该派单已超过确认时限，无法接单');
  }
}

export class OfferAnsweredByOtherError extends ConflictError {
  override readonly code = 'OFFER_ANSWERED_BY_OTHER';
}

/** Only the side the programme names answers an offer: the provider, or the family. */
function checkAnswerer(a: Pick<AssignmentRecord, 'type'>, by: 'provider' | 'family') {
  const { offerAnsweredBy, providerNoun } = programmeOf(a.type);
  if (offerAnsweredBy === by) return;
  throw by === 'provider'
    ? new OfferAnsweredByOtherError('The family takes or leaves this place, not the provider', `该名额由家庭决定是否接受，${providerNoun.zh}无需确认`)
    : new OfferAnsweredByOtherError(`The ${providerNoun.en} answers this offer, not the family`, `该派单由${providerNoun.zh}确认`);
}

/** A provider's own assignment; another provider's is "not found". */
export async function loadAssignmentFor(store: Store, actor: Extract<Actor, { role: 'provider' }>, id: string): Promise<AssignmentRecord> {
  const a = await store.getAssignment(id);
  if (!a || a.providerId !== actor.providerId) throw new NotFoundError('Assignment', '该派单');
  return a;
}

/**
 * An assignment as its provider reads it. With the application (a list reads them in one batch) it
 * also carries the resident's age, and — only once the provider has accepted — how to reach the
 * resident: the minimum the service needs (PIPL), never the ID number.
 */
export function assignmentView(a: AssignmentRecord, app?: ApplicationContact, now = new Date()): AssignmentView {
  const { version: _v, ...view } = a;
  if (!app) return view;
  const age = ageOn(app.subject.birthDate, now);
  if (!SERVING_STATUSES.includes(a.status)) return { ...view, subjectAge: age };
  const { name, phone, address } = app.subject;
  return {
    ...view,
    subjectAge: age,
    resident: {
      name,
      age,
      phone: phone ?? app.applicant.phone,
      address: { street: address.street, ...(address.detail ? { detail: address.detail } : {}), location: address.location },
      contactName: app.applicant.name,
      contactPhone: app.applicant.phone,
      relationship: app.applicant.relationship,
    },
  };
}

/** A page of a provider's assignments, each with its resident as assignmentView shows them. */
export async function assignmentPage(store: Store, items: readonly AssignmentRecord[], now: Date): Promise<AssignmentView[]> {
  const apps = await store.getApplicationContacts(items.map((a) => a.applicationId));
  return items.map((a) => assignmentView(a, apps.get(a.applicationId), now));
}

interface Change {
  assignment: AssignmentRecord;
  app: ApplicationRecord;
  to: AssignmentStatus;
  appTo: ApplicationRecord['status'];
  release: boolean;
  note: { note: string; noteZh: string; by?: string };
  extra?: Partial<AssignmentRecord>;
}

/** The provider is not offered this resident again until the policy's cooldown has passed. */
function exclusionOf(app: ApplicationRecord, providerId: string, at: Date) {
  const days = policyOn(programmeOf(app.type).policies, at).declineCooldownDays;
  return { providerId, until: new Date(at.getTime() + days * 86_400_000).toISOString() };
}

/** "the next meal point" / "the next organisation", as the application's programme names its providers. */
function nextProvider(app: ApplicationRecord) {
  const noun = programmeOf(app.type).providerNoun;
  return { en: `trying the next ${noun.en}`, zh: `正在匹配下一家${noun.zh}` };
}

type AssignmentEvent = typeof AssignmentAccepted | typeof AssignmentDeclined | typeof AssignmentCompleted | typeof AssignmentExpired;

/**
 * One assignment move, committed: the assignment, its application, the place (if released) and the
 * event announcing it, in one transaction. Returns the assignment as written.
 */
async function commitChange(deps: Deps, c: Change, def: AssignmentEvent, causationId: string, extraData: { reason?: string } = {}): Promise<AssignmentRecord> {
  const at = deps.now();
  transition('assignment', ASSIGNMENT_MACHINE, c.assignment.status, c.to);
  const nextAssignment: AssignmentRecord = { ...c.assignment, ...c.extra, status: c.to, updatedAt: at.toISOString() };
  const backToMatching = c.appTo === 'MATCHING';
  const nextApp = moveApplication(
    c.app,
    c.appTo,
    at,
    {
      ...(c.app.assignment ? { assignment: { ...c.app.assignment, status: c.to } } : {}),
      ...(backToMatching ? { exclusions: [...c.app.exclusions.filter((e) => e.until > at.toISOString()), exclusionOf(c.app, c.assignment.providerId, at)] } : {}),
    },
    c.note,
  );
  const ops: TxOp[] = [deps.store.replace('assignment', Assignments, nextAssignment, c.assignment.version), ...applicationWrites(deps.store, c.app, nextApp)];
  if (c.release) ops.push(deps.store.release(c.assignment.providerId, c.assignment.units, c.assignment.pool));
  const data = {
    assignmentId: c.assignment.id,
    applicationId: c.app.id,
    providerId: c.assignment.providerId,
    district: c.assignment.district,
    applicationStatus: c.appTo,
    ...(c.release ? { releasedProviderId: c.assignment.providerId } : {}),
    ...extraData,
  };
  // The catalogue schema checks `data` when the event is built (newEvent), whichever move this is.
  const event = newEvent(def as EventDefinition, data, { correlationId: c.app.correlationId, causationId }, `${c.app.id}:${c.app.version + 1}`, at);
  await deps.store.commit(ops, [event], at);
  return nextAssignment;
}

/** The application an assignment serves; a missing one is a bug (they are written in one transaction). */
export async function applicationOf(store: Store, a: AssignmentRecord): Promise<ApplicationRecord> {
  const app = await store.getApplication(a.applicationId);
  if (!app) throw new Error(`Assignment ${a.id} points at missing application ${a.applicationId}`);
  return app;
}

/** Lets an offer lapse: the place goes back, the application is matched again without this provider. */
async function expire(deps: Deps, a: AssignmentRecord, causationId: string) {
  const app = await applicationOf(deps.store, a);
  const byFamily = programmeOf(app.type).offerAnsweredBy === 'family';
  await commitChange(
    deps,
    {
      assignment: a,
      app,
      to: 'EXPIRED',
      appTo: 'MATCHING',
      release: true,
      note: byFamily
        ? { note: `The place at ${a.providerName} was not taken in time; it goes back to the next round`, noteZh: `未在时限内确认${a.providerName}的名额，名额已退回，下一轮重新分配` }
        : { note: `${a.providerName} did not answer in time; ${nextProvider(app).en}`, noteZh: `${a.providerName}未在时限内确认，${nextProvider(app).zh}` },
    },
    AssignmentExpired,
    causationId,
  );
}

/** Accepts an open offer, or answers OFFER_EXPIRED after letting one past its deadline lapse. */
async function acceptOpenOffer(deps: Deps, a: AssignmentRecord, by: { sub: string; note: string; noteZh: string }, requestId: string) {
  if (a.status === 'ACCEPTED') return a;
  if (a.status === 'EXPIRED') throw new OfferExpiredError();
  if (a.status === 'OFFERED' && a.expiresAt <= deps.now().toISOString()) {
    try {
      await expire(deps, a, requestId);
    } catch (err) {
      // The sweep expired it at the same moment: the answer is the same.
      if (!(err instanceof TransactionConflictError)) throw err;
    }
    throw new OfferExpiredError();
  }
  const app = await applicationOf(deps.store, a);
  return commitChange(
    deps,
    {
      assignment: a,
      app,
      to: 'ACCEPTED',
      appTo: 'ACTIVE',
      extra: { acceptedAt: deps.now().toISOString() },
      release: false,
      note: { note: by.note, noteZh: by.noteZh, by: by.sub },
    },
    AssignmentAccepted,
    requestId,
  );
}

export async function acceptAssignment(deps: Deps, actor: Extract<Actor, { role: 'provider' }>, id: string, requestId: string) {
  const a = await loadAssignmentFor(deps.store, actor, id);
  checkAnswerer(a, 'provider');
  return acceptOpenOffer(deps, a, { sub: actor.sub, note: `${a.providerName} accepted; service starts`, noteZh: `${a.providerName}已接单，开始提供服务` }, requestId);
}

export async function declineAssignment(deps: Deps, actor: Extract<Actor, { role: 'provider' }>, id: string, reason: string, requestId: string) {
  const a = await loadAssignmentFor(deps.store, actor, id);
  checkAnswerer(a, 'provider');
  const app = await applicationOf(deps.store, a);
  return commitChange(
    deps,
    {
      assignment: a,
      app,
      to: 'DECLINED',
      appTo: 'MATCHING',
      release: true,
      extra: { declineReason: reason },
      note: { note: `${a.providerName} declined: ${reason}; ${nextProvider(app).en}`, noteZh: `${a.providerName}未接单（${reason}），${nextProvider(app).zh}`, by: actor.sub },
    },
    AssignmentDeclined,
    requestId,
    { reason },
  );
}

/**
 * The provider reports the service done. For a job with steps (retrofits) that is the end of the
 * work, and staff inspect before it completes (use-cases/jobs.ts); otherwise the service ends here.
 */
export async function completeAssignment(deps: Deps, actor: Extract<Actor, { role: 'provider' }>, id: string, requestId: string, note?: string) {
  const a = await loadAssignmentFor(deps.store, actor, id);
  if (a.status === 'COMPLETED') return a;
  if (programmeOf(a.type).job) return finishWork(deps, actor, a, note, requestId);
  const app = await applicationOf(deps.store, a);
  return commitChange(
    deps,
    {
      assignment: a,
      app,
      to: 'COMPLETED',
      appTo: 'COMPLETED',
      release: true,
      note: { note: `${a.providerName} reported the service completed`, noteZh: `${a.providerName}已报告服务完成`, by: actor.sub },
    },
    AssignmentCompleted,
    requestId,
  );
}

/** The open offer of an application the family answers; 409 when there is none to answer. */
async function familyOffer(deps: Deps, app: ApplicationRecord): Promise<AssignmentRecord> {
  const a = app.assignment ? await deps.store.getAssignment(app.assignment.id) : undefined;
  if (!a) throw new ConflictError('This application has no offer to answer', '该申请目前没有待确认的名额');
  checkAnswerer(a, 'family');
  return a;
}

/** POST /applications/{id}/offer/accept: the family takes the place before the deadline; the application becomes ACTIVE. */
export async function acceptOffer(deps: Deps, actor: Extract<Actor, { role: 'family' | 'grid' }>, app: ApplicationRecord, requestId: string) {
  const a = await familyOffer(deps, app);
  return acceptOpenOffer(deps, a, { sub: actor.sub, note: `The family took the place at ${a.providerName}`, noteZh: `已接受${a.providerName}的托位` }, requestId);
}

/**
 * POST /applications/{id}/offer/decline: the family leaves the place. It goes back to the pool for
 * the next round; the application waits for that round without this provider.
 */
export async function declineOffer(deps: Deps, actor: Extract<Actor, { role: 'family' | 'grid' }>, app: ApplicationRecord, requestId: string) {
  const a = await familyOffer(deps, app);
  if (a.status === 'DECLINED') return a;
  return commitChange(
    deps,
    {
      assignment: a,
      app,
      to: 'DECLINED',
      appTo: 'MATCHING',
      release: true,
      extra: { declineReason: 'family' },
      note: { note: `The family left the place at ${a.providerName}; it goes back to the next round`, noteZh: `已放弃${a.providerName}的托位，名额退回下一轮分配`, by: actor.sub },
    },
    AssignmentDeclined,
    requestId,
    { reason: 'declined by the family' },
  );
}

/**
 * The scheduled sweep: every offer past its deadline lapses. It answers the offers still open whose
 * deadline is near too, for the reminders (use-cases/notifications.ts).
 */
export async function expireOverdueOffers(deps: Deps, causationId: string): Promise<{ expired: number; open: AssignmentRecord[] }> {
  const now = deps.now();
  const soon = await deps.store.listOffersExpiringBefore(new Date(now.getTime() + DEADLINE_REMINDER_MS).toISOString());
  const overdue = soon.items.filter((a) => a.expiresAt < now.toISOString());
  let expired = 0;
  for (const a of overdue) {
    try {
      await expire(deps, a, causationId);
      expired++;
    } catch (err) {
      // Accepted, declined or cancelled since the query: nothing to expire; the others still are.
      if (!(err instanceof TransactionConflictError)) throw err;
    }
  }
  return { expired, open: soon.items.filter((a) => a.expiresAt >= now.toISOString()) };
}
