import type { DynamoDBRecord } from 'aws-lambda';

/**
 * The outbox Pipe's enrichment step: turns each outbox stream record into `{source, detailType, detail}`
 * with `detail` parsed from the JSON text the store wrote.
 *
 * Why a function at all: EventBridge Pipes parses JSON held in a string only for the SQS `body`, Kinesis/MQ
 * `data` and Kafka/MSK `key`/`value` fields ("implicit body data parsing" in the Pipes input-transformation
 * guide). A DynamoDB string attribute such as `NewImage.detail.S` stays a string, so an input template alone
 * would deliver the detail as a quoted string (or, unescaped, as invalid JSON) and no consumer pattern on
 * `detail.data…` would ever match. Storing the detail as a DynamoDB Map would not help either: the template
 * would copy the marshalled `{"M":{…{"S":…}}}` form. So the Pipe calls this function, synchronously, with
 * the batch (always an array, even of one) and forwards what it returns.
 *
 * A record that is not a well-formed outbox item is a bug upstream: throwing makes the Pipe retry, bisect
 * the batch, and finally put the batch's coordinates on its dead-letter queue (whose alarm fires).
 */
export interface BusEntry {
  source: string;
  detailType: string;
  detail: Record<string, unknown>;
}

export class OutboxRecordError extends Error {
  constructor(eventId: string | undefined, reason: string) {
    super(`outbox stream record ${eventId ?? '(no eventID)'}: ${reason}`);
    this.name = 'OutboxRecordError';
  }
}

export function toBusEntry(record: DynamoDBRecord): BusEntry {
  const image = record.dynamodb?.NewImage;
  const source = image?.source?.S;
  const detailType = image?.detailType?.S;
  const detailText = image?.detail?.S;
  if (!source || !detailType || detailText === undefined) {
    throw new OutboxRecordError(record.eventID, 'NewImage lacks string attributes source, detailType and detail');
  }
  let detail: unknown;
  try {
    detail = JSON.parse(detailText);
  } catch {
    throw new OutboxRecordError(record.eventID, 'detail is not JSON text');
  }
  if (detail === null || typeof detail !== 'object' || Array.isArray(detail)) {
    throw new OutboxRecordError(record.eventID, 'detail is not a JSON object');
  }
  return { source, detailType, detail: detail as Record<string, unknown> };
}

export const handler = async (records: DynamoDBRecord[]): Promise<BusEntry[]> => records.map(toBusEntry);
