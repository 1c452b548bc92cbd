import type { AssignmentProblem } from '../src/assignment';
import { mulberry32 } from '../src/prng';
import { createSpatialIndex } from '../src/spatial';
import { QIXIA_STREETS } from './qixia';

export interface InstanceSpec {
  residents: number;
  providers: number;
  seed: number;
  /** Admissible providers per resident: the k nearest ... */
  k?: number;
  /** ... within this radius, metres. */
  maxMetres?: number;
  /** Total capacity as a fraction of residents. */
  capacityRatio?: number;
}

export interface Instance {
  spec: Required<InstanceSpec>;
  problem: {
    residentCount: number;
    providerCount: number;
    capacity: Int32Array;
    arcStart: Int32Array;
    arcProvider: Int32Array;
    arcCost: Float64Array;
  } & AssignmentProblem;
  residentLat: Float64Array;
  residentLng: Float64Array;
  /** Need level 1..3 per resident (3 = highest need). */
  need: Uint8Array;
  providerLat: Float64Array;
  providerLng: Float64Array;
}

/**
 * Cost multiplier per need level: higher need is cheaper to serve, so among solutions that
 * serve the same number of residents the optimum prefers the neediest. Index = need level.
 */
export const NEED_WEIGHT = [0, 1.0, 0.8, 0.6] as const;

const METRES_PER_DEG_LAT = 111_195;

/**
 * A reproducible synthetic instance on Qixia's geography:
 * - each street has 6 neighbourhoods (gaussian, σ 1.2 km around the street centroid);
 *   residents fall in a neighbourhood (σ 350 m) with probability ∝ the street's weight;
 * - providers: 70 % placed like residents but with *different* street weights (so some
 *   streets are under-supplied), 30 % uniform over the district's box;
 * - capacities: random weights (heavy-tailed) scaled so the total is `capacityRatio`
 *   (default 0.9) of the residents, each provider at least 1;
 * - need levels 1/2/3 with probability 0.5/0.3/0.2;
 * - admissible providers: the k = 20 nearest within 10 km (at every size this yields about
 *   20 arcs per resident, so the geography is not rescaled with the size);
 * - cost = round(distance in metres × NEED_WEIGHT[need]): integers, so solvers working on
 *   integer-scaled costs and HiGHS on the raw LP agree exactly.
 */
export function generateInstance(input: InstanceSpec): Instance {
  const spec: Required<InstanceSpec> = { k: 20, maxMetres: 10_000, capacityRatio: 0.9, ...input };
  const sampler = qixiaSampler(spec.seed);
  const { rnd } = sampler;
  const R = spec.residents;
  const P = spec.providers;
  const residentLat = new Float64Array(R);
  const residentLng = new Float64Array(R);
  const need = new Uint8Array(R);
  for (let r = 0; r < R; r++) {
    const [lat, lng] = sampler.resident();
    residentLat[r] = lat;
    residentLng[r] = lng;
    const u = rnd();
    need[r] = u < 0.5 ? 1 : u < 0.8 ? 2 : 3;
  }

  const { providerLat, providerLng, weight, weightSum } = placeProviders(sampler, P);
  const { capacity } = spreadCapacity(weight, weightSum, Math.round(R * spec.capacityRatio), 1);
  const arcs = nearestArcs(residentLat, residentLng, providerLat, providerLng, spec, (r) => NEED_WEIGHT[need[r]!]!);
  return {
    spec,
    problem: {
      residentCount: R,
      providerCount: P,
      capacity,
      ...arcs,
    },
    residentLat,
    residentLng,
    need,
    providerLat,
    providerLng,
  };
}

/** P providers placed by the sampler, each with a heavy-tailed size weight (a few big centres). */
export function placeProviders(
  sampler: QixiaSampler,
  P: number,
): { providerLat: Float64Array; providerLng: Float64Array; weight: Float64Array; weightSum: number } {
  const providerLat = new Float64Array(P);
  const providerLng = new Float64Array(P);
  const weight = new Float64Array(P);
  let weightSum = 0;
  for (let p = 0; p < P; p++) {
    const [lat, lng] = sampler.provider();
    providerLat[p] = lat;
    providerLng[p] = lng;
    const w = 0.3 + (-Math.log(1 - sampler.rnd())) ** 1.5; // heavy-tailed: a few big centres
    weight[p] = w;
    weightSum += w;
  }
  return { providerLat, providerLng, weight, weightSum };
}

/** Capacities ∝ weight, at least `min` each, summing to at least `total` (returned as `assigned`). */
export function spreadCapacity(
  weight: Float64Array,
  weightSum: number,
  total: number,
  min: number,
): { capacity: Int32Array; assigned: number } {
  const P = weight.length;
  const capacity = new Int32Array(P);
  let assigned = 0;
  for (let p = 0; p < P; p++) {
    const c = Math.max(min, Math.floor((weight[p]! / weightSum) * total));
    capacity[p] = c;
    assigned += c;
  }
  // Hand out the rounding remainder one unit at a time, deterministically.
  for (let p = 0; assigned < total; p = (p + 1) % P) {
    capacity[p]!++;
    assigned++;
  }
  return { capacity, assigned };
}

/** Each resident's k nearest providers within maxMetres, cost = round(distance × weightOf(r)). */
export function nearestArcs(
  residentLat: Float64Array,
  residentLng: Float64Array,
  providerLat: Float64Array,
  providerLng: Float64Array,
  spec: { k: number; maxMetres: number },
  weightOf: (r: number) => number,
): { arcStart: Int32Array; arcProvider: Int32Array; arcCost: Float64Array } {
  const R = residentLat.length;
  const index = createSpatialIndex(
    Array.from({ length: providerLat.length }, (_, p) => ({ id: p, lat: providerLat[p]!, lng: providerLng[p]! })),
  );
  const arcStart = new Int32Array(R + 1);
  const providerList: number[] = [];
  const costList: number[] = [];
  for (let r = 0; r < R; r++) {
    const near = index.nearest(residentLat[r]!, residentLng[r]!, spec.k, spec.maxMetres);
    const w = weightOf(r);
    for (const candidate of near) {
      providerList.push(candidate.index);
      costList.push(Math.round(candidate.distanceMetres * w));
    }
    arcStart[r + 1] = providerList.length;
  }
  return { arcStart, arcProvider: Int32Array.from(providerList), arcCost: Float64Array.from(costList) };
}

export interface QixiaSampler {
  rnd: () => number;
  /** A resident's home: a neighbourhood picked by street population, σ 350 m around it. */
  resident(): [number, number];
  /** A provider: 70 % near neighbourhoods (supply-side street weights, σ 600 m), 30 % uniform. */
  provider(): [number, number];
}

/** Seeded point sampler over Qixia's streets (see generateInstance for the model). */
export function qixiaSampler(seed: number): QixiaSampler {
  const rnd = mulberry32(seed);
  const gauss = (): number => {
    // Box-Muller.
    const u = 1 - rnd();
    const v = rnd();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  };
  const metresPerDegLng = METRES_PER_DEG_LAT * Math.cos((32.12 * Math.PI) / 180);
  const offset = (lat: number, lng: number, sigmaMetres: number): [number, number] => [
    lat + (gauss() * sigmaMetres) / METRES_PER_DEG_LAT,
    lng + (gauss() * sigmaMetres) / metresPerDegLng,
  ];

  const hoods: [number, number][] = [];
  for (const street of QIXIA_STREETS) {
    for (let h = 0; h < 6; h++) hoods.push(offset(street.lat, street.lng, 1200));
  }
  const pickWeighted = (weights: readonly number[]): number => {
    let total = 0;
    for (const w of weights) total += w;
    let x = rnd() * total;
    for (let i = 0; i < weights.length; i++) {
      x -= weights[i]!;
      if (x < 0) return i;
    }
    return weights.length - 1;
  };
  const residentWeights = QIXIA_STREETS.map((s) => s.weight);
  // Supply leans away from the densest streets: the classic mismatch.
  const providerWeights = QIXIA_STREETS.map((s, i) => (i % 3 === 0 ? s.weight * 0.6 : s.weight * 1.3));

  const minLat = 32.0;
  const maxLat = 32.24;
  const minLng = 118.75;
  const maxLng = 119.1;
  return {
    rnd,
    resident: () => {
      const street = pickWeighted(residentWeights);
      const hood = hoods[street * 6 + Math.floor(rnd() * 6)]!;
      return offset(hood[0], hood[1], 350);
    },
    provider: () => {
      if (rnd() < 0.7) {
        const street = pickWeighted(providerWeights);
        const hood = hoods[street * 6 + Math.floor(rnd() * 6)]!;
        return offset(hood[0], hood[1], 600);
      }
      return [minLat + rnd() * (maxLat - minLat), minLng + rnd() * (maxLng - minLng)];
    },
  };
}

export interface ChildcareRound {
  children: { preferences: number[]; band: number; priorities: number[] }[];
  nurseries: { capacity: number[] }[];
  /** Common policy points per child (already included in every entry of its `priorities`). */
  priority: Float64Array;
  lotterySeed: number;
}

/**
 * A province-sized childcare round: children placed like residents, nurseries like
 * providers; each child lists up to `choices` of its nearest nurseries within 8 km, nearest
 * first with an occasional swap of neighbours (families weigh more than distance); age
 * bands 0–2 (under 1, 1–2, 2–3 years); places ≈ 70 % of children (supply is short).
 * Priority points per listed nursery: common policy points 0–3 (policy categories, most
 * children 0), plus 2 at nurseries within 1 km for the 60 % of children whose household is
 * registered at their address, plus 4 at one listed nursery for the 8 % with a sibling
 * enrolled there.
 */
export function generateChildcareRound(seed: number, childCount: number, nurseryCount: number, choices = 5): ChildcareRound {
  const sampler = qixiaSampler(seed);
  const { rnd } = sampler;
  const nurseryPoints = Array.from({ length: nurseryCount }, (_, j) => {
    const [lat, lng] = sampler.provider();
    return { id: j, lat, lng };
  });
  const index = createSpatialIndex(nurseryPoints);
  const children: ChildcareRound['children'] = new Array(childCount);
  const priority = new Float64Array(childCount);
  const bandCount = new Float64Array(3);
  for (let i = 0; i < childCount; i++) {
    const [lat, lng] = sampler.resident();
    const near = index.nearest(lat, lng, choices, 8000);
    for (let k = 0; k + 1 < near.length; k++) {
      if (rnd() < 0.25) {
        const x = near[k]!;
        near[k] = near[k + 1]!;
        near[k + 1] = x;
      }
    }
    const u = rnd();
    const band = u < 0.2 ? 0 : u < 0.55 ? 1 : 2;
    bandCount[band]!++;
    const v = rnd();
    const common = v < 0.7 ? 0 : v < 0.85 ? 1 : v < 0.95 ? 2 : 3;
    priority[i] = common;
    const registered = rnd() < 0.6;
    const sibling = rnd() < 0.08 && near.length > 0 ? Math.floor(rnd() * near.length) : -1;
    const priorities = near.map(
      (c, k) => common + (registered && c.distanceMetres <= 1000 ? 2 : 0) + (k === sibling ? 4 : 0),
    );
    children[i] = { preferences: near.map((c) => c.index), band, priorities };
  }
  const nurseries: { capacity: number[] }[] = [];
  const weights = Array.from({ length: nurseryCount }, () => 0.5 + rnd());
  const weightSum = weights.reduce((x, y) => x + y, 0);
  for (let j = 0; j < nurseryCount; j++) {
    const share = weights[j]! / weightSum;
    nurseries.push({ capacity: [0, 1, 2].map((b) => Math.round(0.7 * bandCount[b]! * share)) });
  }
  return { children, nurseries, priority, lotterySeed: seed };
}
