import {
  type _Record,
  DescribeStreamCommand,
  DynamoDBStreamsClient,
  GetRecordsCommand,
  GetShardIteratorCommand,
} from '@aws-sdk/client-dynamodb-streams';
import { busEntryOf, OUTBOX_STREAM_FILTER, type OutboxStreamRecord } from '@huimin/store';
import { localCredentials, localRegion } from './dynamo';
import { type EventPattern, matchesEventPattern } from './event-pattern';

export interface PipeTarget {
  put(entry: { source: string; detailType: string; detail: unknown }): unknown;
}

/**
 * Plays the EventBridge Pipe locally: reads the table's stream, keeps the records the Pipe's filter
 * keeps (the same pattern object), and puts each outbox item on the bus as an event.
 */
export class StreamPoller {
  private readonly client: DynamoDBStreamsClient;
  private readonly iterators = new Map<string, string | undefined>();
  private stopped = false;
  private loop: Promise<void> | undefined;
  private lastDescribe = 0;
  forwarded = 0;

  constructor(
    endpoint: string,
    private readonly streamArn: string,
    private readonly target: PipeTarget,
    private readonly intervalMs = 100,
  ) {
    this.client = new DynamoDBStreamsClient({ endpoint, region: localRegion, credentials: localCredentials });
  }

  start() {
    this.loop = this.run();
  }

  async stop() {
    this.stopped = true;
    await this.loop;
    this.client.destroy();
  }

  private async refreshShards() {
    const out = await this.client.send(new DescribeStreamCommand({ StreamArn: this.streamArn }));
    for (const shard of out.StreamDescription?.Shards ?? []) {
      if (!shard.ShardId || this.iterators.has(shard.ShardId)) continue;
      // From the start of the shard: a persisted restart replays recent events, which consumers dedupe.
      const it = await this.client.send(
        new GetShardIteratorCommand({ StreamArn: this.streamArn, ShardId: shard.ShardId, ShardIteratorType: 'TRIM_HORIZON' }),
      );
      this.iterators.set(shard.ShardId, it.ShardIterator);
    }
    this.lastDescribe = Date.now();
  }

  private async run() {
    while (!this.stopped) {
      try {
        if (Date.now() - this.lastDescribe > 1000) await this.refreshShards();
        let got = 0;
        for (const [shardId, iterator] of this.iterators) {
          if (!iterator) continue;
          const out = await this.client.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: 100 }));
          this.iterators.set(shardId, out.NextShardIterator);
          for (const record of out.Records ?? []) this.forward(record);
          got += out.Records?.length ?? 0;
        }
        if (got === 0) await new Promise((r) => setTimeout(r, this.intervalMs));
      } catch (err) {
        if (this.stopped) return;
        console.error('[pipe] stream read failed; retrying:', (err as Error).message);
        await new Promise((r) => setTimeout(r, 500));
      }
    }
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
