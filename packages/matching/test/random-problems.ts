import fc from 'fast-check';
import type { CostScalingInput } from '../src/cost-scaling';
import type { AssignmentProblem, DemandAssignmentProblem } from '../src/index';

/**
 * Random instances with shortages, many equal costs, zero costs, zero-capacity providers and
 * (when `minResidents` is 0) residents without arcs: the corner cases of the exact solvers that a
 * brute force on seven residents cannot reach, so tests compare them with SSP instead.
 */
export function randomProblem(opts: { minResidents: number; maxResidents: number; maxProviders: number; maxCapacity: number }): fc.Arbitrary<AssignmentProblem> {
  return fc
    .record({
      residents: fc.integer({ min: opts.minResidents, max: opts.maxResidents }),
      providers: fc.integer({ min: 1, max: opts.maxProviders }),
      maxCost: fc.constantFrom(0, 1, 3, 50, 10_000),
    })
    .chain(({ residents, providers, maxCost }) =>
      fc.record({
        capacity: fc.array(fc.oneof(fc.constant(0), fc.integer({ min: 0, max: opts.maxCapacity })), {
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
    .map(({ capacity, options }) => problemFromLists(capacity, options.map((list) => list.map((o) => [o.provider, o.cost] as const))));
}

/** A problem from each resident's list of (provider, cost). */
export function problemFromLists(capacity: number[], options: readonly (readonly (readonly [provider: number, cost: number])[])[]): AssignmentProblem {
  const arcStart = [0];
  const arcProvider: number[] = [];
  const arcCost: number[] = [];
  for (const list of options) {
    for (const [p, c] of list) {
      arcProvider.push(p);
      arcCost.push(c);
    }
    arcStart.push(arcProvider.length);
  }
  return { residentCount: options.length, providerCount: capacity.length, capacity, arcStart, arcProvider, arcCost };
}

/** The cost-scaling core's input for a problem whose costs are already integers, with a safe penalty. */
export function coreInput(problem: AssignmentProblem): CostScalingInput {
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

/** [served, total cost] of the arcs a core run chose. */
export function servedAndCost(problem: AssignmentProblem, arcs: Int32Array): [number, number] {
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

/**
 * Random home-visit instances: demands drawn from `demands` (care-level hours, or 1..n),
 * capacities in hours (often short), the same option structure as `randomProblem`.
 */
export function randomDemandProblem(opts: {
  minResidents: number;
  maxResidents: number;
  maxProviders: number;
  maxCapacity: number;
  demands: fc.Arbitrary<number>;
}): fc.Arbitrary<DemandAssignmentProblem> {
  return randomProblem(opts).chain((problem) =>
    fc
      .array(opts.demands, { minLength: problem.residentCount, maxLength: problem.residentCount })
      .map((demand) => ({ ...problem, demand })),
  );
}
