import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { costScalingAssignment } from '../src/cost-scaling';
import { solveAssignment } from '../src/index';
import { warmStartPrices } from '../src/warm-start';
import { coreInput, randomProblem, servedAndCost } from './random-problems';

const instance = randomProblem({ minResidents: 0, maxResidents: 120, maxProviders: 15, maxCapacity: 10 });

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
        expect(servedAndCost(problem, costScalingAssignment({ ...input, providerPrice: warm }).assignedArc)).toEqual(expected);
        expect(servedAndCost(problem, costScalingAssignment(input).assignedArc)).toEqual(expected);
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
