import { type ApplicationRecord, Applications, Providers, type Store } from '@huimin/store';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Deps } from '../../functions/src/lib/config';
import { matchApplication } from '../../functions/src/use-cases/matching';
import { requeueWaitlisted } from '../../functions/src/use-cases/waitlist';
import { freshStore } from '../support/dynamo';
import { applicationRecord, providerRecord } from './fixtures';

/**
 * Two organisations release home-visit hours at the same time, and the consumers run in an order
 * the bus allows: both requeues first, then any matcher. When a requeue only woke residents and the
 * matcher then offered each at the *nearest* organisation with room, a small, low-priority resident
 * woken by the far organisation's 4 hours took 4 of the near organisation's 22, which were meant for
 * a higher-priority resident needing all 22: that resident went back to waiting, and 4 + 18 hours sat
 * free beside residents they fit, with no event left to wake anyone (seen in
 * test/e2e/home-visit-concurrency.test.ts, several releases at once, about one run in three). The
 * requeue now offers at the releasing organisation itself, in priority order.
 */

let store: Store;
const at = new Date('2026-12-03T08:00:00.000Z');
const STREET = '西岗街道';

beforeAll(async () => {
  ({ store } = await freshStore());
});

function organisation(id: string, lng: number, capacity: number, reserved: number) {
  const { diets: _meals, ...record } = providerRecord({
    id,
    name: `上门服务机构 ${id}`,
    kind: 'home-visit',
    street: STREET,
    location: { lat: 32.085, lng },
    capacity,
    reserved,
    services: ['rehabilitation', 'cleaning'],
    streets: [STREET],
  });
  return record;
}

function resident(id: string, demand: number, priorityWeight: number, createdAt: string): ApplicationRecord {
  const base = applicationRecord({ id });
  return applicationRecord({
    id,
    type: 'home-visit',
    status: 'WAITLISTED',
    street: STREET,
    createdAt,
    updatedAt: createdAt,
    subject: { ...base.subject, address: { district: '320113', street: STREET, location: { lat: 32.085, lng: 119.009 } } },
    needs: { services: ['rehabilitation'], careLevel: 2 },
    eligibility: { eligible: true, reasons: [], policyVersion: 'home-visit-subsidy/2026.1', age: 85, lowIncome: false, demand, priorityWeight },
  });
}

describe('hours released at two organisations at once', () => {
  it('go to the waitlist by priority, and leave nobody waiting whose hours are free', async () => {
    // Prepare: NEAR (1 km east of the residents' side) has just released 22 hours, FAR (1.7 km west) 4.
    const near = organisation('hv-near', 119.01, 100, 78);
    const far = organisation('hv-far', 118.99, 100, 96);
    const first = resident('hv-first', 22, 0.55, '2026-11-01T00:00:00.000Z'); // care level 3: served first
    const small = resident('hv-small', 4, 1, '2026-11-02T00:00:00.000Z'); // care level 0 at 85
    const smaller = resident('hv-small-later', 4, 1, '2026-11-03T00:00:00.000Z');
    await store.commit([
      store.create('provider', Providers, near),
      store.create('provider', Providers, far),
      ...[first, small, smaller].map((a) => store.create('application', Applications, a)),
    ]);
    const deps: Deps = { store, now: () => at };

    // Act: the two releases' requeues, then the matchers of whom they woke
    const wokenByNear = await requeueWaitlisted(deps, near.id, 'release-near', { correlationId: 'c', causationId: 'release-near' });
    const wokenByFar = await requeueWaitlisted(deps, far.id, 'release-far', { correlationId: 'c', causationId: 'release-far' });
    expect([wokenByNear, wokenByFar]).toEqual([1, 1]);
    // A matcher running late for either changes nothing: they are no longer MATCHING.
    await matchApplication(deps, small.id, 'match-small', { correlationId: small.id, causationId: 'requeued-small' });
    await matchApplication(deps, first.id, 'match-first', { correlationId: first.id, causationId: 'requeued-first' });

    // Assert: the 22 hours NEAR released went to the resident the requeue gave them to…
    const after = {
      first: await store.getApplication(first.id),
      small: await store.getApplication(small.id),
      smaller: await store.getApplication(smaller.id),
      near: await store.getProvider(near.id),
      far: await store.getProvider(far.id),
    };
    expect(after.first?.status, 'the highest-priority resident, to whom the requeue gave the 22 hours').toBe('OFFERED');
    expect(after.first?.assignment?.providerId).toBe(near.id);
    expect(after.small?.status).toBe('OFFERED');
    expect(after.small?.assignment?.providerId).toBe(far.id);
    expect(after.near!.reserved + after.far!.reserved).toBe(78 + 96 + 22 + 4);
    // …and nobody waits while an organisation admitting them has their hours free.
    for (const p of [after.near!, after.far!]) {
      if (after.smaller?.status === 'WAITLISTED') expect(p.available, `${p.id} has ${p.available} h free, hv-small-later waits for 4`).toBeLessThan(4);
    }
  });
});
