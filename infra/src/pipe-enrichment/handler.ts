import { type BusEntry, busEntryOf } from '@huimin/store';
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
export const handler = async (records: DynamoDBRecord[]): Promise<BusEntry[]> => records.map((r) => busEntryOf(r as Parameters<typeof busEntryOf>[0]));
