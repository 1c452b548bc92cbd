import { type EventMetadata, findEventDefinition } from '@huimin/events';
import middy from '@middy/core';
import type { Context, EventBridgeEvent } from 'aws-lambda';
import type { FunctionName } from '../wiring';
import { type Deps, getDeps } from './config';
import { logger, metrics } from './logger';

export type BusEvent = EventBridgeEvent<string, unknown>;

export interface ParsedEvent {
  detailType: string;
  metadata: EventMetadata;
  data: Record<string, unknown>;
}

export class UnknownEventError extends Error {
  constructor(detailType: string, problem: string) {
    super(`Cannot consume ${detailType}: ${problem}`);
    this.name = 'UnknownEventError';
  }
}

/** Validates `detail` against the catalogue at the entry (STYLE.md #6). */
export function parseBusEvent(event: BusEvent): ParsedEvent {
  const def = findEventDefinition(event['detail-type']);
  if (!def) throw new UnknownEventError(event['detail-type'], 'not in the catalogue');
  const parsed = def.detail.safeParse(event.detail);
  if (!parsed.success) throw new UnknownEventError(event['detail-type'], parsed.error.message);
  return { detailType: def.detailType, metadata: parsed.data.metadata, data: parsed.data.data as Record<string, unknown> };
}

/**
 * An event consumer. It never swallows an error: anything thrown goes back to EventBridge, which
 * retries and then parks the event in the consumer's dead-letter queue. Idempotency is the use
 * case's: its effect is committed with a "consumed" marker (use-cases/consume.ts).
 */
export function eventConsumer(name: FunctionName, run: (event: ParsedEvent, deps: Deps) => Promise<unknown>) {
  return middy<BusEvent, void, Error, Context>().handler(async (raw) => {
    const event = parseBusEvent(raw);
    const outcome = await run(event, await getDeps());
    logger.info('Event consumed', { consumer: name, detailType: event.detailType, eventId: event.metadata.eventId, correlationId: event.metadata.correlationId, outcome: String(outcome) });
    metrics.addMetric(`${name}Consumed`, 'Count', 1);
    metrics.publishStoredMetrics();
  });
}

export const causeOf = (e: ParsedEvent) => ({ correlationId: e.metadata.correlationId, causationId: e.metadata.eventId });
