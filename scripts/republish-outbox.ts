/**
 * Re-publishes outbox items onto the bus: the recovery for an outage of the outbox Pipe longer than
 * the table stream keeps records (24 hours). The items themselves stay in the table for 7 days (TTL).
 *
 *   node --import tsx scripts/republish-outbox.ts --table NAME --bus NAME --since ISO [--until ISO]
 *     [--dry-run] [--endpoint URL]
 *
 * Every `OUTBOX#` item whose `createdAt` lies in [since, until] (both inclusive; until defaults to now)
 * is put on the bus as the event the Pipe would have put: its source, detail-type and detail (the
 * stored JSON text, unchanged), with its creation time as the event's time; oldest first. This is
 * safe to run over a window the Pipe already delivered, or twice: every consumer is idempotent on
 * `detail.metadata.eventId` (it commits a `CONSUMED#<consumer>#<eventId>` marker in the same
 * transaction as its effect), so an event it already handled changes nothing.
 *
 * Entries PutEvents reports as failed are retried a few times with back-off, then listed; the exit
 * code is 1 if any item could not be put (or is not a well-formed outbox item), 2 for bad arguments.
 * A PutEvents call that throws after the SDK's own retries (no such bus, no permission) stops the
 * run; re-running it is harmless. `--endpoint` points at DynamoDB Local; the bus is always
 * EventBridge as the environment's credentials and region find it.
 *
 * The table is read with a Scan (Store.scanOutbox): acceptable for a tool run rarely, and it reads the
 * whole table once whatever the window.
 */
import { realpathSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { EventBridgeClient, PutEventsCommand, type PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import { busEntryOfOutbox, createDocumentClient, type OutboxRecord, Store } from '@huimin/store';

/** The most entries one PutEvents call takes. */
export const PUT_EVENTS_BATCH = 10;
/** Further attempts for entries PutEvents reports as failed. */
export const PUT_RETRIES = 3;

export interface RepublishOptions {
  store: Store;
  events: EventBridgeClient;
  bus: string;
  since: Date;
  until: Date;
  dryRun?: boolean;
  /** Wait before the first retry of failed entries; doubles with each further retry. */
  retryDelayMs?: number;
  log?: (line: string) => void;
}

export interface Unpublished {
  eventId: string;
  detailType: string;
  createdAt: string;
  reason: string;
}

export interface RepublishResult {
  /** Outbox items created in the window. */
  found: number;
  /** Events PutEvents accepted (none in a dry run). */
  published: number;
  /** Items not put: malformed, or still failing after the retries. */
  failed: Unpublished[];
}

interface Ready {
  record: OutboxRecord;
  entry: PutEventsRequestEntry;
}

export async function republishOutbox(opts: RepublishOptions): Promise<RepublishResult> {
  const log = opts.log ?? (() => {});
  const records = await outboxInWindow(opts.store, opts.since.toISOString(), opts.until.toISOString());
  // Oldest first, so consumers see a flow's events roughly in the order they happened.
  records.sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.eventId.localeCompare(b.eventId));

  const failed: Unpublished[] = [];
  const ready: Ready[] = [];
  for (const record of records) {
    try {
      const { source, detailType } = busEntryOfOutbox(record, record.eventId);
      ready.push({
        record,
        // Detail is the stored text itself: busEntryOfOutbox only checks that it is a JSON object.
        entry: { EventBusName: opts.bus, Source: source, DetailType: detailType, Detail: record.detail, Time: new Date(record.createdAt) },
      });
    } catch (err) {
      failed.push(unpublished(record, (err as Error).message));
    }
  }

  if (opts.dryRun) {
    for (const { record } of ready) log(`would republish ${describe(record)}`);
    return { found: records.length, published: 0, failed };
  }

  let published = 0;
  for (let i = 0; i < ready.length; i += PUT_EVENTS_BATCH) {
    const batch = ready.slice(i, i + PUT_EVENTS_BATCH);
    const left = await putWithRetries(opts, batch);
    published += batch.length - left.length;
    failed.push(...left);
  }
  return { found: records.length, published, failed };
}

async function outboxInWindow(store: Store, since: string, until: string): Promise<OutboxRecord[]> {
  const all: OutboxRecord[] = [];
  let pageToken: string | undefined;
  do {
    const page = await store.scanOutbox({ since, until, pageToken });
    all.push(...page.items);
    pageToken = page.nextToken;
  } while (pageToken);
  return all;
}

/** Puts one batch, retrying the entries reported as failed; returns those that never went through. */
async function putWithRetries(opts: RepublishOptions, batch: Ready[]): Promise<Unpublished[]> {
  const delay = opts.retryDelayMs ?? 200;
  let pending = batch;
  for (let attempt = 0; ; attempt++) {
    const out = await opts.events.send(new PutEventsCommand({ Entries: pending.map((r) => r.entry) }));
    const rejected = pending.flatMap((ready, i) => {
      const result = out.Entries?.[i];
      return result?.EventId ? [] : [{ ready, reason: `${result?.ErrorCode ?? 'no result'}${result?.ErrorMessage ? `: ${result.ErrorMessage}` : ''}` }];
    });
    if (rejected.length === 0) return [];
    if (attempt >= PUT_RETRIES) return rejected.map((r) => unpublished(r.ready.record, `PutEvents ${r.reason}`));
    pending = rejected.map((r) => r.ready);
    await new Promise((resolve) => setTimeout(resolve, delay * 2 ** attempt));
  }
}

function unpublished(record: OutboxRecord, reason: string): Unpublished {
  return { eventId: record.eventId, detailType: record.detailType, createdAt: record.createdAt, reason };
}

const describe = (r: Pick<OutboxRecord, 'detailType' | 'eventId' | 'createdAt'>) => `${r.detailType} ${r.eventId} (${r.createdAt})`;

// ---- command line --------------------------------------------------------------------------

const USAGE =
  'usage: node --import tsx scripts/republish-outbox.ts --table NAME --bus NAME --since ISO [--until ISO] [--dry-run] [--endpoint URL]';

function instant(text: string | undefined): Date | undefined {
  if (text === undefined || !/^\d{4}-\d{2}-\d{2}/.test(text)) return undefined;
  const at = new Date(text);
  return Number.isNaN(at.getTime()) ? undefined : at;
}

async function main(): Promise<number> {
  const { values: args } = parseArgs({
    options: {
      table: { type: 'string' },
      bus: { type: 'string' },
      since: { type: 'string' },
      until: { type: 'string' },
      'dry-run': { type: 'boolean', default: false },
      endpoint: { type: 'string' },
    },
  });
  const since = instant(args.since);
  const until = args.until === undefined ? new Date() : instant(args.until);
  if (!args.table || !args.bus || !since || !until || since > until) {
    console.error(USAGE);
    if (since && until && since > until) console.error('--since is after --until');
    return 2;
  }

  const doc = createDocumentClient(args.endpoint ? { ...process.env, DYNAMODB_ENDPOINT: args.endpoint } : process.env);
  const result = await republishOutbox({
    store: new Store(doc, args.table),
    events: new EventBridgeClient({}),
    bus: args.bus,
    since,
    until,
    dryRun: args['dry-run'],
    log: (line) => console.log(line),
  });

  for (const f of result.failed) console.warn(`not republished: ${describe(f)}: ${f.reason}`);
  const verb = args['dry-run'] ? 'would republish' : 'republished';
  const count = args['dry-run'] ? result.found - result.failed.length : result.published;
  console.log(
    `${result.found} outbox items created ${since.toISOString()} – ${until.toISOString()}: ${verb} ${count} on ${args.bus}, ${result.failed.length} not`,
  );
  return result.failed.length > 0 ? 1 : 0;
}

// Run only as a command: the integration test imports republishOutbox from this file.
if (process.argv[1] && import.meta.url === pathToFileURL(realpathSync(process.argv[1])).href) {
  process.exitCode = await main();
}
