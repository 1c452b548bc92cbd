import { randomUUID } from 'node:crypto';
import { policyVersionOf } from '@huimin/domain';
import { TransactionConflictError } from '@huimin/store';
import type { Actor } from '../lib/actor';
import type { Deps } from '../lib/config';
import type { AllocationRoundResult } from '../views';
import { listAllApplications, solveDistrict } from './district';
import { offerWrites } from './matching';

/**
 * A district-wide round for waitlisted meal applications: the optimal allocation over the places
 * free right now, then one offer per chosen pair through the same transaction as the
 * one-at-a-time matcher (conditional reservation, outbox event). When both run at once, a place
 * can only be taken once: the loser of the race is counted as a conflict and waits for the next
 * round or the next released place.
 */
export async function runMealAllocationRound(deps: Deps, actor: Extract<Actor, { role: 'staff' }>): Promise<AllocationRoundResult> {
  const { store, now } = deps;
  const at = now();
  const roundId = randomUUID();
  const [apps, providers] = await Promise.all([
    listAllApplications(store, actor.district, 'meal', 'WAITLISTED'),
    store.listAllProvidersByDistrict(actor.district, 'meal'),
  ]);
  const solution = solveDistrict(apps, providers, (p) => p.capacity - p.reserved, at);
  let offered = 0;
  let conflicts = 0;
  for (const app of apps) {
    const candidate = solution.chosen.get(app.id);
    if (!candidate) continue;
    const { ops, event } = offerWrites(store, app, candidate, at, { correlationId: app.correlationId, causationId: roundId }, 'allocation');
    try {
      await store.commit(ops, [event], at);
      offered++;
    } catch (err) {
      // The place or the application changed since the read: the round does not force it.
      if (err instanceof TransactionConflictError) {
        conflicts++;
        continue;
      }
      throw err;
    }
  }
  return {
    roundId,
    type: 'meal',
    district: actor.district,
    policyVersion: policyVersionOf(solution.policy),
    considered: apps.length,
    planned: solution.served,
    offered,
    conflicts,
    stillWaiting: apps.length - offered,
    objective: solution.objective,
  };
}
