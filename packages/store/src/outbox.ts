import { Outbox, type OutboxRecord } from './entities';

/**
 * Which stream records are events: new outbox items. Written as an EventBridge pattern because the
 * CDK Pipe's source filter and the local stream poller both apply it; the prefix comes from the
 * Outbox entity's key model, so the filter follows the keys.
 */
export const OUTBOX_PREFIX = Outbox.keyPrefix;
export const OUTBOX_STREAM_FILTER = {
  eventName: ['INSERT'],
  dynamodb: { NewImage: { pk: { S: [{ prefix: OUTBOX_PREFIX }] } } },
} as const;

/**
 * From a stream record of a new outbox item to the bus entry it announces. The Pipe's enrichment
 * function (infra/) and the local stream poller (packages/local) both use this, so the two paths
 * forward exactly the same events.
 */
export interface BusEntry {
  source: string;
  detailType: string;
  detail: Record<string, unknown>;
}

/** The part of a DynamoDB stream record this reads (shared by the Lambda and the SDK record types). */
export interface OutboxStreamRecord {
  eventID?: string;
  dynamodb?: { NewImage?: Record<string, { S?: string } | undefined> };
}

export class OutboxRecordError extends Error {
  constructor(eventId: string | undefined, reason: string) {
    super(`outbox stream record ${eventId ?? '(no eventID)'}: ${reason}`);
    this.name = 'OutboxRecordError';
  }
}

export function busEntryOf(record: OutboxStreamRecord): BusEntry {
  const image = record.dynamodb?.NewImage;
  const source = image?.source?.S;
  const detailType = image?.detailType?.S;
  const detail = image?.detail?.S;
  if (!source || !detailType || detail === undefined) {
    throw new OutboxRecordError(record.eventID, 'NewImage lacks string attributes source, detailType and detail');
  }
  return busEntryOfOutbox({ source, detailType, detail }, record.eventID);
}

/**
 * From an outbox item to the bus entry it announces: the one mapping behind both the stream path
 * (`busEntryOf`) and `scripts/republish-outbox.ts`, which reads the items from the table. `ref` names
 * the item in the error (the stream record's eventID, or the item's eventId).
 */
export function busEntryOfOutbox(record: Pick<OutboxRecord, 'source' | 'detailType' | 'detail'>, ref?: string): BusEntry {
  const { source, detailType, detail: detailText } = record;
  if (!source || !detailType || typeof detailText !== 'string') {
    throw new OutboxRecordError(ref, 'lacks string attributes source, detailType and detail');
  }
  let detail: unknown;
  try {
    detail = JSON.parse(detailText);
  } catch {
    throw new OutboxRecordError(ref, 'detail is not JSON text');
  }
  if (detail === null || typeof detail !== 'object' || Array.isArray(detail)) {
    throw new OutboxRecordError(ref, 'detail is not a JSON object');
  }
  return { source, detailType, detail: detail as Record<string, unknown> };
}
