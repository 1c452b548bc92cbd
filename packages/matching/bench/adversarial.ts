/**
 * Adversarial families for the assignment solver: the district generator's instance
 * (bench/generate.ts) bent toward what breaks exact solvers — large costs, a long
 * augmenting chain, huge capacities, cost ties, zero capacities, residents with no candidate,
 * scarce clustered capacity and ample uniform capacity. Every family is deterministic in its
 * seed. Costs stay integers, so every solver (ours, LEMON, HiGHS) can be compared exactly.
 */
import { mulberry32 } from '../src/prng';
import { generateInstance } from './generate';
import type { BinaryProblem } from './instance-io';

export interface Family {
  name: string;
  what: string;
  build: (residents: number, providers: number, seed: number) => BinaryProblem;
}

const UNLIMITED = 0x7fffffff;
const COST_SPAN = 10_000_000;

function base(residents: number, providers: number, seed: number, capacityRatio = 0.9): ReturnType<typeof generateInstance> {
  return generateInstance({ residents, providers, seed, capacityRatio });
}

/** Costs stretched to 0 .. about 10^7 with a small jitter (so their gcd is 1). */
function stretchCosts(cost: Float64Array, seed: number): Float64Array {
  let max = 0;
  for (const c of cost) if (c > max) max = c;
  const rnd = mulberry32(seed);
  const factor = max > 0 ? Math.floor((COST_SPAN - 1000) / max) : 1;
  return cost.map((c) => c * factor + Math.floor(rnd() * 1000));
}

/**
 * Appends a chain: residents c_0 .. c_L sit on chain providers 0 .. L at a small cost and could
 * each move one provider along at about 10^7; one more resident fits only chain provider 0 and
 * chain provider L + 1 is free. Serving everyone shifts the whole chain: an augmenting path of
 * L + 1 expensive moves, the case where a penalty for unserved residents must exceed L · 10^7.
 */
function withChain(problem: BinaryProblem, length: number): BinaryProblem {
  const { residentCount: R, providerCount: P } = problem;
  const A = problem.arcProvider.length;
  const extraResidents = length + 2;
  const extraProviders = length + 2;
  const extraArcs = 2 * (length + 1) + 1;
  const arcStart = new Int32Array(R + extraResidents + 1);
  arcStart.set(problem.arcStart);
  const arcProvider = new Int32Array(A + extraArcs);
  arcProvider.set(problem.arcProvider);
  const arcCost = new Float64Array(A + extraArcs);
  arcCost.set(problem.arcCost);
  let a = A;
  for (let i = 0; i <= length; i++) {
    arcProvider[a] = P + i;
    arcCost[a++] = 1 + (i % 5);
    arcProvider[a] = P + i + 1;
    arcCost[a++] = COST_SPAN - (i % 7);
    arcStart[R + i + 1] = a;
  }
  arcProvider[a] = P;
  arcCost[a++] = 3;
  arcStart[R + length + 2] = a;
  const capacity = new Int32Array(P + extraProviders);
  capacity.set(problem.capacity);
  capacity.fill(1, P);
  return { residentCount: R + extraResidents, providerCount: P + extraProviders, capacity, arcStart, arcProvider, arcCost };
}

function keepArcs(problem: BinaryProblem, keepResident: (r: number) => boolean): BinaryProblem {
  const { residentCount: R } = problem;
  const arcStart = new Int32Array(R + 1);
  const provider: number[] = [];
  const cost: number[] = [];
  for (let r = 0; r < R; r++) {
    if (keepResident(r)) {
      for (let a = problem.arcStart[r]!; a < problem.arcStart[r + 1]!; a++) {
        provider.push(problem.arcProvider[a]!);
        cost.push(problem.arcCost[a]!);
      }
    }
    arcStart[r + 1] = provider.length;
  }
  return { ...problem, arcStart, arcProvider: Int32Array.from(provider), arcCost: Float64Array.from(cost) };
}

export const FAMILIES: Family[] = [
  {
    name: 'large-costs',
    what: 'costs stretched to 0 .. 10^7 (gcd 1)',
    build: (R, P, seed) => {
      const { problem } = base(R, P, seed);
      return { ...problem, arcCost: stretchCosts(problem.arcCost, seed) };
    },
  },
  {
    name: 'long-chain',
    what: 'costs to 10^7 plus an augmenting chain of P/2 moves of 10^7 each',
    build: (R, P, seed) => {
      const { problem } = base(R, P, seed);
      return withChain({ ...problem, arcCost: stretchCosts(problem.arcCost, seed) }, Math.max(2, Math.floor(P / 2)));
    },
  },
  {
    name: 'huge-capacities',
    what: 'every third provider at capacity 2^31 − 1',
    build: (R, P, seed) => {
      const { problem } = base(R, P, seed);
      const capacity = problem.capacity.map((c, p) => (p % 3 === 0 ? UNLIMITED : c));
      return { ...problem, capacity };
    },
  },
  {
    name: 'cost-ties',
    what: 'costs rounded to 0 .. 5 (2 km steps): many ties',
    build: (R, P, seed) => {
      const { problem } = base(R, P, seed);
      return { ...problem, arcCost: problem.arcCost.map((c) => Math.floor(c / 2000)) };
    },
  },
  {
    name: 'zero-capacities',
    what: '30 % of providers at capacity 0',
    build: (R, P, seed) => {
      const { problem } = base(R, P, seed);
      const rnd = mulberry32(seed + 1);
      return { ...problem, capacity: problem.capacity.map((c) => (rnd() < 0.3 ? 0 : c)) };
    },
  },
  {
    name: 'no-candidate',
    what: '10 % of residents with no admissible provider',
    build: (R, P, seed) => {
      const { problem } = base(R, P, seed);
      const rnd = mulberry32(seed + 2);
      const drop = Array.from({ length: R }, () => rnd() < 0.1);
      return keepArcs(problem, (r) => !drop[r]);
    },
  },
  {
    name: 'scarce-clustered',
    what: 'capacity only in the northern half of the providers, about 30 % of residents',
    build: (R, P, seed) => {
      const instance = base(R, P, seed, 0.6);
      const sorted = Float64Array.from(instance.providerLat).sort();
      const median = sorted[Math.floor(P / 2)]!;
      const capacity = instance.problem.capacity.map((c, p) => (instance.providerLat[p]! >= median ? c : 0));
      return { ...instance.problem, capacity };
    },
  },
  {
    name: 'ample-uniform',
    what: 'every provider with room for 3 R / P residents (3× the residents in all)',
    build: (R, P, seed) => {
      const { problem } = base(R, P, seed);
      return { ...problem, capacity: new Int32Array(P).fill(Math.ceil((3 * R) / P)) };
    },
  },
];
