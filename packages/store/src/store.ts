import { createHmac, randomUUID } from 'node:crypto';
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import {
  BatchGetCommand,
  type BatchGetCommandOutput,
  BatchWriteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  type QueryCommandInput,
  ScanCommand,
  TransactWriteCommand,
  type TransactWriteCommandInput,
} from '@aws-sdk/lib-dynamodb';
import {
  type ApplicationRecord,
  Applications,
  type AssignmentRecord,
  Assignments,
  Consumed,
  LowIncomeRegistry,
  type NotificationRecord,
  Notifications,
  OpenApplications,
  Outbox,
  type OutboxRecord,
  type ProviderRecord,
  Providers,
  RoundEntries,
  type RoundEntryRecord,
  type RoundPoolRecord,
  RoundPools,
  type RoundRecord,
  Rounds,
  type ServiceRecord,
  ServiceRecords,
  type SettlementMonthRecord,
  SettlementMonths,
  type SettlementRecord,
  Settlements,
  type SubmissionRecord,
  Submissions,
  Subsidies,
  type SubsidyRecord,
  type VisitMonthRecord,
  VisitMonths,
  type VisitRecord,
  Visits,
} from './entities';
import type { Entity } from './model';
import { OUTBOX_PREFIX } from './outbox';
import { PageTokens } from './page-tokens';
import type { IndexName } from './table';

type TxItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

/** An event to publish through the outbox, in the same transaction as the change it announces. */
export interface OutboxEvent {
  eventId: string;
  source: string;
  detailType: string;
  detail: unknown;
}

/** One write in a transaction, labelled so a cancellation says which condition failed. */
export interface TxOp {
  label: string;
  item: TxItem;
}

export class TransactionConflictError extends Error {
  constructor(readonly failed: string[]) {
    super(`Transaction cancelled by condition: ${failed.join(', ')}`);
    this.name = 'TransactionConflictError';
  }
}

export interface Page<T> {
  items: T[];
  nextToken?: string;
}

const OUTBOX_TTL_SECONDS = 7 * 24 * 3600;

/**
 * The registry's key for an ID number: a keyed hash (HMAC-SHA256). A plain hash would not do: ID
 * numbers of older residents of one district are few enough (≈36,000 birth dates × 1,000
 * sequences) to recover from the table by trying them all; without the key they cannot be.
 */
export function hashIdNumber(idNumber: string, key: string): string {
  return createHmac('sha256', key).update(idNumber.toUpperCase()).digest('hex');
}

export class MissingRegistryKeyError extends Error {
  constructor() {
    super('The low-income registry needs its HMAC key (REGISTRY_HMAC_KEY)');
    this.name = 'MissingRegistryKeyError';
  }
}

/**
 * Data access for the whole service: one method per access pattern (README's key-design table),
 * plus builders for the writes that use cases combine into one transaction.
 */
/** The secrets a store may hold, each only in the functions that need it (the wiring's `secrets`). */
export interface StoreKeys {
  /** HMAC key of the low-income registry, the open-application slots and family keys (REGISTRY_HMAC_KEY). */
  registry?: string;
  /** HMAC key of page tokens (PAGE_TOKEN_KEY); see PageTokens. */
  pageTokens?: string;
}

/** What a list of assignments or subsidies shows of an application (Store.getApplicationContacts). */
export type ApplicationContact = Pick<ApplicationRecord, 'id' | 'applicant'> & {
  subject: Pick<ApplicationRecord['subject'], 'name' | 'birthDate' | 'phone' | 'address'>;
};

export class Store {
  constructor(
    readonly doc: DynamoDBDocumentClient,
    readonly tableName: string,
    keys: StoreKeys = {},
  ) {
    this.registryKey = keys.registry;
    this.pages = new PageTokens(keys.pageTokens);
  }

  /** HMAC key of the low-income registry; only the functions that read or import it get one. */
  private readonly registryKey?: string;
  private readonly pages: PageTokens;

  private registryHash(idNumber: string): string {
    if (!this.registryKey) throw new MissingRegistryKeyError();
    return hashIdNumber(idNumber, this.registryKey);
  }

  // ---- reads ---------------------------------------------------------------------------

  private async get<T extends object>(entity: Entity<T>, key: Partial<T>, consistent = true): Promise<T | undefined> {
    const out = await this.doc.send(new GetCommand({ TableName: this.tableName, Key: entity.key(key), ConsistentRead: consistent }));
    return out.Item ? entity.fromItem(out.Item) : undefined;
  }

  private async query<T extends object>(
    entity: Entity<T>,
    index: IndexName,
    pkValues: Partial<T>,
    opts: { skPrefix?: Partial<T>; limit?: number; nextToken?: string; forward?: boolean; filter?: Partial<T> } = {},
  ): Promise<Page<T>> {
    const names: Record<string, string> = { '#pk': `${index}pk` };
    const values: Record<string, unknown> = { ':pk': entity.indexPk(index, pkValues) };
    let condition = '#pk = :pk';
    const prefix = opts.skPrefix ? entity.indexSkPrefix(index, opts.skPrefix) : undefined;
    if (prefix) {
      names['#sk'] = `${index}sk`;
      values[':sk'] = prefix;
      condition += ' AND begins_with(#sk, :sk)';
    }
    const filters: string[] = [];
    for (const [k, v] of Object.entries(opts.filter ?? {})) {
      if (v === undefined) continue;
      names[`#f_${k}`] = k;
      values[`:f_${k}`] = v;
      filters.push(`#f_${k} = :f_${k}`);
    }
    const queryId = JSON.stringify([index, values, filters, opts.forward ?? false]);
    const input: QueryCommandInput = {
      TableName: this.tableName,
      IndexName: index,
      KeyConditionExpression: condition,
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: values,
      ScanIndexForward: opts.forward ?? false,
      Limit: opts.limit,
      ExclusiveStartKey: this.pages.decode(queryId, opts.nextToken),
      ...(filters.length ? { FilterExpression: filters.join(' AND ') } : {}),
    };
    const out = await this.doc.send(new QueryCommand(input));
    const page: Page<T> = { items: (out.Items ?? []).map((i) => entity.fromItem(i)) };
    const next = this.pages.encode(queryId, out.LastEvaluatedKey);
    if (next) page.nextToken = next;
    return page;
  }

  /** One partition of the table itself (not an index), in sort-key order. */
  private async queryPartition<T extends object>(
    entity: Entity<T>,
    pkValues: Partial<T>,
    opts: { limit?: number; nextToken?: string; forward?: boolean } = {},
  ): Promise<Page<T>> {
    const pk = entity.partitionKey(pkValues);
    const queryId = JSON.stringify(['table', pk, opts.forward ?? true]);
    const out = await this.doc.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: '#pk = :pk',
        ExpressionAttributeNames: { '#pk': 'pk' },
        ExpressionAttributeValues: { ':pk': pk },
        ScanIndexForward: opts.forward ?? true,
        Limit: opts.limit,
        ExclusiveStartKey: this.pages.decode(queryId, opts.nextToken),
      }),
    );
    const page: Page<T> = { items: (out.Items ?? []).map((i) => entity.fromItem(i)) };
    const next = this.pages.encode(queryId, out.LastEvaluatedKey);
    if (next) page.nextToken = next;
    return page;
  }

  /** Follows pages to the end; for bounded sets (a district's providers of one kind). */
  private queryAll<T extends object>(entity: Entity<T>, index: IndexName, pkValues: Partial<T>, forward = true): Promise<T[]> {
    return allPages((nextToken) => this.query(entity, index, pkValues, { nextToken, forward }));
  }

  getApplication(id: string) {
    return this.get(Applications, { id });
  }

  /**
   * What a list shows of each of several applications (a page of assignments or subsidies), by id:
   * the applicant and the subject's name, birth date, phone and address — read with a projection,
   * so the ID number and the history never leave the table. Ids not found are absent from the map.
   * BatchGetItem takes 100 keys a call; keys DynamoDB leaves unprocessed are asked again, a few times.
   */
  async getApplicationContacts(ids: readonly string[]): Promise<Map<string, ApplicationContact>> {
    const found = new Map<string, ApplicationContact>();
    const unique = [...new Set(ids)];
    for (let i = 0; i < unique.length; i += 100) {
      let keys: Record<string, unknown>[] | undefined = unique.slice(i, i + 100).map((id) => Applications.key({ id }));
      for (let attempt = 0; keys?.length; attempt++) {
        if (attempt >= 8) throw new Error(`DynamoDB left ${keys.length} application reads unprocessed after ${attempt} attempts`);
        if (attempt > 0) await new Promise((r) => setTimeout(r, Math.min(1000, 25 * 2 ** attempt)));
        const out: BatchGetCommandOutput = await this.doc.send(
          new BatchGetCommand({
            RequestItems: {
              [this.tableName]: {
                Keys: keys,
                ConsistentRead: true,
                ProjectionExpression: '#id, #ap, #s.#n, #s.#b, #s.#p, #s.#a',
                ExpressionAttributeNames: { '#id': 'id', '#ap': 'applicant', '#s': 'subject', '#n': 'name', '#b': 'birthDate', '#p': 'phone', '#a': 'address' },
              },
            },
          }),
        );
        for (const item of out.Responses?.[this.tableName] ?? []) {
          const app = item as ApplicationContact;
          found.set(app.id, app);
        }
        keys = out.UnprocessedKeys?.[this.tableName]?.Keys;
      }
    }
    return found;
  }
  getSubsidy(id: string) {
    return this.get(Subsidies, { id });
  }
  getAssignment(id: string) {
    return this.get(Assignments, { id });
  }
  getProvider(id: string) {
    return this.get(Providers, { id });
  }
  getSubmission(ownerSub: string, idempotencyKey: string) {
    return this.get(Submissions, { ownerSub, idempotencyKey });
  }

  listApplicationsByOwner(ownerSub: string, f: { status?: string; type?: string; limit?: number; nextToken?: string }) {
    return this.query(Applications, 'gsi1', { ownerSub }, { limit: f.limit, nextToken: f.nextToken, filter: pickFilter(f) });
  }

  listApplicationsByDistrict(district: string, f: { status?: string; type?: string; limit?: number; nextToken?: string }) {
    return this.query(Applications, 'gsi2', { district }, { limit: f.limit, nextToken: f.nextToken, filter: pickFilter(f) });
  }

  /** Oldest first: the waitlist is served in the order people joined it. */
  /** Every application of one district, type and status, oldest first (allocation rounds, the report). */
  listAllApplicationsByDistrictTypeStatus(district: string, type: ApplicationRecord['type'], status: ApplicationRecord['status']) {
    return this.queryAll(Applications, 'gsi3', { district, type, status });
  }

  listApplicationsByDistrictTypeStatus(
    district: string,
    type: ApplicationRecord['type'],
    status: ApplicationRecord['status'],
    opts: { limit?: number; nextToken?: string } = {},
  ) {
    return this.query(Applications, 'gsi3', { district, type, status }, { ...opts, forward: true });
  }

  listSubsidiesByDistrict(district: string, f: { status?: SubsidyRecord['status']; limit?: number; nextToken?: string }) {
    return this.query(Subsidies, 'gsi2', { district }, { skPrefix: { status: f.status }, limit: f.limit, nextToken: f.nextToken });
  }

  listAssignmentsByProvider(providerId: string, f: { status?: AssignmentRecord['status']; limit?: number; nextToken?: string }) {
    return f.status
      ? this.query(Assignments, 'gsi2', { providerId, status: f.status }, { limit: f.limit, nextToken: f.nextToken })
      : this.query(Assignments, 'gsi1', { providerId }, { limit: f.limit, nextToken: f.nextToken });
  }

  /** A user's inbox, newest first. */
  listNotifications(recipient: string, opts: { limit?: number; nextToken?: string } = {}) {
    return this.queryPartition(Notifications, { recipient }, { ...opts, forward: false });
  }

  /** Writes notifications; the same one written again (a redelivered event) overwrites itself. */
  notification(record: NotificationRecord): TxOp {
    return this.put('notification', Notifications, record);
  }

  /** Open offers whose deadline is before `before`, earliest first. */
  listOffersExpiringBefore(before: string, limit = 100) {
    return this.query(Assignments, 'gsi3', { status: 'OFFERED' }, { forward: true, limit }).then((p) => ({
      ...p,
      items: p.items.filter((a) => a.expiresAt < before),
    }));
  }

  listProvidersByDistrict(district: string, kind: ProviderRecord['kind'], opts: { limit?: number; nextToken?: string } = {}) {
    return this.query(Providers, 'gsi2', { district, kind }, { ...opts, forward: true });
  }

  listAllProvidersByDistrict(district: string, kind: ProviderRecord['kind']) {
    return this.queryAll(Providers, 'gsi2', { district, kind });
  }

  async isOnLowIncomeRegistry(district: string, idNumber: string): Promise<boolean> {
    return (await this.get(LowIncomeRegistry, { district, idHash: this.registryHash(idNumber) })) !== undefined;
  }

  // ---- writes --------------------------------------------------------------------------

  /** Registers the ID numbers of a district's low-income registry (stored hashed). */
  importLowIncomeRegistry(district: string, idNumbers: readonly string[], source: string): Promise<number> {
    const importedAt = new Date().toISOString();
    return this.putAll(
      LowIncomeRegistry,
      idNumbers.map((id) => ({ district, idHash: this.registryHash(id), importedAt, source })),
    );
  }

  /** Bulk import: plain puts in batches of 25, retrying what DynamoDB leaves unprocessed. No events. */
  async putAll<T extends object>(entity: Entity<T>, records: readonly T[]): Promise<number> {
    for (let i = 0; i < records.length; i += 25) {
      let request: Record<string, { PutRequest: { Item: Record<string, unknown> } }[]> | undefined = {
        [this.tableName]: records.slice(i, i + 25).map((r) => ({ PutRequest: { Item: entity.toItem(r) } })),
      };
      for (let attempt = 0; request && Object.keys(request).length > 0; attempt++) {
        if (attempt > 0) await new Promise((r) => setTimeout(r, 50 * 2 ** attempt));
        const out = await this.doc.send(new BatchWriteCommand({ RequestItems: request }));
        request = out.UnprocessedItems as typeof request;
      }
    }
    return records.length;
  }

  async putProvider(provider: ProviderRecord): Promise<void> {
    await this.doc.send(
      new PutCommand({
        TableName: this.tableName,
        Item: Providers.toItem(provider),
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
  }

  /**
   * Changes capacity (and so what is available) without touching `reserved`; refuses to go below what
   * is held. With `pools` (places per class) each class is set under its own condition and the
   * totals become their sums.
   */
  setCapacity(providerId: string, capacity: number, pools?: Record<string, number>): TxOp {
    const names: Record<string, string> = { '#c': 'capacity', '#r': 'reserved', '#a': 'available' };
    const values: Record<string, unknown> = { ':c': capacity };
    const sets = ['#c = :c', '#a = :c - #r'];
    const conditions = ['attribute_exists(pk)', '#r <= :c'];
    Object.entries(pools ?? {}).forEach(([code, places], i) => {
      names['#p'] = 'pools';
      names[`#k${i}`] = code;
      values[`:c${i}`] = places;
      sets.push(`#p.#k${i}.#c = :c${i}`, `#p.#k${i}.#a = :c${i} - #p.#k${i}.#r`);
      conditions.push(`#p.#k${i}.#r <= :c${i}`);
    });
    return {
      label: `capacity:${providerId}`,
      item: {
        Update: {
          TableName: this.tableName,
          Key: Providers.key({ id: providerId }),
          UpdateExpression: `SET ${sets.join(', ')}`,
          ConditionExpression: conditions.join(' AND '),
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
        },
      },
    };
  }

  /** Creates a record that must not exist yet. */
  create<T extends object>(label: string, entity: Entity<T>, record: NoInfer<T>): TxOp {
    return {
      label,
      item: { Put: { TableName: this.tableName, Item: entity.toItem(record), ConditionExpression: 'attribute_not_exists(pk)' } },
    };
  }

  /** Writes a record whatever is there: for records a retry may write again identically (a round's entries). */
  put<T extends object>(label: string, entity: Entity<T>, record: NoInfer<T>): TxOp {
    return { label, item: { Put: { TableName: this.tableName, Item: entity.toItem(record) } } };
  }

  /** Replaces a versioned record, only if nobody wrote it since it was read. */
  replace<T extends { version: number }>(label: string, entity: Entity<T>, record: NoInfer<T>, readVersion: number): TxOp {
    return {
      label,
      item: {
        Put: {
          TableName: this.tableName,
          Item: entity.toItem({ ...record, version: readVersion + 1 }),
          ConditionExpression: '#v = :v',
          ExpressionAttributeNames: { '#v': 'version' },
          ExpressionAttributeValues: { ':v': readVersion },
        },
      },
    };
  }

  /**
   * Takes `units` (one place, or a resident's monthly hours) atomically: fails the transaction when
   * fewer are available. DynamoDB conditions cannot add, so `available` (capacity − reserved) is kept
   * beside `reserved` by this write, `release` and `setCapacity`, the only writes that touch either.
   * With `pool` (a childcare age class) the units come from that pool, under its own condition, and
   * the totals move with it.
   */
  reserve(providerId: string, units = 1, pool?: string): TxOp {
    return this.movePlaces('reserve', providerId, units, pool);
  }

  release(providerId: string, units = 1, pool?: string): TxOp {
    return this.movePlaces('release', providerId, units, pool);
  }

  private movePlaces(op: 'reserve' | 'release', providerId: string, units: number, pool: string | undefined): TxOp {
    // reserve: reserved += n, available -= n, while available >= n; release: the reverse, while reserved >= n.
    const [r, a] = op === 'reserve' ? ['+', '-'] : ['-', '+'];
    const guard = op === 'reserve' ? '#a' : '#r';
    const names: Record<string, string> = { '#r': 'reserved', '#a': 'available' };
    let update = `SET #r = #r ${r} :n, #a = #a ${a} :n`;
    let condition = `attribute_exists(pk) AND ${guard} >= :n`;
    if (pool !== undefined) {
      Object.assign(names, { '#p': 'pools', '#k': pool });
      update += `, #p.#k.#r = #p.#k.#r ${r} :n, #p.#k.#a = #p.#k.#a ${a} :n`;
      condition = `attribute_exists(pk) AND #p.#k.${guard} >= :n`;
    }
    return {
      label: `${op}:${providerId}`,
      item: {
        Update: {
          TableName: this.tableName,
          Key: Providers.key({ id: providerId }),
          UpdateExpression: update,
          ConditionExpression: condition,
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: { ':n': units },
        },
      },
    };
  }

  /** The key of "one open application per person per programme": an HMAC of the ID number, never the number. */
  openApplicationKey(idNumber: string): string {
    return this.registryHash(idNumber);
  }

  /** The family key of an applicant: an HMAC of the phone, so children one parent applies for share it. */
  familyKey(applicantPhone: string): string {
    return this.registryHash(`family:${applicantPhone.replace(/[^0-9]/g, '')}`);
  }

  getOpenApplication(type: ApplicationRecord['type'], idHash: string) {
    return this.get(OpenApplications, { type, idHash });
  }

  /** Claims the person's open slot in a programme: fails (label `open-application`) while another is open. */
  openApplication(record: { type: ApplicationRecord['type']; idHash: string; applicationId: string; createdAt: string }): TxOp {
    return this.create('open-application', OpenApplications, record);
  }

  /**
   * Frees the slot when the application ends. Only the application that holds it can free it; a slot
   * already gone (a record written before slots existed) does not keep the application from ending.
   */
  closeApplication(type: ApplicationRecord['type'], idHash: string, applicationId: string): TxOp {
    return {
      label: 'close-application',
      item: {
        Delete: {
          TableName: this.tableName,
          Key: OpenApplications.key({ type, idHash }),
          ConditionExpression: 'attribute_not_exists(pk) OR #a = :a',
          ExpressionAttributeNames: { '#a': 'applicationId' },
          ExpressionAttributeValues: { ':a': applicationId },
        },
      },
    };
  }

  // ---- visits (README's key-design table: VISIT#<assignmentId>, VISITMONTH#<assignmentId>#<month>) ----

  /** An assignment's visits, oldest first. */
  listVisits(assignmentId: string, opts: { limit?: number; nextToken?: string } = {}): Promise<Page<VisitRecord>> {
    return this.queryPartition(Visits, { assignmentId }, { ...opts, forward: true });
  }

  getVisitMonth(assignmentId: string, month: string): Promise<VisitMonthRecord | undefined> {
    return this.get(VisitMonths, { assignmentId, month });
  }

  outbox(event: OutboxEvent, now: Date): TxOp {
    return this.create(`outbox:${event.detailType}`, Outbox, {
      eventId: event.eventId,
      source: event.source,
      detailType: event.detailType,
      detail: JSON.stringify(event.detail),
      createdAt: now.toISOString(),
      ttl: Math.floor(now.getTime() / 1000) + OUTBOX_TTL_SECONDS,
    });
  }

  /** Holds a transaction to a record still being as it was read: this version, in this status. */
  unchanged<T extends { version: number; status: string }>(label: string, entity: Entity<T>, record: T): TxOp {
    return {
      label,
      item: {
        ConditionCheck: {
          TableName: this.tableName,
          Key: entity.key(record),
          ConditionExpression: '#v = :v AND #s = :s',
          ExpressionAttributeNames: { '#v': 'version', '#s': 'status' },
          ExpressionAttributeValues: { ':v': record.version, ':s': record.status },
        },
      },
    };
  }

  /** Makes a consumer's effect exactly-once: a redelivered event fails this condition. */
  consumed(consumer: string, eventId: string, now: Date): TxOp {
    return this.create('consumed', Consumed, { consumer, eventId, ttl: Math.floor(now.getTime() / 1000) + OUTBOX_TTL_SECONDS });
  }

  submission(record: SubmissionRecord): TxOp {
    return this.create('submission', Submissions, record);
  }

  /**
   * Writes all ops and their events at once, or nothing (a transaction holds at most 100 items).
   * A condition that fails is the caller's to judge (TransactionConflictError names the ops). A
   * cancellation only because another transaction held one of the rows at that moment is retried
   * a few times; if it persists it is reported as a conflict on `concurrent`, never as a 500.
   */
  async commit(ops: TxOp[], events: OutboxEvent[] = [], now = new Date()): Promise<void> {
    const all = [...ops, ...events.map((e) => this.outbox(e, now))];
    for (let attempt = 0; ; attempt++) {
      try {
        // A new token per attempt: a cancelled transaction wrote nothing, so nothing can apply twice.
        await this.doc.send(new TransactWriteCommand({ TransactItems: all.map((o) => o.item), ClientRequestToken: randomUUID() }));
        return;
      } catch (err) {
        if (!(err instanceof TransactionCanceledException || (err as Error).name === 'TransactionCanceledException')) throw err;
        const reasons = (err as TransactionCanceledException).CancellationReasons ?? [];
        const failed = reasons.flatMap((r, i) => (r.Code === 'ConditionalCheckFailed' ? [all[i]?.label ?? `#${i}`] : []));
        if (failed.length > 0) throw new TransactionConflictError(failed);
        if (!reasons.some((r) => r.Code === 'TransactionConflict')) throw err;
        if (attempt >= COMMIT_RETRIES) throw new TransactionConflictError(['concurrent']);
        await new Promise((r) => setTimeout(r, 15 * 2 ** attempt + Math.random() * 15));
      }
    }
  }

  /**
   * Outbox items created in [since, until] (both inclusive; ISO instants as `toISOString()` writes
   * them), one page at a time, in no particular order, for `scripts/republish-outbox.ts`. A Scan of
   * the whole table: no index orders outbox items by time, and one is not worth its write cost for a
   * recovery tool run rarely (after the Pipe was down longer than the stream's 24 hours). A page can
   * be empty and still have a `nextToken`: the filter applies after each 1 MB read.
   */
  async scanOutbox(opts: { since: string; until: string; pageToken?: string }): Promise<Page<OutboxRecord>> {
    const queryId = JSON.stringify(['scan', OUTBOX_PREFIX, opts.since, opts.until]);
    const out = await this.doc.send(
      new ScanCommand({
        TableName: this.tableName,
        FilterExpression: 'begins_with(#pk, :prefix) AND #at BETWEEN :since AND :until',
        ExpressionAttributeNames: { '#pk': 'pk', '#at': 'createdAt' },
        ExpressionAttributeValues: { ':prefix': OUTBOX_PREFIX, ':since': opts.since, ':until': opts.until },
        ExclusiveStartKey: this.pages.decode(queryId, opts.pageToken),
      }),
    );
    const items = (out.Items ?? []).map((i) => Outbox.fromItem(i));
    const nextToken = this.pages.encode(queryId, out.LastEvaluatedKey);
    return nextToken ? { items, nextToken } : { items };
  }

  // ---- service records and settlement (README's key-design table: SERVICE#, SETTLEMONTH#, SETTLEMENT#) ----

  /**
   * A service record and its count on the month: fails (label `settlement-month`) once the month is
   * settled, and (label `service-record`) when the same source was recorded already.
   */
  serviceRecord(record: ServiceRecord): TxOp[] {
    return [
      this.create('service-record', ServiceRecords, record),
      {
        label: 'settlement-month',
        item: {
          Update: {
            TableName: this.tableName,
            Key: SettlementMonths.key(record),
            UpdateExpression: 'SET #s = if_not_exists(#s, :open), #d = :d, #t = :t, #m = :m ADD #n :one',
            ConditionExpression: 'attribute_not_exists(pk) OR #s = :open',
            ExpressionAttributeNames: { '#s': 'status', '#n': 'records', '#d': 'district', '#t': 'type', '#m': 'month' },
            ExpressionAttributeValues: { ':open': 'OPEN', ':one': 1, ':d': record.district, ':t': record.type, ':m': record.month },
          },
        },
      },
    ];
  }

  /** An assignment's service records, by source (`meals:<date>` in date order, then visits and inspections). */
  listServiceRecordsOf(assignmentId: string, opts: { limit?: number; nextToken?: string } = {}): Promise<Page<ServiceRecord>> {
    return this.queryPartition(ServiceRecords, { assignmentId }, opts);
  }

  getSettlementMonth(district: string, type: ServiceRecord['type'], month: string): Promise<SettlementMonthRecord | undefined> {
    return this.get(SettlementMonths, { district, type, month });
  }

  /** Every service record of a programme's month in a district, by provider then date. */
  listServiceRecords(district: string, type: ServiceRecord['type'], month: string): Promise<ServiceRecord[]> {
    return this.queryAll(ServiceRecords, 'gsi2', { district, type, month });
  }

  /**
   * Closes a month for the one computation that read all of its `records`: fails (label
   * `settlement-month`) when it was settled already or a record was written since the read.
   */
  settleMonth(m: { district: string; type: ServiceRecord['type']; month: string }, records: number, by: string, at: Date): TxOp {
    const settledAt = at.toISOString();
    return {
      label: 'settlement-month',
      item: {
        Update: {
          TableName: this.tableName,
          Key: SettlementMonths.key(m),
          UpdateExpression: 'SET #s = :settled, #at = :at, #by = :by',
          ConditionExpression: '#s = :open AND #n = :n',
          ExpressionAttributeNames: { '#s': 'status', '#n': 'records', '#at': 'settledAt', '#by': 'settledBy' },
          ExpressionAttributeValues: { ':settled': 'SETTLED', ':open': 'OPEN', ':n': records, ':at': settledAt, ':by': by },
        },
      },
    };
  }

  getSettlement(id: string): Promise<SettlementRecord | undefined> {
    return this.get(Settlements, { id });
  }

  /** A district's statements, newest month first; optionally one month, one programme. */
  listSettlements(district: string, f: { month?: string; type?: SettlementRecord['type']; limit?: number; nextToken?: string }): Promise<Page<SettlementRecord>> {
    return this.query(Settlements, 'gsi1', { district }, {
      skPrefix: { month: f.month, type: f.type },
      ...(f.type && !f.month ? { filter: { type: f.type } } : {}),
      limit: f.limit,
      nextToken: f.nextToken,
    });
  }

  // ---- allocation rounds (README's key-design table: ROUND#<id>; gsi1 a district's, newest first) ----

  getRound(id: string): Promise<RoundRecord | undefined> {
    return this.get(Rounds, { id });
  }

  /** The latest stable-round entry of an application (its explanation), or undefined before its first round. */
  async latestRoundEntry(applicationId: string): Promise<RoundEntryRecord | undefined> {
    return (await this.queryPartition(RoundEntries, { applicationId }, { forward: false, limit: 1 })).items[0];
  }

  /** Every entry of a stable round (re-running it from its records). */
  listRoundEntries(roundId: string): Promise<RoundEntryRecord[]> {
    return this.queryAll(RoundEntries, 'gsi1', { roundId });
  }

  /** Every provider's places and cutoffs in a stable round, by provider id. */
  listRoundPools(roundId: string): Promise<RoundPoolRecord[]> {
    return allPages((nextToken) => this.queryPartition(RoundPools, { roundId }, { nextToken }));
  }

  /** A district's allocation rounds, newest first. */
  listRoundsByDistrict(district: string, opts: { limit?: number; nextToken?: string } = {}): Promise<Page<RoundRecord>> {
    return this.query(Rounds, 'gsi1', { district }, { limit: opts.limit, nextToken: opts.nextToken });
  }
}

const COMMIT_RETRIES = 3;

/** Every item of a paged read, page after page. */
async function allPages<T>(read: (nextToken: string | undefined) => Promise<Page<T>>): Promise<T[]> {
  const all: T[] = [];
  let nextToken: string | undefined;
  do {
    const page = await read(nextToken);
    all.push(...page.items);
    nextToken = page.nextToken;
  } while (nextToken);
  return all;
}

function pickFilter(f: { status?: string; type?: string }): Partial<ApplicationRecord> {
  const out: Partial<ApplicationRecord> = {};
  if (f.status) out.status = f.status as ApplicationRecord['status'];
  if (f.type) out.type = f.type as ApplicationRecord['type'];
  return out;
}
