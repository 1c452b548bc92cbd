import { type OutboxEvent, TransactionConflictError, type TxOp } from '@huimin/store';
import type { Deps } from '../lib/config';

/** What a consumer did with an event: its effect, nothing (already done), or nothing (state moved on). */
export type Outcome = 'done' | 'duplicate' | 'stale';

/**
 * Commits a consumer's effect together with its "consumed" marker, so a redelivered event has no
 * second effect. A conflict on the application's version means another writer moved it first:
 * that is not an error for this event. Any other failure is thrown, to be retried.
 */
export async function commitOnce(deps: Deps, consumer: string, eventId: string, ops: TxOp[], events: OutboxEvent[]): Promise<Outcome> {
  const at = deps.now();
  try {
    await deps.store.commit([...ops, deps.store.consumed(consumer, eventId, at)], events, at);
    return 'done';
  } catch (err) {
    if (err instanceof TransactionConflictError) {
      if (err.failed.includes('consumed')) return 'duplicate';
      if (err.failed.every((f) => f === 'application')) return 'stale';
    }
    throw err;
  }
}
