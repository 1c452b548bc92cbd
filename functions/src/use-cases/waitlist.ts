import { programmeOf } from '@huimin/domain';
import { type ApplicationRecord, TransactionConflictError } from '@huimin/store';
import type { Deps } from '../lib/config';
import type { Cause } from '../lib/events';
import { CandidateFinder, demandOf } from './candidates';
import { lostPlaceRace, offerWrites } from './matching';

/** Lost reservation races one release tolerates before leaving the rest to the next release. */
const MAX_LOST_RACES = 10;

/** Time waited: who applied first. */
function byWait(a: ApplicationRecord, b: ApplicationRecord): number {
  return a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id);
}

/** Priority first (lower weight: older, more dependent, poorer), then time waited. */
export function byPriorityThenWait(a: ApplicationRecord, b: ApplicationRecord): number {
  return (a.eligibility?.priorityWeight ?? 1) - (b.eligibility?.priorityWeight ?? 1) || byWait(a, b);
}

const WAITLIST_ORDER = { priority: byPriorityThenWait, arrival: byWait } as const;

/**
 * Room came free at a provider (a place, or hours): the waitlisted applications this provider can
 * serve are offered **there**, in the programme's waitlist order (home visits: priority, then time
 * waited; meals: time waited), each whose demand fits what is still free — a resident whose hours do
 * not fit is passed over for one whose hours do, rather than leaving the hours idle. Each offer is the matcher's own transaction (conditional reservation, assignment,
 * application, event) plus a "consumed" marker for (this event, that application), so a redelivered
 * or replayed event offers nobody twice.
 *
 * Offering at the releasing provider, rather than waking residents for the matcher to place at the
 * nearest provider with room, is what keeps the order: otherwise a resident woken by one release can
 * take the hours another release meant for someone of higher priority, and the hours it was woken
 * for sit free with no event left to wake anyone (test/integration/home-visit-requeue-race.test.ts).
 * When two releases at one provider run at once, the reservation's condition decides: a lost race
 * re-reads what is free and goes on down the list.
 *
 * The district's waitlist of that programme is read whole to order it by priority: a district's
 * waitlist is thousands at most, and only the index's time order is kept in the key.
 */
export async function requeueWaitlisted(deps: Deps, providerId: string, eventId: string, cause: Cause): Promise<number> {
  const { store, now } = deps;
  let provider = await store.getProvider(providerId);
  if (!provider || provider.available <= 0) return 0;
  const programme = programmeOf(provider.kind);
  // Room released where offers are made only in rounds goes back to the pool for the next round.
  if (programme.offersBy === 'rounds') return 0;
  const at = now();
  const order = WAITLIST_ORDER[programme.waitlistOrder];
  const waiting = (await store.listAllApplicationsByDistrictTypeStatus(provider.district, provider.kind, 'WAITLISTED')).sort(order);
  let offered = 0;
  let lostRaces = 0;
  for (let i = 0; i < waiting.length && provider && provider.available > 0; i++) {
    const app = waiting[i]!;
    const demand = demandOf(app);
    if (demand > provider.available) continue;
    const candidate = new CandidateFinder([provider]).find(app, { freeOnly: true, at })[0];
    if (!candidate) continue;
    const { ops, event } = offerWrites(store, app, candidate, at, { correlationId: app.correlationId, causationId: cause.causationId }, 'requeue');
    try {
      await store.commit([...ops, store.consumed('requeueWaitlisted', `${eventId}:${app.id}`, at)], [event], at);
      offered++;
      provider = { ...provider, reserved: provider.reserved + demand, available: provider.available - demand };
    } catch (err) {
      if (!(err instanceof TransactionConflictError)) throw err;
      // Another offer took room here first: re-read what is left and try this resident again, so
      // priority still decides. Otherwise this resident moved meanwhile: the next one is tried.
      if (lostPlaceRace(err) && lostRaces++ < MAX_LOST_RACES) {
        provider = await store.getProvider(providerId);
        i--;
      }
    }
  }
  return offered;
}
