import { Applications, Assignments, Providers, type Store } from '@huimin/store';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Deps } from '../../functions/src/lib/config';
import { RecordRefusedError, recordMeals } from '../../functions/src/use-cases/service-records';
import { approveSettlement, computeSettlement, MonthSettledError } from '../../functions/src/use-cases/settlements';
import { freshStore } from '../support/dynamo';
import { applicationRecord, providerRecord } from './fixtures';

/**
 * Settlement on DynamoDB Local while services are still being recorded: three officials compute the
 * same month at once as a meal point records forty days of meals. One computation wins; every record
 * is either on its statement or refused as too late, never both and never twice; the amounts add up
 * exactly in fen; and the statement is approved once.
 */

const NOW = new Date('2026-12-20T04:00:00.000Z');
let store: Store;
let deps: Deps;

beforeAll(async () => {
  ({ store } = await freshStore());
  deps = { store, now: () => NOW };
});

describe('a month settled while meals are recorded', () => {
  it('pays each record once', async () => {
    const provider = providerRecord({ id: 'settle-point', capacity: 10, reserved: 4 });
    await store.putAll(Providers, [provider]);
    const residents = [0, 1, 2, 3].map((i) => `settle-res-${i}`);
    await store.putAll(
      Applications,
      residents.map((id) =>
        applicationRecord({
          id,
          status: 'ACTIVE',
          eligibility: { eligible: true, reasons: [], policyVersion: 'meal-subsidy/2026.1', age: 82, lowIncome: false, demand: 1, priorityWeight: 0.7 },
          subsidy: { id: `sub-${id}`, status: 'APPROVED', amount: 5 },
        }),
      ),
    );
    await store.putAll(
      Assignments,
      residents.map((id) => ({
        id: `as-${id}`,
        applicationId: id,
        providerId: provider.id,
        providerName: provider.name,
        district: '320113',
        street: '仙林街道',
        subjectName: '王秀英',
        type: 'meal' as const,
        needs: { diets: [] },
        units: 1,
        status: 'ACCEPTED' as const,
        acceptedAt: '2026-12-01T01:00:00.000Z',
        distanceMetres: 300,
        expiresAt: '2026-12-03T01:00:00.000Z',
        createdAt: '2026-11-30T01:00:00.000Z',
        updatedAt: '2026-12-01T01:00:00.000Z',
        version: 2,
      })),
    );
    const actor = { role: 'provider' as const, sub: 'manager', providerId: provider.id };
    const staff = (sub: string) => ({ role: 'staff' as const, sub, district: '320113' });
    // Four residents × ten days, one or two meals a day.
    const meals = residents.flatMap((id, i) => Array.from({ length: 10 }, (_, d) => ({ assignmentId: `as-${id}`, date: `2026-12-${String(d + 1).padStart(2, '0')}`, count: 1 + ((i + d) % 2) })));

    const record = (m: (typeof meals)[number]) => recordMeals(deps, actor, m.assignmentId, { date: m.date, count: m.count });
    // Ten days are in; the other thirty are recorded while three officials compute the month.
    const first = await Promise.allSettled(meals.slice(0, 10).map(record));
    const rest = meals.slice(10).map((m, k) =>
      (async () => {
        await new Promise((r) => setTimeout(r, 3 * k));
        return record(m);
      })(),
    );
    const computed = [1, 2, 3].map((n) =>
      (async () => {
        await new Promise((r) => setTimeout(r, 20 * n));
        return computeSettlement(deps, staff(`official-${n}`), { type: 'meal', month: '2026-12' });
      })(),
    );
    const [later, settlements] = await Promise.all([Promise.allSettled(rest), Promise.allSettled(computed)]);
    const records = [...first, ...later];

    const won = settlements.filter((s) => s.status === 'fulfilled');
    expect(won).toHaveLength(1);
    for (const s of settlements) if (s.status === 'rejected') expect(s.reason).toBeInstanceOf(MonthSettledError);
    const kept = records.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
    const late = records.filter((r) => r.status === 'rejected');
    for (const r of late) expect((r as PromiseRejectedResult).reason).toBeInstanceOf(RecordRefusedError);
    expect(kept.length + late.length).toBe(meals.length);

    const [statement] = (won[0] as PromiseFulfilledResult<Awaited<ReturnType<typeof computeSettlement>>>).value;
    expect(statement?.records).toBe(kept.length);
    const onStatement = statement!.lines.flatMap((l) => l.dates.map((d) => `${l.applicationId}|${d}`));
    const keptKeys = kept.map((r) => `${r.applicationId}|${r.date}`);
    expect(onStatement.sort()).toEqual([...keptKeys].sort());
    expect(statement!.totalFen).toBe(kept.reduce((s, r) => s + r.units * 500, 0));

    // Approved once, even by two at once.
    const approvals = await Promise.allSettled([approveSettlement(deps, staff('a'), statement!.id, 'r1'), approveSettlement(deps, staff('b'), statement!.id, 'r2')]);
    expect(approvals.filter((a) => a.status === 'fulfilled')).toHaveLength(1);
    expect((await store.getSettlement(statement!.id))?.status).toBe('APPROVED');
  });
});
