import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { generateInstance } from '../bench/generate';
import {
  type AssignmentProblem,
  buildAssignmentProblem,
  InvalidProblemError,
  solveAssignment,
  solveAssignmentLists,
} from '../src/index';

interface SmallInstance {
  capacity: number[];
  options: { provider: number; cost: number }[][];
}

function toProblem(instance: SmallInstance): AssignmentProblem {
  const arcStart = [0];
  const arcProvider: number[] = [];
  const arcCost: number[] = [];
  for (const options of instance.options) {
    for (const o of options) {
      arcProvider.push(o.provider);
      arcCost.push(o.cost);
    }
    arcStart.push(arcProvider.length);
  }
  return {
    residentCount: instance.options.length,
    providerCount: instance.capacity.length,
    capacity: instance.capacity,
    arcStart,
    arcProvider,
    arcCost,
  };
}

/** Enumerates every feasible assignment: the lexicographic optimum (served, then cost). */
function bruteForce(instance: SmallInstance): { served: number; cost: number } {
  const used = instance.capacity.map(() => 0);
  let best = { served: -1, cost: Infinity };
  const visit = (r: number, served: number, cost: number): void => {
    if (r === instance.options.length) {
      if (served > best.served || (served === best.served && cost < best.cost)) best = { served, cost };
      return;
    }
    visit(r + 1, served, cost);
    for (const o of instance.options[r]!) {
      if (used[o.provider]! < instance.capacity[o.provider]!) {
        used[o.provider]!++;
        visit(r + 1, served + 1, cost + o.cost);
        used[o.provider]!--;
      }
    }
  };
  visit(0, 0, 0);
  return best;
}

const smallInstance = (costs: fc.Arbitrary<number>): fc.Arbitrary<SmallInstance> =>
  fc
    .record({ providers: fc.integer({ min: 1, max: 4 }), residents: fc.integer({ min: 0, max: 7 }) })
    .chain(({ providers, residents }) =>
      fc.record({
        capacity: fc.array(fc.integer({ min: 0, max: 3 }), { minLength: providers, maxLength: providers }),
        options: fc.array(
          fc.uniqueArray(fc.record({ provider: fc.integer({ min: 0, max: providers - 1 }), cost: costs }), {
            selector: (o) => o.provider,
            maxLength: providers,
          }),
          { minLength: residents, maxLength: residents },
        ),
      }),
    );

function checkFeasible(problem: AssignmentProblem, result: ReturnType<typeof solveAssignment>): void {
  const used = new Array<number>(problem.providerCount).fill(0);
  let served = 0;
  let objective = 0;
  for (let r = 0; r < problem.residentCount; r++) {
    const a = result.assignedArc[r]!;
    if (a < 0) {
      expect(result.assignment[r]).toBe(-1);
      continue;
    }
    // The arc belongs to this resident and names the reported provider.
    expect(a).toBeGreaterThanOrEqual(problem.arcStart[r]!);
    expect(a).toBeLessThan(problem.arcStart[r + 1]!);
    expect(result.assignment[r]).toBe(problem.arcProvider[a]);
    used[problem.arcProvider[a]!]!++;
    served++;
    objective += problem.arcCost[a]!;
  }
  for (let p = 0; p < problem.providerCount; p++) {
    expect(used[p]).toBeLessThanOrEqual(problem.capacity[p]!);
    expect(result.used[p]).toBe(used[p]);
  }
  expect(result.served).toBe(served);
  expect(result.objective).toBeCloseTo(objective, 9);
}

describe('solveAssignment', () => {
  it.each(['cost-scaling', 'ssp'] as const)('%s matches brute force on small random instances', (algorithm) => {
    fc.assert(
      fc.property(smallInstance(fc.integer({ min: 0, max: 30 })), (instance) => {
        const problem = toProblem(instance);
        const result = solveAssignment(problem, { algorithm });
        const best = bruteForce(instance);
        checkFeasible(problem, result);
        expect(result.served).toBe(best.served);
        expect(result.objective).toBe(best.cost);
      }),
      { numRuns: 400, seed: 20240601 },
    );
  });

  it('is exact for costs with up to three decimals (costScale 1000)', () => {
    fc.assert(
      fc.property(smallInstance(fc.integer({ min: 0, max: 30_000 }).map((x) => x / 1000)), (instance) => {
        const problem = toProblem(instance);
        const result = solveAssignment(problem);
        const best = bruteForce(instance);
        checkFeasible(problem, result);
        expect(result.served).toBe(best.served);
        expect(result.objective).toBeCloseTo(best.cost, 9);
      }),
      { numRuns: 200, seed: 7 },
    );
  });

  it('serves the maximum even when that needs a long, expensive chain of moves', () => {
    // Residents 0..k sit on providers 0..k (cost 0); each could move one provider right at
    // cost 100. One extra resident only fits provider 0, and provider k+1 is free: serving
    // everyone means shifting the whole chain (cost 100·(k+1)), far above 4 × the max cost,
    // which defeated a small penalty; the two-phase solve needs none and stays on cost scaling.
    const k = 12;
    const options: { provider: number; cost: number }[][] = [];
    for (let i = 0; i <= k; i++) {
      options.push([
        { provider: i, cost: 0 },
        { provider: i + 1, cost: 100 },
      ]);
    }
    options.push([{ provider: 0, cost: 0 }]);
    const problem = toProblem({ capacity: new Array(k + 2).fill(1), options });
    const result = solveAssignment(problem);
    expect(result.served).toBe(k + 2);
    expect(result.objective).toBe(100 * (k + 1));
    expect(result.stats.algorithm).toBe('cost-scaling');
    expect(solveAssignment(problem, { algorithm: 'ssp' }).objective).toBe(100 * (k + 1));
  });

  it('prefers the cheaper resident when only one can be served', () => {
    const problem = toProblem({
      capacity: [1],
      options: [[{ provider: 0, cost: 10 }], [{ provider: 0, cost: 1 }]],
    });
    const result = solveAssignment(problem);
    expect(Array.from(result.assignment)).toEqual([-1, 0]);
    expect(result.objective).toBe(1);
  });

  it('agrees with successive shortest paths on a generated 2,000 × 120 instance', () => {
    const { problem } = generateInstance({ residents: 2_000, providers: 120, seed: 5 });
    const fast = solveAssignment(problem);
    const ssp = solveAssignment(problem, { algorithm: 'ssp' });
    checkFeasible(problem, fast);
    expect(fast.served).toBe(ssp.served);
    expect(fast.objective).toBe(ssp.objective);
    expect(fast.served).toBeLessThan(2_000); // the shortage is real, so "max served" matters
  });

  it('stays exact when capacities say "unlimited" (2^31 − 1 each, summing past Int32)', () => {
    // Prepare: one resident, three providers of capacity 2^31 − 1; the cheapest arc costs 2
    const max = 2 ** 31 - 1;
    const problem: AssignmentProblem = { residentCount: 1, providerCount: 3, capacity: [max, max, max], arcStart: [0, 3], arcProvider: [0, 1, 2], arcCost: [9, 9, 2] };

    // Act
    const result = solveAssignment(problem);

    // Assess: the sink's excess (−Σ supplies, with Σ capacities far past Int32) is held in doubles
    expect(result).toMatchObject({ served: 1, objective: 2 });
    expect(solveAssignment(problem, { algorithm: 'ssp' })).toMatchObject({ served: 1, objective: 2 });
  });

  it('handles empty problems', () => {
    const result = solveAssignment({
      residentCount: 0,
      providerCount: 0,
      capacity: [],
      arcStart: [0],
      arcProvider: [],
      arcCost: [],
    });
    expect(result.served).toBe(0);
    expect(result.objective).toBe(0);
  });
});

describe('bad input is refused with InvalidProblemError', () => {
  const valid = (): {
    residentCount: number;
    providerCount: number;
    capacity: number[];
    arcStart: number[];
    arcProvider: number[];
    arcCost: number[];
  } => ({
    residentCount: 2,
    providerCount: 2,
    capacity: [1, 1],
    arcStart: [0, 2, 3],
    arcProvider: [0, 1, 1],
    arcCost: [5, 7, 2],
  });

  it.each([
    ['negative capacity', { capacity: [1, -1] }, 'provider 1: capacity -1 is not a non-negative integer'],
    ['fractional capacity', { capacity: [1.5, 1] }, 'provider 0: capacity 1.5 is not a non-negative integer'],
    ['NaN cost', { arcCost: [5, 7, Number.NaN] }, 'resident 1 arc 0: cost is NaN'],
    ['negative cost', { arcCost: [5, -7, 2] }, 'resident 0 arc 1: cost -7 is negative'],
    ['infinite cost', { arcCost: [Number.POSITIVE_INFINITY, 7, 2] }, 'resident 0 arc 0: cost is infinite'],
    ['nonexistent provider', { arcProvider: [0, 2, 1] }, 'resident 0 arc 1: provider 2 does not exist (providerCount 2)'],
    ['offsets out of order', { arcStart: [0, 3, 2] }, 'arcStart[2] is 2, expected the number of arcs 3'],
    ['decreasing offsets', { arcStart: [0, 2, 1, 3], residentCount: 3 }, 'resident 1: arcStart[2] = 1 is not an integer >= arcStart[1] = 2'],
    ['short offsets', { arcStart: [0, 3] }, 'arcStart has length 2, expected residentCount + 1 = 3'],
    ['capacity length', { capacity: [1] }, 'capacity has length 1, expected providerCount 2'],
  ])('%s', (_name, patch, message) => {
    const problem = { ...valid(), ...patch };
    expect(() => solveAssignment(problem)).toThrow(InvalidProblemError);
    expect(() => solveAssignment(problem)).toThrow(message);
  });

  it('the friendly builder names unknown providers by id', () => {
    expect(() =>
      buildAssignmentProblem({
        residents: [{ id: 'r1', options: [{ providerId: 'nowhere', cost: 1 }] }],
        providers: [{ id: 'p1', capacity: 1 }],
      }),
    ).toThrow('resident r1 option 0: provider nowhere does not exist');
  });
});

describe('solveAssignmentLists', () => {
  it('maps the answer back to ids', () => {
    const result = solveAssignmentLists({
      residents: [
        { id: 'wang', options: [{ providerId: 'meal-point', cost: 300 }, { providerId: 'station', cost: 900 }] },
        { id: 'li', options: [{ providerId: 'meal-point', cost: 200 }] },
        { id: 'zhao', options: [] },
      ],
      providers: [
        { id: 'meal-point', capacity: 1 },
        { id: 'station', capacity: 2 },
      ],
    });
    expect(result.served).toBe(2);
    expect(result.objective).toBe(1100);
    expect(result.assignments.get('wang')).toBe('station');
    expect(result.assignments.get('li')).toBe('meal-point');
    expect(result.assignments.get('zhao')).toBeNull();
    expect(result.used.get('station')).toBe(1);
  });
});
