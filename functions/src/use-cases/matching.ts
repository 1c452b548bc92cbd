import { randomUUID } from 'node:crypto';
import { policyOn, programmeOf } from '@huimin/domain';
import { ApplicationRequeued, ApplicationWaitlisted, AssignmentOffered } from '@huimin/events';
import {
  type ApplicationRecord,
  type AssignmentRecord,
  Assignments,
  type OutboxEvent,
  type Store,
  TransactionConflictError,
  type TxOp,
} from '@huimin/store';
import type { Deps } from '../lib/config';
import { type Cause, newEvent } from '../lib/events';
import { type Candidate, CandidateFinder, demandOf } from './candidates';
import { commitOnce, type Outcome } from './consume';
import { applicationWrites, moveApplication } from './history';

/** The writes that offer one place: reserve it, record the offer, move the application — and the event. */
export function offerWrites(
  store: Store,
  app: ApplicationRecord,
  { provider, distanceMetres }: Candidate,
  at: Date,
  cause: Cause,
  via: 'matching' | 'allocation' | 'requeue' = 'matching',
  offered?: { note: string; noteZh: string },
): { ops: TxOp[]; event: OutboxEvent } {
  const programme = programmeOf(app.type);
  const policy = policyOn(programme.policies, at);
  const units = demandOf(app);
  const pool = app.eligibility?.capacityClass;
  const iso = at.toISOString();
  const assignment: AssignmentRecord = {
    id: randomUUID(),
    applicationId: app.id,
    providerId: provider.id,
    providerName: provider.name,
    district: app.district,
    street: app.street,
    subjectName: app.subject.name,
    type: app.type,
    needs: app.needs,
    units,
    ...(pool === undefined ? {} : { pool }),
    status: 'OFFERED',
    distanceMetres,
    expiresAt: new Date(at.getTime() + policy.offerResponseHours * 3600_000).toISOString(),
    createdAt: iso,
    updatedAt: iso,
    version: 1,
  };
  // A waitlisted application offered by a round or a release passes through MATCHING, as the machine requires.
  const woken =
    via === 'requeue'
      ? { note: `Room opened at ${provider.name}`, noteZh: `${provider.name}有空余，重新匹配` }
      : { note: 'Included in a district-wide allocation', noteZh: '纳入全区统筹分配' };
  const matching = app.status === 'WAITLISTED' ? moveApplication(app, 'MATCHING', at, {}, woken) : app;
  const next = moveApplication(
    matching,
    'OFFERED',
    at,
    {
      assignment: { id: assignment.id, providerId: provider.id, providerName: provider.name, status: 'OFFERED', expiresAt: assignment.expiresAt, distanceMetres },
    },
    offered ?? {
      note: `Offered to ${provider.name} (${distanceMetres} m away)${via === 'allocation' ? ' by district-wide allocation' : ''}`,
      noteZh: `已派单至${provider.name}（距离约${distanceMetres}米）${via === 'allocation' ? '（全区统筹）' : ''}，等待确认`,
    },
  );
  const event = newEvent(
    AssignmentOffered,
    { assignmentId: assignment.id, applicationId: app.id, providerId: provider.id, district: app.district, expiresAt: assignment.expiresAt, distanceMetres, applicationStatus: 'OFFERED' },
    cause,
    `${app.id}:${app.version + 1}`,
    at,
  );
  return {
    ops: [...applicationWrites(store, app, next), store.reserve(provider.id, units, pool), store.create('assignment', Assignments, assignment)],
    event,
  };
}

/** A lost race for a provider's last place, and nothing else, cancelled the transaction. */
export function lostPlaceRace(err: unknown): boolean {
  return err instanceof TransactionConflictError && err.failed.every((f) => f.startsWith('reserve:'));
}

/**
 * Offers the nearest admissible place. The reservation is a conditional write inside the offer's
 * transaction: when another offer took the last place first, the next candidate is tried.
 */
export async function matchApplication(deps: Deps, applicationId: string, eventId: string, cause: Cause): Promise<Outcome> {
  const { store, now } = deps;
  const app = await store.getApplication(applicationId);
  if (app?.status !== 'MATCHING') return 'stale';
  const at = now();
  const programme = programmeOf(app.type);
  // Programmes that offer only in rounds: the application waits for the next one.
  if (programme.offersBy === 'rounds') {
    return (await waitlist(deps, app, at, eventId, cause, { note: 'Waiting for the next allocation round', noteZh: '等待下一轮统一分配' })).outcome;
  }
  const finder = new CandidateFinder(await store.listAllProvidersByDistrict(app.district, app.type));
  for (const candidate of finder.find(app, { freeOnly: true, at })) {
    const { ops, event } = offerWrites(store, app, candidate, at, cause);
    try {
      return await commitOnce(deps, 'matchApplication', eventId, ops, [event]);
    } catch (err) {
      // Only a lost race for this provider's last place moves on to the next candidate.
      if (lostPlaceRace(err)) continue;
      throw err;
    }
  }
  const { providerNoun: noun, capacity } = programme;
  const { outcome, waitlisted } = await waitlist(deps, app, at, eventId, cause, {
    note: `No ${noun.en} within reach has ${demandOf(app)} ${capacity.unit.en} free now; waiting for them to free up`,
    noteZh: `附近${noun.zh}暂无足够${capacity.free.zh}，已进入排队，有空余时将自动匹配`,
  });
  if (outcome === 'done') await requeueIfPlaceFreed(deps, finder, { ...waitlisted, version: app.version + 1 }, at, cause);
  return outcome;
}

/** MATCHING → WAITLISTED, with its note and event, once per event. */
async function waitlist(deps: Deps, app: ApplicationRecord, at: Date, eventId: string, cause: Cause, note: { note: string; noteZh: string }) {
  const waitlisted = moveApplication(app, 'WAITLISTED', at, {}, note);
  const event = newEvent(
    ApplicationWaitlisted,
    { applicationId: app.id, type: app.type, district: app.district, applicationStatus: 'WAITLISTED' },
    cause,
    `${app.id}:${app.version + 1}`,
    at,
  );
  const outcome = await commitOnce(deps, 'matchApplication', eventId, applicationWrites(deps.store, app, waitlisted), [event]);
  return { outcome, waitlisted };
}

/**
 * Closes a lost wake-up: a place released after the provider list was read (from an index that may
 * lag) but before this application was waitlisted would wake nobody, since the release's requeue
 * may not have seen the application yet. So look once more, with consistent reads.
 */
async function requeueIfPlaceFreed(deps: Deps, finder: CandidateFinder, app: ApplicationRecord, at: Date, cause: Cause) {
  for (const { provider } of finder.find(app, { freeOnly: false, at })) {
    const fresh = await deps.store.getProvider(provider.id);
    if (!fresh || fresh.available < demandOf(app)) continue;
    const next = moveApplication(app, 'MATCHING', at, {}, { note: `Room opened at ${fresh.name}`, noteZh: `${fresh.name}有空余，重新匹配` });
    const event = newEvent(
      ApplicationRequeued,
      { applicationId: app.id, type: app.type, district: app.district, applicationStatus: 'MATCHING' },
      cause,
      `${app.id}:${app.version + 1}`,
      at,
    );
    try {
      await deps.store.commit(applicationWrites(deps.store, app, next), [event], at);
    } catch (err) {
      // Someone else (the release's requeue) moved it first: that is the wake-up we wanted.
      if (!(err instanceof TransactionConflictError)) throw err;
    }
    return;
  }
}
