import { Applications, type ProviderRecord, Providers, type Store, TransactionConflictError } from '@huimin/store';
import { beforeAll, describe, expect, it } from 'vitest';
import { freshStore } from '../support/dynamo';
import { applicationRecord, providerRecord } from './fixtures';

let store: Store;

beforeAll(async () => {
  ({ store } = await freshStore());
});

describe('capacity reservation against DynamoDB Local', () => {
  it('lets exactly one of two concurrent reservations take the last place', async () => {
    // Prepare: a meal point with one place left
    const p: ProviderRecord = providerRecord({ id: 'last-place', capacity: 3, reserved: 2 });
    await store.commit([store.create('provider', Providers, p)]);

    // Act: two transactions race for it
    const results = await Promise.allSettled([store.commit([store.reserve(p.id)]), store.commit([store.reserve(p.id)])]);

    // Assess: one wins, the other is cancelled by the capacity condition, and nothing is overbooked
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const rejected = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
    expect(rejected.reason).toBeInstanceOf(TransactionConflictError);
    expect((rejected.reason as TransactionConflictError).failed).toEqual([`reserve:${p.id}`]);
    expect((await store.getProvider(p.id))?.reserved).toBe(3);
  });

  it('never overbooks under a burst of twenty concurrent reservations', async () => {
    const p = providerRecord({ id: 'burst', capacity: 5, reserved: 0 });
    await store.commit([store.create('provider', Providers, p)]);

    const results = await Promise.allSettled(Array.from({ length: 20 }, () => store.commit([store.reserve(p.id)])));

    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(5);
    expect((await store.getProvider(p.id))?.reserved).toBe(5);
  });

  it('releases a place and refuses to release below zero', async () => {
    const p = providerRecord({ id: 'release', capacity: 2, reserved: 1 });
    await store.commit([store.create('provider', Providers, p)]);

    await store.commit([store.release(p.id)]);
    await expect(store.commit([store.release(p.id)])).rejects.toBeInstanceOf(TransactionConflictError);

    expect((await store.getProvider(p.id))?.reserved).toBe(0);
  });

  it('will not set capacity below the places already held', async () => {
    const p = providerRecord({ id: 'cap', capacity: 10, reserved: 4 });
    await store.commit([store.create('provider', Providers, p)]);

    await expect(store.commit([store.setCapacity(p.id, 3)])).rejects.toBeInstanceOf(TransactionConflictError);
    await store.commit([store.setCapacity(p.id, 4)]);

    expect(await store.getProvider(p.id)).toMatchObject({ capacity: 4, reserved: 4, available: 0 });
  });

  it('never commits an organisation beyond its hours when residents of different needs race for them', async () => {
    // Prepare: 100 hours a month; 40 residents asking 2 to 30 hours each (about 500 in all)
    const p = providerRecord({ id: 'hours', kind: 'home-visit', capacity: 100, reserved: 0 });
    await store.commit([store.create('provider', Providers, p)]);
    const asks = Array.from({ length: 40 }, (_, i) => [2, 6, 12, 20, 30][i % 5]!);

    // Act
    const results = await Promise.allSettled(asks.map((hours) => store.commit([store.reserve(p.id, hours)])));

    // Assess: what was granted is exactly what is reserved, never above the hours, and what is left is what is available
    const granted = asks.filter((_, i) => results[i]?.status === 'fulfilled').reduce((a, b) => a + b, 0);
    const after = await store.getProvider(p.id);
    expect(granted).toBeGreaterThan(0);
    expect(granted).toBeLessThanOrEqual(100);
    expect(after).toMatchObject({ reserved: granted, available: 100 - granted });
    // Whatever was refused was refused as a conflict (the hours condition, or a race that outlasted the retries).
    for (const r of results) if (r.status === 'rejected') expect(r.reason).toBeInstanceOf(TransactionConflictError);
    // A release gives the hours back to both figures; capacity may then not fall below what is held.
    await store.commit([store.release(p.id, granted)]);
    expect(await store.getProvider(p.id)).toMatchObject({ reserved: 0, available: 100 });
  });
});

describe('transactions write all or nothing', () => {
  it('writes neither the change nor its outbox event when one condition fails', async () => {
    const app = applicationRecord({ id: 'all-or-nothing' });
    await store.commit([store.create('application', Applications, app)]);
    const full = providerRecord({ id: 'full', capacity: 1, reserved: 1 });
    await store.commit([store.create('provider', Providers, full)]);

    const moved = { ...app, status: 'OFFERED' as const };
    const event = { eventId: 'evt-aon', source: 'huimin.care', detailType: 'AssignmentOffered', detail: {} };
    await expect(store.commit([store.replace('application', Applications, moved, app.version), store.reserve(full.id)], [event])).rejects.toBeInstanceOf(
      TransactionConflictError,
    );

    expect((await store.getApplication(app.id))?.status).toBe('SUBMITTED');
    const out = await store.doc.send(
      new (await import('@aws-sdk/lib-dynamodb')).GetCommand({ TableName: store.tableName, Key: { pk: 'OUTBOX#evt-aon', sk: 'OUTBOX' } }),
    );
    expect(out.Item).toBeUndefined();
  });

  it('refuses a write based on a stale version', async () => {
    const app = applicationRecord({ id: 'stale' });
    await store.commit([store.create('application', Applications, app)]);
    await store.commit([store.replace('application', Applications, { ...app, status: 'MATCHING' }, app.version)]);

    await expect(store.commit([store.replace('application', Applications, { ...app, status: 'INELIGIBLE' }, app.version)])).rejects.toMatchObject({
      failed: ['application'],
    });
    expect(await store.getApplication(app.id)).toMatchObject({ status: 'MATCHING', version: 2 });
  });
});

describe('access patterns', () => {
  it('lists pending subsidies of one district only, by status prefix, and pages', async () => {
    const base = { type: 'meal' as const, currency: 'CNY' as const, unit: 'meal' as const, amount: 5, policyVersion: 'meal-subsidy/2026.1', version: 1, street: '仙林街道', subjectName: '张三' };
    const { Subsidies } = await import('@huimin/store');
    const rows = [
      { id: 's1', district: '320113', status: 'PENDING' as const, createdAt: '2026-11-01T00:00:00.000Z' },
      { id: 's2', district: '320113', status: 'PENDING' as const, createdAt: '2026-11-02T00:00:00.000Z' },
      { id: 's3', district: '320113', status: 'APPROVED' as const, createdAt: '2026-11-03T00:00:00.000Z' },
      { id: 's4', district: '320102', status: 'PENDING' as const, createdAt: '2026-11-04T00:00:00.000Z' },
    ];
    for (const r of rows) {
      await store.commit([store.create('subsidy', Subsidies, { ...base, ...r, applicationId: `a-${r.id}`, updatedAt: r.createdAt })]);
    }

    const first = await store.listSubsidiesByDistrict('320113', { status: 'PENDING', limit: 1 });
    const second = await store.listSubsidiesByDistrict('320113', { status: 'PENDING', limit: 1, nextToken: first.nextToken });
    const all = await store.listSubsidiesByDistrict('320113', {});

    expect([...first.items, ...second.items].map((s) => s.id).sort()).toEqual(['s1', 's2']);
    expect(all.items.map((s) => s.id).sort()).toEqual(['s1', 's2', 's3']);
  });

  it('keeps ID numbers out of the low-income registry, but finds residents on it', async () => {
    await store.importLowIncomeRegistry('320113', ['320113194806011236'], 'test.csv');

    expect(await store.isOnLowIncomeRegistry('320113', '320113194806011236')).toBe(true);
    expect(await store.isOnLowIncomeRegistry('320102', '320113194806011236')).toBe(false);
    const { QueryCommand } = await import('@aws-sdk/lib-dynamodb');
    const raw = await store.doc.send(
      new QueryCommand({ TableName: store.tableName, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': 'LOWINCOME#320113' } }),
    );
    expect(JSON.stringify(raw.Items)).not.toContain('320113194806011236');
  });
});
