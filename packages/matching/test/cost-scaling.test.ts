import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { costScalingAssignment } from '../src/cost-scaling';
import { type AssignmentProblem, solveAssignment } from '../src/index';

// Medium random instances with shortages, many equal costs and zero-capacity providers:
// the per-provider heaps (ties between keys) and the optional global price update have
// invariants a brute force on 7 residents cannot reach, so compare with SSP instead.
const mediumInstance: fc.Arbitrary<AssignmentProblem> = fc
  .record({
    residents: fc.integer({ min: 1, max: 60 }),
    providers: fc.integer({ min: 1, max: 12 }),
    maxCost: fc.constantFrom(0, 1, 3, 50, 10_000),
    seed: fc.integer(),
  })
  .chain(({ residents, providers, maxCost }) =>
    fc.record({
      capacity: fc.array(fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 8 })), {
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
          const P = problem.providerCount;
          const cost = Float64Array.from(problem.arcCost);
          let maxCost = 0;
          for (const c of cost) if (c > maxCost) maxCost = c;
          const input = {
            R: problem.residentCount,
            P,
            capacity: Int32Array.from(problem.capacity),
            arcStart: Int32Array.from(problem.arcStart),
            arcProvider: Int32Array.from(problem.arcProvider),
            cost,
            unservedCost: (P + 1) * maxCost + 1, // safe: max served first
          };
          const plain = costScalingAssignment({ ...input, updateFrequency: 0 });
          const updated = costScalingAssignment({ ...input, updateFrequency });
          const summary = (arcs: Int32Array): [number, number] => {
            let served = 0;
            let total = 0;
            for (const a of arcs) {
              if (a >= 0) {
                served++;
                total += problem.arcCost[a]!;
              }
            }
            return [served, total];
          };
          const ssp = solveAssignment(problem, { algorithm: 'ssp', costScale: 1 });
          expect(summary(plain.assignedArc)).toEqual([ssp.served, ssp.objective]);
          expect(summary(updated.assignedArc)).toEqual([ssp.served, ssp.objective]);
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
