import { type MealPolicy, mealPolicyOn, needWeight } from '@huimin/domain';
import { type AssignmentLists, solveAssignmentLists } from '@huimin/matching';
import type { ApplicationRecord, ProviderRecord, Store } from '@huimin/store';
import { type Candidate, CandidateFinder, radiusFor } from './candidates';

/**
 * The district-wide view shared by the allocation round and the supply–demand report: residents ×
 * meal points, each resident with its admissible points and a cost of distance × need weight, solved
 * exactly (packages/matching: most served, then least weighted distance).
 */
export interface DistrictSolution {
  policy: MealPolicy;
  apps: ApplicationRecord[];
  providers: ProviderRecord[];
  /** Application id → its chosen candidate, or null when nobody can serve it. */
  chosen: Map<string, Candidate | null>;
  /** Provider id → places used in the solution. */
  used: Map<string, number>;
  served: number;
  objective: number;
}

export function solveDistrict(
  apps: ApplicationRecord[],
  providers: ProviderRecord[],
  placesOf: (p: ProviderRecord) => number,
  at: Date,
): DistrictSolution {
  const policy = mealPolicyOn(at);
  const finder = new CandidateFinder(providers);
  const candidates = new Map<string, Candidate[]>();
  const lists: AssignmentLists = {
    providers: providers.map((p) => ({ id: p.id, capacity: Math.max(0, placesOf(p)) })),
    residents: apps.map((app) => {
      const found = finder.find(app, radiusFor(app, at), { freePlaceOnly: false, at });
      candidates.set(app.id, found);
      const weight = needWeight(app.eligibility?.age ?? 60, app.eligibility?.lowIncome ?? false, policy);
      // Whole weighted metres: integer costs keep the solver exactly optimal (packages/matching).
      return { id: app.id, options: found.map((c) => ({ providerId: c.provider.id, cost: Math.round(c.distanceMetres * weight) })) };
    }),
  };
  const result = solveAssignmentLists(lists);
  const chosen = new Map<string, Candidate | null>();
  for (const [appId, providerId] of result.assignments) {
    chosen.set(appId, providerId === null ? null : (candidates.get(appId)?.find((c) => c.provider.id === providerId) ?? null));
  }
  return { policy, apps, providers, chosen, used: result.used, served: result.served, objective: result.objective };
}
