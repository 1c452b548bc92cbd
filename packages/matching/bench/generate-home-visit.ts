import type { DemandAssignmentProblem } from '../src/demand-assignment';
import { nearestArcs, placeProviders, qixiaSampler, spreadCapacity } from './generate';

/** Monthly home-visit hours per care level 0–4, and how common each level is. */
export const CARE_LEVEL_HOURS = [4, 8, 12, 20, 30] as const;
export const CARE_LEVEL_SHARE = [0.4, 0.25, 0.18, 0.1, 0.07] as const;
/** Cost weight per care level: the more dependent, the cheaper (so preferred at equal hours). */
export const CARE_LEVEL_WEIGHT = [1.0, 0.9, 0.8, 0.7, 0.6] as const;
/** Low-income residents (on the registry) weigh less again. */
export const LOW_INCOME_SHARE = 0.15;
export const LOW_INCOME_WEIGHT = 0.8;

export interface HomeVisitSpec {
  residents: number;
  providers: number;
  seed: number;
  /** Organisations per resident: the k nearest ... */
  k?: number;
  /** ... within this radius, metres (those that cover its street). */
  maxMetres?: number;
  /** Total declared hours as a fraction of total entitled hours. */
  capacityRatio?: number;
}

export interface HomeVisitInstance {
  spec: Required<HomeVisitSpec>;
  problem: DemandAssignmentProblem & {
    capacity: Int32Array;
    arcStart: Int32Array;
    arcProvider: Int32Array;
    arcCost: Float64Array;
    demand: Int32Array;
  };
  /** Care level 0–4 per resident. */
  level: Uint8Array;
  totalDemand: number;
  totalCapacity: number;
}

/**
 * A reproducible home-visit instance on Qixia's geography (the same resident and provider
 * placement as `generateInstance`, so supply leans away from the densest streets):
 * - hours d_r by care level 0–4: 4 / 8 / 12 / 20 / 30 with shares 40 / 25 / 18 / 10 / 7 %
 *   (mean 9.86 h);
 * - organisations declare heavy-tailed hours (a few big ones), at least 8 h each, totalling
 *   `capacityRatio` (default 0.75) of all entitled hours: hours are short overall;
 * - each resident may be served by the k = 20 nearest organisations within 5 km;
 * - cost = round(distance in metres × care-level weight × 0.8 if low-income): integers.
 */
export function generateHomeVisitInstance(input: HomeVisitSpec): HomeVisitInstance {
  const spec: Required<HomeVisitSpec> = { k: 20, maxMetres: 5_000, capacityRatio: 0.75, ...input };
  const sampler = qixiaSampler(spec.seed);
  const { rnd } = sampler;
  const R = spec.residents;
  const P = spec.providers;
  const residentLat = new Float64Array(R);
  const residentLng = new Float64Array(R);
  const level = new Uint8Array(R);
  const demand = new Int32Array(R);
  const weightOf = new Float64Array(R);
  let totalDemand = 0;
  for (let r = 0; r < R; r++) {
    const [lat, lng] = sampler.resident();
    residentLat[r] = lat;
    residentLng[r] = lng;
    let u = rnd();
    let l = 0;
    while (l < CARE_LEVEL_SHARE.length - 1 && u >= CARE_LEVEL_SHARE[l]!) {
      u -= CARE_LEVEL_SHARE[l]!;
      l++;
    }
    level[r] = l;
    demand[r] = CARE_LEVEL_HOURS[l]!;
    totalDemand += demand[r]!;
    weightOf[r] = CARE_LEVEL_WEIGHT[l]! * (rnd() < LOW_INCOME_SHARE ? LOW_INCOME_WEIGHT : 1);
  }
  const { providerLat, providerLng, weight, weightSum } = placeProviders(sampler, P);
  const { capacity, assigned } = spreadCapacity(weight, weightSum, Math.round(totalDemand * spec.capacityRatio), 8);
  const arcs = nearestArcs(residentLat, residentLng, providerLat, providerLng, spec, (r) => weightOf[r]!);
  return {
    spec,
    problem: {
      residentCount: R,
      providerCount: P,
      capacity,
      ...arcs,
      demand,
    },
    level,
    totalDemand,
    totalCapacity: assigned,
  };
}
