/**
 * Re-drives a consumer's dead-lettered events onto the bus, once the cause is fixed.
 *
 *   node --import tsx scripts/replay-dlq.ts --queue-url URL --bus NAME [--max N] [--dry-run]
 *
 * Both ways into a consumer's DLQ (EventBridge could not deliver; the function threw after Lambda's
 * retries) leave the original event JSON as the message body. Each event is put back with its source,
 * detail-type, detail and time, so every rule matching it sees it again: consumers are idempotent on
 * `detail.metadata.eventId`, so the ones that already handled it do nothing. A message is deleted only
 * after PutEvents accepted its event; anything else stays in the queue (and the alarm stays on).
 * Scheduled events (source `aws.events`) cannot be put by anyone but AWS and are left alone: the next
 * scheduled run does their work.
 */
import { parseArgs } from 'node:util';
import { EventBridgeClient, PutEventsCommand, type PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import { DeleteMessageBatchCommand, type Message, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';

const { values: args } = parseArgs({
  options: {
    'queue-url': { type: 'string' },
    bus: { type: 'string' },
    max: { type: 'string', default: '100' },
    'dry-run': { type: 'boolean', default: false },
  },
});
const queueUrl = args['queue-url'];
const bus = args.bus;
const max = Number(args.max);
if (!queueUrl || !bus || !Number.isInteger(max) || max < 1) {
  console.error('usage: node --import tsx scripts/replay-dlq.ts --queue-url URL --bus NAME [--max N] [--dry-run]');
  process.exit(2);
}

const sqs = new SQSClient({});
const eventBridge = new EventBridgeClient({});

/** The entry to put again, or why the message cannot be replayed. */
function toEntry(message: Message): PutEventsRequestEntry | string {
  let event: { source?: unknown; 'detail-type'?: unknown; detail?: unknown; time?: unknown; resources?: unknown };
  try {
    event = JSON.parse(message.Body ?? '');
  } catch {
    return 'body is not JSON';
  }
  const { source, 'detail-type': detailType, detail, time, resources } = event;
  if (typeof source !== 'string' || typeof detailType !== 'string' || detail === null || typeof detail !== 'object') {
    return 'body is not an EventBridge event';
  }
  if (source.startsWith('aws.')) return `${source} events cannot be put again; the next scheduled run covers them`;
  return {
    EventBusName: bus,
    Source: source,
    DetailType: detailType,
    Detail: JSON.stringify(detail),
    Time: typeof time === 'string' ? new Date(time) : undefined,
    Resources: Array.isArray(resources) ? resources.filter((r): r is string => typeof r === 'string') : undefined,
  };
}

const describe = (entry: PutEventsRequestEntry) => {
  const id = (JSON.parse(entry.Detail ?? '{}') as { metadata?: { eventId?: string } }).metadata?.eventId;
  return `${entry.DetailType} ${id ?? '(no eventId)'}`;
};

let replayed = 0;
let kept = 0;
const seen = new Set<string>();
while (replayed + kept < max) {
  const { Messages: messages = [] } = await sqs.send(
    new ReceiveMessageCommand({
      QueueUrl: queueUrl,
      MaxNumberOfMessages: Math.min(10, max - replayed - kept),
      WaitTimeSeconds: 2,
      VisibilityTimeout: 120,
    }),
  );
  const fresh = messages.filter((m) => m.MessageId && !seen.has(m.MessageId));
  if (fresh.length === 0) break;
  for (const m of fresh) seen.add(m.MessageId as string);

  const ready: { message: Message; entry: PutEventsRequestEntry }[] = [];
  for (const message of fresh) {
    const entry = toEntry(message);
    if (typeof entry === 'string') {
      console.warn(`kept ${message.MessageId}: ${entry}`);
      kept++;
    } else if (args['dry-run']) {
      console.log(`would replay ${describe(entry)}`);
      replayed++;
    } else {
      ready.push({ message, entry });
    }
  }
  if (ready.length === 0) continue;

  const out = await eventBridge.send(new PutEventsCommand({ Entries: ready.map((r) => r.entry) }));
  const accepted = ready.filter((r, i) => {
    const result = out.Entries?.[i];
    if (result?.EventId) return true;
    console.warn(`kept ${r.message.MessageId}: PutEvents ${result?.ErrorCode ?? 'gave no result'} ${result?.ErrorMessage ?? ''}`);
    return false;
  });
  kept += ready.length - accepted.length;
  if (accepted.length === 0) continue;

  const deleted = await sqs.send(
    new DeleteMessageBatchCommand({
      QueueUrl: queueUrl,
      Entries: accepted.map((r, i) => ({ Id: String(i), ReceiptHandle: r.message.ReceiptHandle })),
    }),
  );
  for (const failure of deleted.Failed ?? []) {
    // Replayed but still queued: a second replay is harmless (consumers are idempotent).
    console.warn(`replayed but not deleted: ${accepted[Number(failure.Id)]?.message.MessageId} (${failure.Code})`);
  }
  for (const r of accepted) console.log(`replayed ${describe(r.entry)}`);
  replayed += accepted.length;
}

console.log(`${args['dry-run'] ? 'would replay' : 'replayed'} ${replayed}, kept ${kept} in ${queueUrl}`);
process.exitCode = kept > 0 ? 1 : 0;
