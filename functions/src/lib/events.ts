import { randomUUID } from 'node:crypto';
import { EVENT_SOURCE, type EventDefinition } from '@huimin/events';
import type { OutboxEvent } from '@huimin/store';
import type { z } from 'zod';

/** Where an event comes from: the request or event that caused it, and the flow it belongs to. */
export interface Cause {
  correlationId: string;
  causationId: string;
}

/**
 * Builds an outbox event, validated against its catalogue schema before it is written, so nothing
 * malformed ever reaches the bus. `key` names the state change (aggregate and version), which makes
 * the idempotency key the same if the same change is attempted twice.
 */
export function newEvent<T extends z.ZodObject>(def: EventDefinition<T>, data: z.input<T>, cause: Cause, key: string, now: Date): OutboxEvent {
  const eventId = randomUUID();
  const detail = def.detail.parse({
    metadata: {
      schemaVersion: def.version,
      eventId,
      correlationId: cause.correlationId,
      causationId: cause.causationId,
      idempotencyKey: `${def.detailType}:${key}`,
      occurredAt: now.toISOString(),
    },
    data,
  });
  return { eventId, source: EVENT_SOURCE, detailType: def.detailType, detail };
}
