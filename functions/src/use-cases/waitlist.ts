import { ApplicationRequeued } from '@huimin/events';
import { type ApplicationRecord, TransactionConflictError } from '@huimin/store';
import type { Deps } from '../lib/config';
import { type Cause, newEvent } from '../lib/events';
import { CandidateFinder, demandOf } from './candidates';
import { applicationWrites, moveApplication } from './history';

/** Waitlist order: priority first (lower weight: older, more dependent, poorer), then time waited. */
export function byPriorityThenWait(a: ApplicationRecord, b: ApplicationRecord): number {
  return (a.eligibility?.priorityWeight ?? 1) - (b.eligibility?.priorityWeight ?? 1) || a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id);
}

/**
 * Room came free at a provider (a place, or hours): the waitlisted applications this provider could
 * serve go back to matching in priority order, then by time waited, as long as their demand fits in
 * what it has free. Each move carries a "consumed" marker for (this event, that application), so a
 * redelivered or replayed event moves nobody twice.
 *
 * The district's waitlist of that programme is read whole to order it by priority: a district's
 * waitlist is thousands at most, and only the index's time order is kept in the key.
 */
export async function requeueWaitlisted(deps: Deps, providerId: string, eventId: string, cause: Cause): Promise<number> {
  const { store, now } = deps;
  const provider = await store.getProvider(providerId);
  if (!provider) return 0;
  let free = provider.available;
  if (free <= 0) return 0;
  const finder = new CandidateFinder([provider]);
  const at = now();
  const waiting = (await store.listAllApplicationsByDistrictTypeStatus(provider.district, provider.kind, 'WAITLISTED')).sort(byPriorityThenWait);
  let moved = 0;
  for (const app of waiting) {
    const demand = demandOf(app);
    if (demand > free) continue;
    if (finder.find(app, { freeOnly: true, at }).length === 0) continue;
    const next = moveApplication(app, 'MATCHING', at, {}, { note: `Room opened at ${provider.name}`, noteZh: `${provider.name}有空余，重新匹配` });
    const event = newEvent(
      ApplicationRequeued,
      { applicationId: app.id, type: app.type, district: app.district, applicationStatus: 'MATCHING' },
      { correlationId: app.correlationId, causationId: cause.causationId },
      `${app.id}:${app.version + 1}`,
      at,
    );
    try {
      await store.commit([...applicationWrites(store, app, next), store.consumed('requeueWaitlisted', `${eventId}:${app.id}`, at)], [event], at);
      moved++;
      free -= demand;
    } catch (err) {
      if (!(err instanceof TransactionConflictError)) throw err;
    }
    if (free <= 0) break;
  }
  return moved;
}
