import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { generateInstance } from '../bench/generate';
import { problemFromLists } from '../test/random-problems';
import { type AssignmentProblem, solveAssignment } from './assignment';

/** Two problems side by side: residents and providers of `b` after those of `a`, no arc between them. */
function sideBySide(a: AssignmentProblem, b: AssignmentProblem): AssignmentProblem {
  const arcStart = [...Array.from(a.arcStart), ...Array.from(b.arcStart).slice(1).map((x) => x + a.arcProvider.length)];
  return {
    residentCount: a.residentCount + b.residentCount,
    providerCount: a.providerCount + b.providerCount,
    capacity: [...Array.from(a.capacity), ...Array.from(b.capacity)],
    arcStart,
    arcProvider: [...Array.from(a.arcProvider), ...Array.from(b.arcProvider).map((p) => p + a.providerCount)],
    arcCost: [...Array.from(a.arcCost), ...Array.from(b.arcCost)],
  };
}

describe('independent components', () => {
  it('solving two districts side by side gives the sum of their answers', () => {
    const a = generateInstance({ residents: 1_500, providers: 90, seed: 41 }).problem;
    const b = generateInstance({ residents: 900, providers: 60, seed: 42, capacityRatio: 0.5 }).problem;
    const ra = solveAssignment(a);
    const rb = solveAssignment(b);
    const both = solveAssignment(sideBySide(a, b), { splitComponents: true });
    expect(both.served).toBe(ra.served + rb.served);
    expect(both.objective).toBe(ra.objective + rb.objective);
    expect(Array.from(both.assignment.subarray(0, 1_500))).toEqual(Array.from(ra.assignment));
    const ssp = solveAssignment(sideBySide(a, b), { algorithm: 'ssp' });
    expect([both.served, both.objective]).toEqual([ssp.served, ssp.objective]);
    const whole = solveAssignment(sideBySide(a, b), { splitComponents: false });
    expect([whole.served, whole.objective]).toEqual([both.served, both.objective]);
  });

  it('equals SSP on random instances made of several small components', () => {
    const piece = fc
      .record({ residents: fc.integer({ min: 0, max: 8 }), providers: fc.integer({ min: 1, max: 4 }) })
      .chain(({ residents, providers }) =>
        fc.record({
          capacity: fc.array(fc.integer({ min: 0, max: 3 }), { minLength: providers, maxLength: providers }),
          options: fc.array(
            fc.uniqueArray(fc.tuple(fc.integer({ min: 0, max: providers - 1 }), fc.integer({ min: 0, max: 30 })), {
              selector: (o) => o[0],
              maxLength: providers,
            }),
            { minLength: residents, maxLength: residents },
          ),
        }),
      )
      .map(({ capacity, options }): AssignmentProblem => problemFromLists(capacity, options));
    fc.assert(
      fc.property(fc.array(piece, { minLength: 2, maxLength: 6 }), (pieces) => {
        const problem = pieces.reduce((acc, next) => sideBySide(acc, next));
        const fast = solveAssignment(problem, { splitComponents: true });
        const ssp = solveAssignment(problem, { algorithm: 'ssp' });
        expect([fast.served, fast.objective]).toEqual([ssp.served, ssp.objective]);
        for (let p = 0; p < problem.providerCount; p++) expect(fast.used[p]).toBeLessThanOrEqual(problem.capacity[p]!);
      }),
      { numRuns: 300, seed: 99 },
    );
  });
});
