import { EventBridgeClient, PutEventsCommand, type PutEventsRequestEntry, type PutEventsResultEntry } from '@aws-sdk/client-eventbridge';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { ApplicationSubmitted, EVENT_SOURCE, type EventDefinition, SubsidyApproved } from '@huimin/events';
import { Applications, Outbox, type Store } from '@huimin/store';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { PUT_RETRIES, republishOutbox } from '../../scripts/republish-outbox';
import { freshStore } from '../support/dynamo';
import { applicationRecord } from './fixtures';

const eventBridge = mockClient(EventBridgeClient);
const events = new EventBridgeClient({ region: 'cn-north-1' });
const BUS = 'huimin-bus';

let store: Store;

beforeAll(async () => {
  ({ store } = await freshStore());
});

beforeEach(() => {
  eventBridge.reset();
});

/** Commits one event through the outbox, as a use case would, at `at`. */
async function publishAt(at: string, eventId: string, def: EventDefinition = ApplicationSubmitted): Promise<void> {
  const detail = { ...def.example, metadata: { ...def.example.metadata, eventId } };
  await store.commit([], [{ eventId, source: EVENT_SOURCE, detailType: def.detailType, detail }], new Date(at));
}

/** PutEvents accepts every entry unless `reject` names its eventId. */
function busAccepting(reject: (eventId: string, call: number) => boolean = () => false) {
  let call = 0;
  eventBridge.on(PutEventsCommand).callsFake((input: { Entries: PutEventsRequestEntry[] }) => {
    call++;
    const Entries: PutEventsResultEntry[] = input.Entries.map((e) => {
      const id = eventIdOf(e);
      return reject(id, call) ? { ErrorCode: 'InternalFailure', ErrorMessage: 'try again' } : { EventId: `bus-${id}` };
    });
    return { FailedEntryCount: Entries.filter((e) => e.ErrorCode).length, Entries };
  });
}

const eventIdOf = (entry: PutEventsRequestEntry) => (JSON.parse(entry.Detail ?? '{}') as { metadata: { eventId: string } }).metadata.eventId;
const putCalls = () => eventBridge.commandCalls(PutEventsCommand).map((c) => c.args[0].input.Entries ?? []);

describe('republishing outbox items from DynamoDB Local', () => {
  beforeAll(async () => {
    await publishAt('2026-03-01T07:59:59.999Z', 'before');
    await publishAt('2026-03-01T08:00:00.000Z', 'at-since');
    await publishAt('2026-03-01T20:30:00.000Z', 'inside-2', SubsidyApproved);
    await publishAt('2026-03-01T12:00:00.000Z', 'inside-1');
    await publishAt('2026-03-02T08:00:00.000Z', 'at-until');
    await publishAt('2026-03-02T08:00:00.001Z', 'after');
    // Not an outbox item, though its createdAt is inside the window.
    await store.commit([store.create('application', Applications, applicationRecord({ id: 'not-an-event', createdAt: '2026-03-01T12:00:00.000Z' }))]);
  });

  const window = { since: new Date('2026-03-01T08:00:00Z'), until: new Date('2026-03-02T08:00:00Z') };

  it('puts each outbox item in the window, and only those, as its original event, oldest first', async () => {
    busAccepting();

    const result = await republishOutbox({ store, events, bus: BUS, ...window });

    expect(result).toEqual({ found: 4, published: 4, failed: [] });
    const entries = putCalls().flat();
    expect(entries.map(eventIdOf)).toEqual(['at-since', 'inside-1', 'inside-2', 'at-until']);
    expect(entries[2]).toMatchObject({
      EventBusName: BUS,
      Source: EVENT_SOURCE,
      DetailType: SubsidyApproved.detailType,
      Time: new Date('2026-03-01T20:30:00.000Z'),
    });
    // The detail is the stored JSON text itself, not a re-serialisation.
    for (const entry of entries) {
      const stored = await store.doc.send(new GetCommand({ TableName: store.tableName, Key: Outbox.key({ eventId: eventIdOf(entry) }) }));
      expect(entry.Detail).toBe(stored.Item?.detail);
    }
  });

  it('retries the entries PutEvents reports as failed, and only those', async () => {
    busAccepting((id, call) => id === 'inside-1' && call < 3);

    const result = await republishOutbox({ store, events, bus: BUS, ...window, retryDelayMs: 1 });

    expect(result).toEqual({ found: 4, published: 4, failed: [] });
    expect(putCalls().map((entries) => entries.map(eventIdOf))).toEqual([['at-since', 'inside-1', 'inside-2', 'at-until'], ['inside-1'], ['inside-1']]);
  });

  it('lists the entries still failing after the retries', async () => {
    busAccepting((id) => id === 'inside-2');

    const result = await republishOutbox({ store, events, bus: BUS, ...window, retryDelayMs: 1 });

    expect(result.published).toBe(3);
    expect(result.failed).toEqual([
      {
        eventId: 'inside-2',
        detailType: SubsidyApproved.detailType,
        createdAt: '2026-03-01T20:30:00.000Z',
        reason: 'PutEvents InternalFailure: try again',
      },
    ]);
    expect(putCalls()).toHaveLength(1 + PUT_RETRIES);
  });

  it('puts nothing in a dry run', async () => {
    busAccepting();
    const lines: string[] = [];

    const result = await republishOutbox({ store, events, bus: BUS, ...window, dryRun: true, log: (l) => lines.push(l) });

    expect(result).toEqual({ found: 4, published: 0, failed: [] });
    expect(putCalls()).toHaveLength(0);
    expect(lines).toHaveLength(4);
    expect(lines[0]).toContain('at-since');
  });
});

describe('republishing many items and malformed ones', () => {
  it('puts in batches of ten, passes odd detail text through, and lists an item whose detail is not JSON without stopping', async () => {
    for (let i = 0; i < 23; i++) await publishAt(`2026-04-01T10:00:${String(i).padStart(2, '0')}.000Z`, `many-${i}`);
    // Text the store would not write itself: what is stored is what is put, byte for byte.
    const pretty = JSON.stringify({ ...ApplicationSubmitted.example, metadata: { ...ApplicationSubmitted.example.metadata, eventId: 'pretty' } }, null, 2);
    await store.commit([
      store.create('outbox', Outbox, { eventId: 'pretty', source: EVENT_SOURCE, detailType: 'ApplicationSubmitted', detail: pretty, createdAt: '2026-04-01T10:00:31.000Z', ttl: 0 }),
      store.create('outbox', Outbox, {
        eventId: 'broken',
        source: EVENT_SOURCE,
        detailType: 'ApplicationSubmitted',
        detail: '{not json',
        createdAt: '2026-04-01T10:00:30.000Z',
        ttl: 0,
      }),
    ]);
    busAccepting();

    const result = await republishOutbox({
      store,
      events,
      bus: BUS,
      since: new Date('2026-04-01T00:00:00Z'),
      until: new Date('2026-04-02T00:00:00Z'),
    });

    expect(result.found).toBe(25);
    expect(result.published).toBe(24);
    expect(result.failed).toMatchObject([{ eventId: 'broken', reason: expect.stringContaining('not JSON') }]);
    expect(putCalls().map((entries) => entries.length)).toEqual([10, 10, 4]);
    expect(putCalls().flat().find((e) => eventIdOf(e) === 'pretty')?.Detail).toBe(pretty);
  });
});
