import { marshall } from '@aws-sdk/util-dynamodb';
import { ApplicationSubmitted, EVENT_CATALOGUE, EVENT_SOURCE, type EventDefinition } from '@huimin/events';
import { FUNCTIONS } from '@huimin/functions/wiring';
import { createDocumentClient, OUTBOX_STREAM_FILTER, OutboxRecordError, Store, busEntryOf as toBusEntry } from '@huimin/store';
import type { DynamoDBRecord } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { detailInputTemplate, detailKeys } from '../../infra/src/constructs/outbox-pipe';
import { handler } from '../../infra/src/pipe-enrichment/handler';
import { compileEventPattern } from '../../packages/local/src/event-pattern';

/** The stream record DynamoDB emits when the store writes this event's outbox item. */
function outboxInsert(def: EventDefinition): DynamoDBRecord {
  const store = new Store(createDocumentClient({}), 'huimin-test');
  const op = store.outbox(
    { eventId: def.example.metadata.eventId, source: EVENT_SOURCE, detailType: def.detailType, detail: def.example },
    new Date('2026-11-27T08:00:00Z'),
  );
  const item = op.item.Put?.Item;
  if (!item) throw new Error('the outbox op is not a Put');
  return {
    eventID: 'stream-1',
    eventName: 'INSERT',
    eventSource: 'aws:dynamodb',
    dynamodb: { NewImage: marshall(item) as NonNullable<DynamoDBRecord['dynamodb']>['NewImage'], StreamViewType: 'NEW_IMAGE' },
  };
}

/**
 * What the Pipe's target transformer makes of one enrichment result, per the Pipes guide: a variable that
 * names a JSON object and stands as a key's value is replaced by that object's JSON. Only the variables
 * the template uses are supported, so a template change this cannot model fails here.
 */
function applyTemplate(template: string, element: Record<string, unknown>): unknown {
  const text = template.replace(/<\$\.([\w.]+)>/g, (_, path: string) => {
    const value = path.split('.').reduce<unknown>((at, key) => (at as Record<string, unknown> | undefined)?.[key], element);
    if (value === null || typeof value !== 'object') throw new Error(`template variable $.${path} is not an object`);
    return JSON.stringify(value);
  });
  return JSON.parse(text);
}

describe('outbox pipe, record by record', () => {
  it.each(EVENT_CATALOGUE.map((def) => [def.detailType, def] as const))(
    '%s: the stored item passes the filter and reaches the bus with its original detail',
    async (detailType, def) => {
      const record = outboxInsert(def);
      expect(compileEventPattern(OUTBOX_STREAM_FILTER)(record)).toBe(true);

      const [entry] = await handler([record]);
      expect(entry?.source).toBe(EVENT_SOURCE);
      expect(entry?.detailType).toBe(detailType);
      expect(applyTemplate(detailInputTemplate(), entry as unknown as Record<string, unknown>)).toEqual(
        JSON.parse(JSON.stringify(def.example)),
      );
    },
  );

  it('lets an ApplicationSubmitted written to the outbox reach the assessEligibility rule', async () => {
    const [entry] = await handler([outboxInsert(ApplicationSubmitted)]);
    if (!entry) throw new Error('no entry');
    const onTheBus = {
      source: entry.source,
      'detail-type': entry.detailType,
      detail: applyTemplate(detailInputTemplate(), entry as unknown as Record<string, unknown>),
    };
    expect(compileEventPattern(FUNCTIONS.assessEligibility.subscription)(onTheBus)).toBe(true);
    expect(compileEventPattern(FUNCTIONS.matchApplication.subscription)(onTheBus)).toBe(false);
  });

  it('ignores what is not a new outbox item', () => {
    const record = outboxInsert(ApplicationSubmitted);
    const filter = compileEventPattern(OUTBOX_STREAM_FILTER);
    expect(filter({ ...record, eventName: 'MODIFY' })).toBe(false);
    const image = { ...record.dynamodb?.NewImage, pk: { S: 'APP#a1b2c3' } };
    expect(filter({ ...record, dynamodb: { ...record.dynamodb, NewImage: image } })).toBe(false);
  });

  it('builds the template from the detail keys every catalogue event shares', () => {
    expect(detailKeys()).toEqual(['data', 'metadata']);
    expect(detailInputTemplate()).toBe('{"data": <$.detail.data>, "metadata": <$.detail.metadata>}');
  });
});

describe('enrichment rejects malformed outbox items (so the Pipe retries and parks them)', () => {
  const valid = outboxInsert(ApplicationSubmitted);
  const withImage = (patch: Record<string, unknown>): DynamoDBRecord => ({
    ...valid,
    dynamodb: { ...valid.dynamodb, NewImage: { ...valid.dynamodb?.NewImage, ...patch } as NonNullable<DynamoDBRecord['dynamodb']>['NewImage'] },
  });

  it.each([
    ['no detail attribute', withImage({ detail: undefined })],
    ['no detailType', withImage({ detailType: undefined })],
    ['detail that is not JSON', withImage({ detail: { S: '{not json' } })],
    ['detail that is a JSON array', withImage({ detail: { S: '[1,2]' } })],
    ['detail that is a JSON string', withImage({ detail: { S: '"text"' } })],
  ])('%s', (_, record) => {
    expect(() => toBusEntry(record)).toThrow(OutboxRecordError);
  });

  it('fails the whole batch when one record is bad', async () => {
    await expect(handler([valid, withImage({ detail: { S: 'x' } })])).rejects.toThrow(OutboxRecordError);
  });
});
