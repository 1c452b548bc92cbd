import { type ApplicationType, type PolicyBase, policyOn, programmeOf } from '@huimin/domain';
import { solveDemandAssignmentLists } from '@huimin/matching';
import type { ApplicationRecord, ProviderRecord } from '@huimin/store';
import { type Candidate, CandidateFinder, demandOf } from './candidates';

/**
 * The district-wide view shared by the allocation round and the supply–demand report: residents ×
 * providers of one programme, each resident with its admissible providers and a cost of distance ×
 * priority weight, solved by packages/matching.
 *
 * Where every resident asks for one unit (a meal place) this is the capacitated assignment problem,
 * solved exactly (most served, then least weighted distance). Where residents ask for several units
 * that one provider must give whole (a month's visit hours from one organisation), it is a
 * multiple-knapsack problem: the solver maximises the hours served, then the cost, from the exact
 * optimum of its relaxation, and reports that optimum as a bound (packages/matching/README.md).
 */
export interface DistrictSolution {
  type: ApplicationType;
  policy: PolicyBase;
  apps: ApplicationRecord[];
  providers: ProviderRecord[];
  /** Application id → its chosen candidate, or null when nobody can serve it. */
  chosen: Map<string, Candidate | null>;
  /** Provider id → units used in the solution. */
  used: Map<string, number>;
  /** Residents served, and the units (places, hours) they take. */
  served: number;
  servedUnits: number;
  objective: number;
  /** The relaxation's optimum when demand may split: an upper bound on servedUnits (= servedUnits for unit demand). */
  boundUnits: number;
}

export function solveDistrict(
  type: ApplicationType,
  apps: ApplicationRecord[],
  providers: ProviderRecord[],
  unitsOf: (p: ProviderRecord) => number,
  at: Date,
): DistrictSolution {
  const policy = policyOn(programmeOf(type).policies, at);
  const finder = new CandidateFinder(providers);
  const candidates = new Map<string, Candidate[]>();
  const residents = apps.map((app) => {
    const found = finder.find(app, { freeOnly: false, at });
    candidates.set(app.id, found);
    const weight = app.eligibility?.priorityWeight ?? 1;
    // Whole weighted metres: integer costs keep the solver exactly optimal (packages/matching).
    return { id: app.id, demand: demandOf(app), options: found.map((c) => ({ providerId: c.provider.id, cost: Math.round(c.distanceMetres * weight) })) };
  });
  const providerRows = providers.map((p) => ({ id: p.id, capacity: Math.max(0, unitsOf(p)) }));
  const result = solveDemandAssignmentLists({ residents, providers: providerRows });
  const chosen = new Map<string, Candidate | null>();
  for (const [appId, providerId] of result.assignments) {
    chosen.set(appId, providerId === null ? null : (candidates.get(appId)?.find((c) => c.provider.id === providerId) ?? null));
  }
  return {
    type,
    policy,
    apps,
    providers,
    chosen,
    used: result.used,
    served: result.served,
    servedUnits: result.servedDemand,
    objective: result.objective,
    boundUnits: result.bound.servedDemand,
  };
}
