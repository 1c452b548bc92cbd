import {
  type _Record,
  DescribeStreamCommand,
  DynamoDBStreamsClient,
  GetRecordsCommand,
  type GetRecordsCommandOutput,
  GetShardIteratorCommand,
} from '@aws-sdk/client-dynamodb-streams';
import { busEntryOf, OUTBOX_STREAM_FILTER, type OutboxStreamRecord } from '@huimin/store';
import { localCredentials, localRegion } from './dynamo';
import { type EventPattern, matchesEventPattern } from './event-pattern';

export interface PipeTarget {
  put(entry: { source: string; detailType: string; detail: unknown }): unknown;
}

export interface StreamPollerOptions {
  /** The longest wait between reads of an idle stream (ms). */
  idleIntervalMs?: number;
  /** The wait between reads while records have been arriving (ms). */
  activeIntervalMs?: number;
  /** How long after the last record the stream counts as active (ms). */
  activeWindowMs?: number;
  /** Records per GetRecords call (DynamoDB allows up to 1,000). */
  batchSize?: number;
}

interface Shard {
  iterator: string | undefined;
  parentId: string | undefined;
  /** The last record forwarded, to start again after it when an iterator expires. */
  lastSequence: string | undefined;
}

/**
 * Plays the EventBridge Pipe locally: reads the table's stream, keeps the records the Pipe's filter
 * keeps (the same pattern object), and puts each outbox item on the bus as an event.
 *
 * Guarantees, as the Pipe's: at least once (a shard's iterator moves on only after every record of
 * the batch was handed to the bus, which accepts synchronously) and in order per shard; a child shard
 * is read only once its parent is read to its end, so an item's changes are never forwarded out of
 * order across a shard split. Shards with no such relation are read concurrently.
 *
 * Polling adapts to the traffic: a read that returned records is followed by another at once; while
 * records arrived within `activeWindowMs` an empty read waits `activeIntervalMs`; after that the wait
 * doubles up to `idleIntervalMs`, so an idle stack reads the stream as rarely as before.
 */
export class StreamPoller {
  private readonly client: DynamoDBStreamsClient;
  private readonly shards = new Map<string, Shard>();
  private readonly opts: Required<StreamPollerOptions>;
  private stopped = false;
  private loop: Promise<void> | undefined;
  private lastDescribe = 0;
  private lastRecordAt = 0;
  private wake: (() => void) | undefined;
  forwarded = 0;
  /** GetRecords calls made and how many returned nothing (the benchmark reads these). */
  reads = 0;
  emptyReads = 0;

  constructor(
    endpoint: string,
    private readonly streamArn: string,
    private readonly target: PipeTarget,
    options: number | StreamPollerOptions = {},
  ) {
    this.client = new DynamoDBStreamsClient({ endpoint, region: localRegion, credentials: localCredentials });
    const o = typeof options === 'number' ? { idleIntervalMs: options } : options;
    // HUIMIN_STREAM_ACTIVE_MS / _IDLE_MS / _BATCH override the defaults (the pipeline benchmark's --before).
    const env = (name: string) => (process.env[name] ? Number(process.env[name]) : undefined);
    this.opts = {
      idleIntervalMs: o.idleIntervalMs ?? env('HUIMIN_STREAM_IDLE_MS') ?? 100,
      activeIntervalMs: o.activeIntervalMs ?? env('HUIMIN_STREAM_ACTIVE_MS') ?? 10,
      activeWindowMs: o.activeWindowMs ?? 2000,
      batchSize: o.batchSize ?? env('HUIMIN_STREAM_BATCH') ?? 1000,
    };
  }

  start() {
    this.loop = this.run();
  }

  async stop() {
    this.stopped = true;
    this.wake?.();
    await this.loop;
    this.client.destroy();
  }

  private async refreshShards() {
    const out = await this.client.send(new DescribeStreamCommand({ StreamArn: this.streamArn }));
    for (const shard of out.StreamDescription?.Shards ?? []) {
      if (!shard.ShardId || this.shards.has(shard.ShardId)) continue;
      // From the start of the shard: a persisted restart replays recent events, which consumers dedupe.
      const it = await this.client.send(
        new GetShardIteratorCommand({ StreamArn: this.streamArn, ShardId: shard.ShardId, ShardIteratorType: 'TRIM_HORIZON' }),
      );
      this.shards.set(shard.ShardId, { iterator: it.ShardIterator, parentId: shard.ParentShardId, lastSequence: undefined });
    }
    this.lastDescribe = Date.now();
  }

  /** A shard may be read when it is open to reading and its parent (if still known) is read to its end. */
  private readable(): [string, Shard][] {
    return [...this.shards].filter(([, s]) => {
      if (!s.iterator) return false;
      const parent = s.parentId ? this.shards.get(s.parentId) : undefined;
      return !parent || parent.iterator === undefined;
    });
  }

  private async readShard(shardId: string, shard: Shard): Promise<number> {
    let out: GetRecordsCommandOutput;
    try {
      this.reads++;
      out = await this.client.send(new GetRecordsCommand({ ShardIterator: shard.iterator, Limit: this.opts.batchSize }));
    } catch (err) {
      if ((err as Error).name !== 'ExpiredIteratorException') throw err;
      // Start again just after the last record forwarded (or at the start): nothing is skipped.
      const it = await this.client.send(
        new GetShardIteratorCommand({
          StreamArn: this.streamArn,
          ShardId: shardId,
          ...(shard.lastSequence ? { ShardIteratorType: 'AFTER_SEQUENCE_NUMBER', SequenceNumber: shard.lastSequence } : { ShardIteratorType: 'TRIM_HORIZON' }),
        }),
      );
      shard.iterator = it.ShardIterator;
      return 0;
    }
    const records = out.Records ?? [];
    for (const record of records) {
      this.forward(record);
      shard.lastSequence = record.dynamodb?.SequenceNumber ?? shard.lastSequence;
    }
    shard.iterator = out.NextShardIterator;
    // A shard read to its end may have children to find at once.
    if (!shard.iterator) this.lastDescribe = 0;
    if (records.length === 0) this.emptyReads++;
    return records.length;
  }

  private async run() {
    let idleWait = this.opts.activeIntervalMs;
    while (!this.stopped) {
      try {
        if (Date.now() - this.lastDescribe > 1000) await this.refreshShards();
        const counts = await Promise.all(this.readable().map(([id, shard]) => this.readShard(id, shard)));
        const got = counts.reduce((a, b) => a + b, 0);
        if (got > 0) {
          this.lastRecordAt = Date.now();
          idleWait = this.opts.activeIntervalMs;
          continue;
        }
        if (Date.now() - this.lastRecordAt > this.opts.activeWindowMs) idleWait = Math.min(this.opts.idleIntervalMs, idleWait * 2);
        await this.sleep(idleWait);
      } catch (err) {
        if (this.stopped) return;
        console.error('[pipe] stream read failed; retrying:', (err as Error).message);
        await this.sleep(500);
      }
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.wake = undefined;
        resolve();
      }, ms);
      this.wake = () => {
        clearTimeout(timer);
        this.wake = undefined;
        resolve();
      };
    });
  }

  private forward(record: _Record) {
    if (!matchesEventPattern(OUTBOX_STREAM_FILTER as unknown as EventPattern, record)) return;
    try {
      this.target.put(busEntryOf(record as OutboxStreamRecord));
      this.forwarded++;
    } catch (err) {
      // The Pipe would retry, then park the batch in its dead-letter queue; locally it is said loudly.
      console.error(`[pipe] ${(err as Error).message}; not forwarded`);
    }
  }
}
