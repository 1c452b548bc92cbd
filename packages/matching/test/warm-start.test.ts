import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { costScalingAssignment } from '../src/cost-scaling';
import { type AssignmentProblem, solveAssignment } from '../src/index';
import { warmStartPrices } from '../src/warm-start';

// Random instances with shortages, many ties, zero costs, zero-capacity providers and
// residents without arcs: the warm start's greedy, its augmenting searches and its
// deficient-region search all see their corner cases.
const instance: fc.Arbitrary<AssignmentProblem> = fc
  .record({
    residents: fc.integer({ min: 0, max: 120 }),
    providers: fc.integer({ min: 1, max: 15 }),
    maxCost: fc.constantFrom(0, 1, 3, 50, 10_000),
  })
  .chain(({ residents, providers, maxCost }) =>
    fc.record({
      capacity: fc.array(fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 10 })), {
        minLength: providers,
        maxLength: providers,
      }),
      options: fc.array(
        fc.uniqueArray(
          fc.record({ provider: fc.integer({ min: 0, max: providers - 1 }), cost: fc.integer({ min: 0, max: maxCost }) }),
          { selector: (o) => o.provider, maxLength: Math.min(providers, 6) },
        ),
        { minLength: residents, maxLength: residents },
      ),
    }),
  )
  .map(({ capacity, options }) => {
    const arcStart = [0];
    const arcProvider: number[] = [];
    const arcCost: number[] = [];
    for (const list of options) {
      for (const o of list) {
        arcProvider.push(o.provider);
        arcCost.push(o.cost);
      }
      arcStart.push(arcProvider.length);
    }
    return { residentCount: options.length, providerCount: capacity.length, capacity, arcStart, arcProvider, arcCost };
  });

function coreInput(problem: AssignmentProblem) {
  const P = problem.providerCount;
  const cost = Float64Array.from(problem.arcCost);
  let maxCost = 0;
  for (const c of cost) if (c > maxCost) maxCost = c;
  return {
    R: problem.residentCount,
    P,
    capacity: Int32Array.from(problem.capacity),
    arcStart: Int32Array.from(problem.arcStart),
    arcProvider: Int32Array.from(problem.arcProvider),
    cost,
    unservedCost: (P + 1) * maxCost + 1, // safe: max served first
  };
}

function summary(problem: AssignmentProblem, arcs: Int32Array): [number, number] {
  let served = 0;
  let total = 0;
  for (const a of arcs) {
    if (a >= 0) {
      served++;
      total += problem.arcCost[a]!;
    }
  }
  return [served, total];
}

describe('warm start', () => {
  it('solveAssignment (warm-started) equals successive shortest paths', () => {
    fc.assert(
      fc.property(instance, (problem) => {
        const fast = solveAssignment(problem);
        const ssp = solveAssignment(problem, { algorithm: 'ssp' });
        expect(fast.served).toBe(ssp.served);
        expect(fast.objective).toBe(ssp.objective);
        for (let p = 0; p < problem.providerCount; p++) expect(fast.used[p]).toBeLessThanOrEqual(problem.capacity[p]!);
      }),
      { numRuns: 400, seed: 20261127 },
    );
  });

  it('the core is exact from warm prices and from zero prices (safe penalty)', () => {
    fc.assert(
      fc.property(instance, (problem) => {
        const input = coreInput(problem);
        const ssp = solveAssignment(problem, { algorithm: 'ssp', costScale: 1 });
        const expected = [ssp.served, ssp.objective];
        const warm = warmStartPrices(input);
        expect(summary(problem, costScalingAssignment({ ...input, providerPrice: warm }).assignedArc)).toEqual(expected);
        expect(summary(problem, costScalingAssignment(input).assignedArc)).toEqual(expected);
      }),
      { numRuns: 300, seed: 7 },
    );
  });

  it('prices exactly the providers of the deficient region', () => {
    // Two providers of capacity 1: provider 0 is wanted by three residents (two stay
    // unserved), provider 1 by one resident only. Resident 3 has no arcs at all.
    const input = {
      R: 4,
      P: 3,
      capacity: Int32Array.from([1, 1, 0]),
      arcStart: Int32Array.from([0, 1, 2, 4, 4]),
      arcProvider: Int32Array.from([0, 0, 0, 1]),
      cost: Float64Array.from([5, 7, 2, 9]),
      unservedCost: 100,
    };
    const price = warmStartPrices(input);
    // Resident 2 could move to provider 1, so provider 1 is open; provider 0 is full and
    // serves one of residents 0, 1 (the greedy gives it resident 0, cost 5).
    expect(price[0]).toBe(5 - 100);
    expect(price[1]).toBe(0);
    expect(price[2]).toBe(0);
  });
});
