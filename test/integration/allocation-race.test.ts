import { Applications, Providers, type Store } from '@huimin/store';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Deps } from '../../functions/src/lib/config';
import { requestAllocationRound, runAllocationRound, runRequestedRound } from '../../functions/src/use-cases/allocation';
import { matchApplication } from '../../functions/src/use-cases/matching';
import { freshStore } from '../support/dynamo';
import { applicationRecord, providerRecord } from './fixtures';

let store: Store;

beforeAll(async () => {
  ({ store } = await freshStore());
});

describe('an allocation round racing the one-at-a-time matcher', () => {
  it('loses the last place gracefully: no double booking, the resident keeps waiting', async () => {
    // Prepare: one meal point with one place, one waitlisted resident 400 m away
    const provider = providerRecord({ id: 'race-point', capacity: 1, reserved: 0 });
    const waiting = applicationRecord({
      id: 'race-resident',
      status: 'WAITLISTED',
      eligibility: { eligible: true, reasons: [], policyVersion: 'meal-subsidy/2026.1', age: 85, lowIncome: false },
    });
    await store.commit([store.create('provider', Providers, provider), store.create('application', Applications, waiting)]);
    // The one-at-a-time path takes the place after the round has read it free, before it offers.
    let raced = false;
    const racingStore = Object.create(store) as Store;
    racingStore.commit = async (...args: Parameters<Store['commit']>) => {
      if (!raced) {
        raced = true;
        await store.commit([store.reserve(provider.id)]);
      }
      return store.commit(...args);
    };
    const deps: Deps = { store: racingStore, now: () => new Date('2026-11-27T08:00:00.000Z') };

    // Act
    const round = await runAllocationRound(deps, { role: "staff", sub: "official", district: "320113" }, "meal");

    // Assess
    expect(round).toMatchObject({ considered: 1, planned: 1, offered: 0, conflicts: 1, stillWaiting: 1 });
    expect((await store.getProvider(provider.id))?.reserved).toBe(1);
    expect(await store.getApplication(waiting.id)).toMatchObject({ status: 'WAITLISTED', version: 1 });
  });

  it('offers the place through the same transaction as the matcher when nobody races it', async () => {
    const provider = providerRecord({ id: 'calm-point', capacity: 2, reserved: 0, location: { lat: 32.2, lng: 119.2 } });
    const waiting = applicationRecord({
      id: 'calm-resident',
      status: 'WAITLISTED',
      subject: { ...applicationRecord({ id: 'x' }).subject, address: { district: '320113', street: '仙林街道', location: { lat: 32.2005, lng: 119.2 } } },
      eligibility: { eligible: true, reasons: [], policyVersion: 'meal-subsidy/2026.1', age: 75, lowIncome: false },
    });
    await store.commit([store.create('provider', Providers, provider), store.create('application', Applications, waiting)]);

    const round = await runAllocationRound({ store, now: () => new Date('2026-11-27T08:00:00.000Z') }, { role: "staff", sub: "official", district: "320113" }, "meal");

    expect(round).toMatchObject({ offered: 1, conflicts: 0 });
    const offered = await store.getApplication(waiting.id);
    expect(offered?.status).toBe('OFFERED');
    expect(offered?.history.map((h) => h.status)).toEqual(['MATCHING', 'OFFERED']);
    expect(offered?.assignment).toMatchObject({ providerId: provider.id, status: 'OFFERED' });
    expect((await store.getProvider(provider.id))?.reserved).toBe(1);
  });
});

describe('a place released while the matcher waitlists an application', () => {
  it('wakes the application instead of leaving it waiting beside a free place', async () => {
    // Prepare: the only meal point in reach is full when the matcher reads it
    const provider = providerRecord({ id: 'wake-point', capacity: 1, reserved: 1, location: { lat: 31.5, lng: 120.3 } });
    const app = applicationRecord({
      id: 'wake-resident',
      status: 'MATCHING',
      subject: { ...applicationRecord({ id: 'x' }).subject, address: { district: '320113', street: '仙林街道', location: { lat: 31.5004, lng: 120.3 } } },
    });
    await store.commit([store.create('provider', Providers, provider), store.create('application', Applications, app)]);
    // …and its place is released right after the waitlisting is written, before anyone requeues it.
    let released = false;
    const racingStore = Object.create(store) as Store;
    racingStore.commit = async (...args: Parameters<Store['commit']>) => {
      await store.commit(...args);
      if (!released && args[1]?.some((e) => e.detailType === 'ApplicationWaitlisted')) {
        released = true;
        await store.commit([store.release(provider.id)]);
      }
    };
    const deps: Deps = { store: racingStore, now: () => new Date('2026-11-27T08:00:00.000Z') };

    // Act
    const outcome = await matchApplication(deps, app.id, 'evt-wake', { correlationId: app.id, causationId: 'evt-wake' });

    // Assess: waitlisted, then straight back to matching, announced so the matcher runs again
    expect(outcome).toBe('done');
    const after = await store.getApplication(app.id);
    expect(after?.history.map((h) => h.status)).toEqual(['WAITLISTED', 'MATCHING']);
    expect(after?.status).toBe('MATCHING');
  });
});

describe('a requested round delivered again, or retried after dying mid-round', () => {
  it('offers each place once, records the outcome once, and runs nothing for a redelivery', async () => {
    // Prepare: one meal point with two places, two waitlisted residents beside it, far from the others
    const provider = providerRecord({ id: 'retry-point', capacity: 2, reserved: 0, location: { lat: 31.9, lng: 119.6 } });
    const residents = ['retry-1', 'retry-2'].map((id) =>
      applicationRecord({
        id,
        correlationId: id,
        status: 'WAITLISTED',
        subject: { ...applicationRecord({ id: 'x' }).subject, address: { district: '320113', street: '仙林街道', location: { lat: 31.9004, lng: 119.6 } } },
        eligibility: { eligible: true, reasons: [], policyVersion: 'meal-subsidy/2026.1', age: 80, lowIncome: false },
      }),
    );
    await store.commit([store.create('provider', Providers, provider), ...residents.map((r) => store.create(r.id, Applications, r))]);
    const now = () => new Date('2026-11-27T08:00:00.000Z');
    const staff = { role: 'staff', sub: 'official', district: '320113' } as const;
    const round = await requestAllocationRound({ store, now }, staff, 'meal', 'req-retry');
    const cause = { correlationId: round.id, causationId: 'evt-round' };
    // The first delivery dies after its first offer (a Lambda timing out, say).
    let offers = 0;
    const dyingStore = Object.create(store) as Store;
    dyingStore.commit = async (...args: Parameters<Store['commit']>) => {
      if (args[1]?.some((e) => e.detailType === 'AssignmentOffered') && ++offers > 1) throw new Error('Task timed out');
      return store.commit(...args);
    };

    // Act
    const first = runRequestedRound({ store: dyingStore, now }, round.id, 'evt-round', cause);
    await expect(first).rejects.toThrow('Task timed out');
    const afterCrash = await store.getRound(round.id);
    const retried = await runRequestedRound({ store, now }, round.id, 'evt-round', cause);
    const redelivered = await runRequestedRound({ store, now }, round.id, 'evt-round', cause);

    // Assess: left RUNNING for the retry (claimed, then given back: no claim left to wait for), which
    // offered only the place still free to whoever still waited
    expect(afterCrash).toMatchObject({ status: 'RUNNING', version: 3 });
    expect(afterCrash).not.toHaveProperty('claim');
    expect(retried).toBe('done');
    expect(redelivered).toBe('duplicate');
    expect((await store.getProvider(provider.id))?.reserved).toBe(2);
    for (const r of residents) expect((await store.getApplication(r.id))?.status).toBe('OFFERED');
    const completed = await store.getRound(round.id);
    expect(completed).toMatchObject({ status: 'COMPLETED', version: 5, completedAt: now().toISOString(), conflicts: 0 });
    expect(completed).not.toHaveProperty('claim');
    // The figures are the retry's own: it found one of the two residents still waiting here.
    expect(completed?.offered).toBe(1);
  });
});
