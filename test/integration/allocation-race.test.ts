import { Applications, Providers, type Store } from '@huimin/store';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Deps } from '../../functions/src/lib/config';
import { runMealAllocationRound } from '../../functions/src/use-cases/allocation';
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
        await store.commit([store.reservePlace(provider.id)]);
      }
      return store.commit(...args);
    };
    const deps: Deps = { store: racingStore, now: () => new Date('2026-11-27T08:00:00.000Z') };

    // Act
    const round = await runMealAllocationRound(deps, { role: 'staff', sub: 'official', district: '320113' });

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

    const round = await runMealAllocationRound({ store, now: () => new Date('2026-11-27T08:00:00.000Z') }, { role: 'staff', sub: 'official', district: '320113' });

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
        await store.commit([store.releasePlace(provider.id)]);
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
