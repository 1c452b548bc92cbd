import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { costScalingAssignment } from '../src/cost-scaling';
import { solveAssignment } from '../src/index';
import { coreInput, randomProblem, servedAndCost } from './random-problems';

// Medium instances: the per-provider heaps (ties between keys) and the optional global price update.
const mediumInstance = randomProblem({ minResidents: 1, maxResidents: 60, maxProviders: 12, maxCapacity: 8 });

describe('cost scaling against successive shortest paths', () => {
  it('equal served and objective on medium random instances (shortages, ties, zero capacities)', () => {
    fc.assert(
      fc.property(mediumInstance, (problem) => {
        const fast = solveAssignment(problem);
        const ssp = solveAssignment(problem, { algorithm: 'ssp' });
        expect(fast.served).toBe(ssp.served);
        expect(fast.objective).toBe(ssp.objective);
        for (let p = 0; p < problem.providerCount; p++) expect(fast.used[p]).toBeLessThanOrEqual(problem.capacity[p]!);
      }),
      { numRuns: 300, seed: 424242 },
    );
  });

  it.each([1, 0.05])(
    'with global price updates (every %s · n relabels) the core gives the same optimum',
    (updateFrequency) => {
      fc.assert(
        fc.property(mediumInstance, (problem) => {
          const input = coreInput(problem);
          const plain = costScalingAssignment({ ...input, updateFrequency: 0 });
          const updated = costScalingAssignment({ ...input, updateFrequency });
          const ssp = solveAssignment(problem, { algorithm: 'ssp', costScale: 1 });
          expect(servedAndCost(problem, plain.assignedArc)).toEqual([ssp.served, ssp.objective]);
          expect(servedAndCost(problem, updated.assignedArc)).toEqual([ssp.served, ssp.objective]);
        }),
        { numRuns: 200, seed: 99 },
      );
    },
  );
});

describe('typed-array input', () => {
  it('gives the same answer as plain arrays and leaves the caller arrays unchanged', () => {
    fc.assert(
      fc.property(mediumInstance, (problem) => {
        const typed = {
          residentCount: problem.residentCount,
          providerCount: problem.providerCount,
          capacity: Int32Array.from(problem.capacity),
          arcStart: Int32Array.from(problem.arcStart),
          arcProvider: Int32Array.from(problem.arcProvider),
          arcCost: Float64Array.from(problem.arcCost, (c) => c / 1000),
        };
        const copy = {
          capacity: typed.capacity.slice(),
          arcStart: typed.arcStart.slice(),
          arcProvider: typed.arcProvider.slice(),
          arcCost: typed.arcCost.slice(),
        };
        const plain = solveAssignment({ ...problem, arcCost: Array.from(typed.arcCost) });
        const fast = solveAssignment(typed);
        expect(fast.served).toBe(plain.served);
        expect(fast.objective).toBe(plain.objective);
        expect(Array.from(fast.assignment)).toEqual(Array.from(plain.assignment));
        expect(typed.capacity).toEqual(copy.capacity);
        expect(typed.arcStart).toEqual(copy.arcStart);
        expect(typed.arcProvider).toEqual(copy.arcProvider);
        expect(typed.arcCost).toEqual(copy.arcCost);
      }),
      { numRuns: 100, seed: 77 },
    );
  });
});
