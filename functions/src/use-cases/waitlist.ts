import { ApplicationRequeued } from '@huimin/events';
import { Applications, TransactionConflictError } from '@huimin/store';
import type { Deps } from '../lib/config';
import { type Cause, newEvent } from '../lib/events';
import { CandidateFinder, radiusFor } from './candidates';
import { moveApplication } from './history';

/**
 * A place came free at a provider: the longest-waiting applications that this provider could
 * serve go back to matching, as many as it has free places. Each move carries a "consumed" marker
 * for (this event, that application), so a redelivered or replayed event moves nobody twice.
 */
export async function requeueWaitlisted(deps: Deps, providerId: string, eventId: string, cause: Cause): Promise<number> {
  const { store, now } = deps;
  const provider = await store.getProvider(providerId);
  if (!provider) return 0;
  let free = provider.capacity - provider.reserved;
  const finder = new CandidateFinder([provider]);
  let moved = 0;
  let nextToken: string | undefined;
  const at = now();
  do {
    const page = await store.listApplicationsByDistrictTypeStatus(provider.district, provider.kind, 'WAITLISTED', { limit: 50, nextToken });
    for (const app of page.items) {
      if (free <= 0) return moved;
      if (finder.find(app, radiusFor(app, at), { freePlaceOnly: true, at }).length === 0) continue;
      const next = moveApplication(app, 'MATCHING', at, {}, { note: `A place opened at ${provider.name}`, noteZh: `${provider.name}有空位，重新匹配` });
      const event = newEvent(
        ApplicationRequeued,
        { applicationId: app.id, type: app.type, district: app.district, applicationStatus: 'MATCHING' },
        { correlationId: app.correlationId, causationId: cause.causationId },
        `${app.id}:${app.version + 1}`,
        at,
      );
      try {
        await store.commit([store.replace('application', Applications, next, app.version), store.consumed('requeueWaitlisted', `${eventId}:${app.id}`, at)], [event], at);
        moved++;
        free--;
      } catch (err) {
        if (!(err instanceof TransactionConflictError)) throw err;
      }
    }
    nextToken = page.nextToken;
  } while (nextToken && free > 0);
  return moved;
}
