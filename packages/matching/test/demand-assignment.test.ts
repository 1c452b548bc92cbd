import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { generateHomeVisitInstance } from '../bench/generate-home-visit';
import { solveDemandLpWithHighs } from '../bench/highs-lp';
import {
  type DemandAssignmentProblem,
  type DemandAssignmentResult,
  InvalidProblemError,
  solveAssignment,
  solveAssignmentLists,
  solveDemandAssignment,
  solveDemandAssignmentLists,
} from '../src/index';
import { randomDemandProblem, randomProblem } from './random-problems';

/** Every served resident wholly at one of its own arcs; no provider over capacity; the sums add up. */
function checkFeasible(problem: DemandAssignmentProblem, result: DemandAssignmentResult): void {
  const used = new Array<number>(problem.providerCount).fill(0);
  let served = 0;
  let servedDemand = 0;
  let objective = 0;
  for (let r = 0; r < problem.residentCount; r++) {
    const a = result.assignedArc[r]!;
    if (a < 0) {
      expect(result.assignment[r]).toBe(-1);
      continue;
    }
    expect(a).toBeGreaterThanOrEqual(problem.arcStart[r]!);
    expect(a).toBeLessThan(problem.arcStart[r + 1]!);
    expect(result.assignment[r]).toBe(problem.arcProvider[a]);
    used[problem.arcProvider[a]!]! += problem.demand[r]!;
    served++;
    servedDemand += problem.demand[r]!;
    objective += problem.arcCost[a]!;
  }
  for (let p = 0; p < problem.providerCount; p++) {
    expect(used[p]).toBeLessThanOrEqual(problem.capacity[p]!);
    expect(result.used[p]).toBe(used[p]);
  }
  expect(result.served).toBe(served);
  expect(result.servedDemand).toBe(servedDemand);
  expect(result.objective).toBeCloseTo(objective, 6);
}

/** Integral answer never above the relaxation: fewer hours, or as many at no less cost. */
function checkBelowBound(result: DemandAssignmentResult): void {
  expect(result.servedDemand).toBeLessThanOrEqual(result.bound.servedDemand);
  if (result.servedDemand === result.bound.servedDemand) {
    expect(result.objective).toBeGreaterThanOrEqual(result.bound.objective - 1e-6 * Math.max(1, result.bound.objective));
  }
}

const closeTo = (actual: number, expected: number): void => {
  expect(Math.abs(actual - expected)).toBeLessThanOrEqual(1e-6 * Math.max(1, Math.abs(expected)));
};

/** Every way to serve each resident wholly at one option or not at all: (most hours, then least cost). */
function bruteForce(problem: DemandAssignmentProblem): { servedDemand: number; objective: number } {
  const room = Array.from(problem.capacity);
  let best = { servedDemand: -1, objective: Infinity };
  const visit = (r: number, hours: number, cost: number): void => {
    if (r === problem.residentCount) {
      if (hours > best.servedDemand || (hours === best.servedDemand && cost < best.objective)) {
        best = { servedDemand: hours, objective: cost };
      }
      return;
    }
    visit(r + 1, hours, cost);
    const d = problem.demand[r]!;
    for (let a = problem.arcStart[r]!; a < problem.arcStart[r + 1]!; a++) {
      const p = problem.arcProvider[a]!;
      if (room[p]! >= d) {
        room[p]! -= d;
        visit(r + 1, hours + d, cost + problem.arcCost[a]!);
        room[p]! += d;
      }
    }
  };
  visit(0, 0, 0);
  return best;
}

describe('solveDemandAssignmentLists: hand-made cases', () => {
  it('a big demand beats two small ones when hours are short', () => {
    // Prepare: 20 hours at one organisation; Wang needs 20 h, Li and Zhao 8 h each (and are
    // nearer). Serving the two small ones would serve more residents but fewer hours.
    const input = {
      residents: [
        { id: 'wang', demand: 20, options: [{ providerId: 'org', cost: 900 }] },
        { id: 'li', demand: 8, options: [{ providerId: 'org', cost: 100 }] },
        { id: 'zhao', demand: 8, options: [{ providerId: 'org', cost: 100 }] },
      ],
      providers: [{ id: 'org', capacity: 20 }],
    };

    // Act
    const result = solveDemandAssignmentLists(input);

    // Assess
    expect(result.assignments.get('wang')).toBe('org');
    expect(result.assignments.get('li')).toBeNull();
    expect(result.assignments.get('zhao')).toBeNull();
    expect(result.served).toBe(1);
    expect(result.servedDemand).toBe(20);
    expect(result.objective).toBe(900);
    expect(result.used.get('org')).toBe(20);
    // The relaxation fills the same 20 hours more cheaply per hour: Li, Zhao and 4 of Wang's
    // hours (100 + 100 + 900 · 4/20 = 380). Rounding drops the split Wang, then evicts Li and
    // Zhao (16 h) to serve Wang (20 h).
    expect(result.bound).toEqual({ servedDemand: 20, objective: 380 });
  });

  it('never splits a resident, even when the split would serve all of it', () => {
    // Prepare: 12 hours needed, two organisations with 10 hours each.
    const input = {
      residents: [
        {
          id: 'wang',
          demand: 12,
          options: [
            { providerId: 'a', cost: 10 },
            { providerId: 'b', cost: 20 },
          ],
        },
      ],
      providers: [
        { id: 'a', capacity: 10 },
        { id: 'b', capacity: 10 },
      ],
    };

    // Act
    const result = solveDemandAssignmentLists(input);

    // Assess: the relaxation splits (10 h at a, 2 h at b: cost 10·10/12 + 20·2/12 = 11.67),
    // the answer cannot.
    expect(result.assignments.get('wang')).toBeNull();
    expect(result.servedDemand).toBe(0);
    expect(result.used.get('a')).toBe(0);
    expect(result.used.get('b')).toBe(0);
    expect(result.bound.servedDemand).toBe(12);
    expect(result.bound.objective).toBeCloseTo(140 / 12, 9);
  });

  it('places a split resident wholly where it fits and keeps every capacity', () => {
    // Prepare: the relaxation serves 8 h of Li at a and 4 h at b; b has room for all 12.
    const input = {
      residents: [
        { id: 'wang', demand: 4, options: [{ providerId: 'a', cost: 1 }] },
        {
          id: 'li',
          demand: 12,
          options: [
            { providerId: 'a', cost: 1 },
            { providerId: 'b', cost: 50 },
          ],
        },
        { id: 'zhao', demand: 4, options: [{ providerId: 'b', cost: 1 }] },
      ],
      providers: [
        { id: 'a', capacity: 12 },
        { id: 'b', capacity: 16 },
      ],
    };

    // Act
    const result = solveDemandAssignmentLists(input);

    // Assess: everyone fits: Wang at a (4/12), Li at b (12 + Zhao's 4 = 16/16).
    expect(result.servedDemand).toBe(20);
    expect(result.assignments.get('li')).toBe('b');
    expect(result.used.get('a')).toBeLessThanOrEqual(12);
    expect(result.used.get('b')).toBeLessThanOrEqual(16);
    expect(result.bound.servedDemand).toBe(20);
  });

  it('handles capacities up to 2^31 − 1 without overflow', () => {
    // Prepare: sums of hours pass 2^31: two organisations at the Int32 limit, four residents
    // of 2^30 hours each (each organisation fits one: two would be 2^31 > 2^31 − 1).
    const big = 2 ** 31 - 1;
    const residents = [0, 1, 2, 3].map((i) => ({
      id: `r${i}`,
      demand: 2 ** 30,
      options: [
        { providerId: 'a', cost: i + 1 },
        { providerId: 'b', cost: 10 - i },
      ],
    }));

    // Act
    const result = solveDemandAssignmentLists({ residents, providers: [{ id: 'a', capacity: big }, { id: 'b', capacity: big }] });

    // Assess
    expect(result.served).toBe(2);
    expect(result.servedDemand).toBe(2 ** 31);
    expect(result.used.get('a')).toBe(2 ** 30);
    expect(result.used.get('b')).toBe(2 ** 30);
    expect(result.bound.servedDemand).toBe(2 * big);
  });

  it('serves nobody without options, and handles empty input', () => {
    const empty = solveDemandAssignmentLists({ residents: [], providers: [] });
    expect(empty.served).toBe(0);
    expect(empty.bound).toEqual({ servedDemand: 0, objective: 0 });
    const lonely = solveDemandAssignmentLists({ residents: [{ id: 'x', demand: 4, options: [] }], providers: [{ id: 'p', capacity: 0 }] });
    expect(lonely.assignments.get('x')).toBeNull();
  });
});

describe('solveDemandAssignment with every demand 1 equals the assignment solver', () => {
  it('same served and objective as solveAssignment / solveAssignmentLists on random instances', () => {
    fc.assert(
      fc.property(randomProblem({ minResidents: 0, maxResidents: 80, maxProviders: 12, maxCapacity: 8 }), (problem) => {
        // Prepare
        const demand = new Array<number>(problem.residentCount).fill(1);
        const lists = {
          residents: Array.from({ length: problem.residentCount }, (_, r) => ({
            id: `r${r}`,
            demand: 1,
            options: Array.from({ length: problem.arcStart[r + 1]! - problem.arcStart[r]! }, (_, k) => ({
              providerId: `p${problem.arcProvider[problem.arcStart[r]! + k]!}`,
              cost: problem.arcCost[problem.arcStart[r]! + k]!,
            })),
          })),
          providers: Array.from(problem.capacity, (capacity, p) => ({ id: `p${p}`, capacity })),
        };

        // Act
        const ours = solveDemandAssignment({ ...problem, demand });
        const reference = solveAssignment(problem);
        const oursLists = solveDemandAssignmentLists(lists);
        const referenceLists = solveAssignmentLists(lists);

        // Assess
        checkFeasible({ ...problem, demand }, ours);
        expect(ours.served).toBe(reference.served);
        expect(ours.servedDemand).toBe(reference.served);
        expect(ours.objective).toBe(reference.objective);
        expect(ours.bound.servedDemand).toBe(reference.served);
        expect(ours.bound.objective).toBe(reference.objective);
        expect(ours.stats.split).toBe(0);
        expect(oursLists.served).toBe(referenceLists.served);
        expect(oursLists.objective).toBe(referenceLists.objective);
      }),
      { numRuns: 300, seed: 31 },
    );
  });
});

const hoursInstance = randomDemandProblem({
  minResidents: 0,
  maxResidents: 40,
  maxProviders: 8,
  maxCapacity: 60,
  demands: fc.oneof(fc.constantFrom(4, 8, 12, 20, 30), fc.integer({ min: 1, max: 10 })),
});

describe('the relaxation is exact', () => {
  it('equals HiGHS on the same LP (hours and cost) on small random instances', async () => {
    await fc.assert(
      fc.asyncProperty(hoursInstance, async (problem) => {
        // Act
        const ours = solveDemandAssignment(problem);
        const highs = await solveDemandLpWithHighs(problem);

        // Assess
        expect(highs.status).toBe('Optimal');
        closeTo(ours.bound.servedDemand, highs.servedDemand);
        closeTo(ours.bound.objective, highs.objective);
      }),
      { numRuns: 150, seed: 2026 },
    );
  }, 60_000);

  it('equals successive shortest paths (no penalty) and keeps the split count within the forest bound', () => {
    fc.assert(
      fc.property(hoursInstance, (problem) => {
        // Act
        const fast = solveDemandAssignment(problem);
        const ssp = solveDemandAssignment(problem, { algorithm: 'ssp' });

        // Assess
        expect(fast.bound.servedDemand).toBe(ssp.bound.servedDemand);
        closeTo(fast.bound.objective, ssp.bound.objective);
        // A basic flow splits at most one resident per provider.
        expect(fast.stats.split).toBeLessThanOrEqual(problem.providerCount);
        expect(ssp.stats.split).toBeLessThanOrEqual(problem.providerCount);
      }),
      { numRuns: 300, seed: 77 },
    );
  });

  it('raises the penalty when serving more hours needs a long chain of moves', () => {
    // Prepare: residents 0..k (4 h each) sit on organisations 0..k at cost 0 and could each
    // move one organisation right at cost 100; one more resident fits only organisation 0.
    // Serving every hour shifts the whole chain (cost 100·(k+1)), far above 4 × the max cost.
    const k = 12;
    const arcStart = [0];
    const arcProvider: number[] = [];
    const arcCost: number[] = [];
    for (let i = 0; i <= k; i++) {
      arcProvider.push(i, i + 1);
      arcCost.push(0, 100);
      arcStart.push(arcProvider.length);
    }
    arcProvider.push(0);
    arcCost.push(0);
    arcStart.push(arcProvider.length);
    const problem = {
      residentCount: k + 2,
      providerCount: k + 2,
      capacity: new Array(k + 2).fill(4),
      arcStart,
      arcProvider,
      arcCost,
      demand: new Array(k + 2).fill(4),
    };

    // Act
    const result = solveDemandAssignment(problem);

    // Assess
    expect(result.bound.servedDemand).toBe(4 * (k + 2));
    expect(result.servedDemand).toBe(4 * (k + 2));
    expect(result.objective).toBe(100 * (k + 1));
    expect(result.stats.runs).toBeGreaterThan(1);
  });
});

describe('the integral answer', () => {
  it('is feasible and never above the bound on random instances (also without improvement passes)', () => {
    fc.assert(
      fc.property(hoursInstance, fc.constantFrom(0, 4), (problem, improvePasses) => {
        // Act
        const result = solveDemandAssignment(problem, { improvePasses });

        // Assess
        checkFeasible(problem, result);
        checkBelowBound(result);
        // Whole residents of the basic flow keep their hours: the loss is at most the hours
        // of the split residents, fewer than d_r each.
        let maxDemand = 0;
        for (let r = 0; r < problem.residentCount; r++) maxDemand = Math.max(maxDemand, problem.demand[r]!);
        expect(result.servedDemand).toBeGreaterThanOrEqual(result.bound.servedDemand - result.stats.split * Math.max(0, maxDemand - 1));
      }),
      { numRuns: 400, seed: 5 },
    );
  });

  it('on tiny instances: feasible, at most the brute-force optimum, which is at most the bound; records how often it is optimal', () => {
    // Prepare
    const tiny = randomDemandProblem({
      minResidents: 0,
      maxResidents: 7,
      maxProviders: 3,
      maxCapacity: 30,
      demands: fc.constantFrom(4, 8, 12, 20, 30),
    });
    const tally = { runs: 0, optimalHours: 0, optimal: 0, hoursLost: 0, hoursOptimal: 0 };

    // Act
    fc.assert(
      fc.property(tiny, (problem) => {
        const result = solveDemandAssignment(problem);
        const best = bruteForce(problem);

        // Assess
        checkFeasible(problem, result);
        expect(result.servedDemand).toBeLessThanOrEqual(best.servedDemand);
        if (result.servedDemand === best.servedDemand) expect(result.objective).toBeGreaterThanOrEqual(best.objective);
        expect(best.servedDemand).toBeLessThanOrEqual(result.bound.servedDemand);
        if (best.servedDemand === result.bound.servedDemand) {
          expect(best.objective).toBeGreaterThanOrEqual(result.bound.objective - 1e-9);
        }
        tally.runs++;
        tally.hoursOptimal += best.servedDemand;
        tally.hoursLost += best.servedDemand - result.servedDemand;
        if (result.servedDemand === best.servedDemand) {
          tally.optimalHours++;
          if (result.objective === best.objective) tally.optimal++;
        }
      }),
      { numRuns: 500, seed: 11 },
    );

    // Assess: a record, not a guarantee (the problem is NP-hard); measured with this seed:
    // see the README ("Home visits"). The thresholds only catch a regression of the rounding.
    console.info(
      `tiny instances: ${tally.optimalHours}/${tally.runs} with optimal hours, ${tally.optimal}/${tally.runs} fully optimal; ` +
        `hours lost ${tally.hoursLost} of ${tally.hoursOptimal}`,
    );
    expect(tally.optimalHours / tally.runs).toBeGreaterThan(0.9);
  });

  it('is feasible and within 2 % of the bound on a generated 2,000 × 100 home-visit instance', () => {
    // Prepare
    const { problem } = generateHomeVisitInstance({ residents: 2_000, providers: 100, seed: 3 });

    // Act
    const result = solveDemandAssignment(problem);

    // Assess
    checkFeasible(problem, result);
    checkBelowBound(result);
    expect(result.servedDemand).toBeGreaterThan(0.98 * result.bound.servedDemand);
    expect(result.stats.split).toBeLessThanOrEqual(problem.providerCount);
  });
});

describe('bad input is refused with InvalidProblemError naming the place', () => {
  const valid = () => ({
    residents: [
      { id: 'wang', demand: 8, options: [{ providerId: 'a', cost: 5 }] },
      { id: 'li', demand: 4, options: [{ providerId: 'b', cost: 7 }] },
    ],
    providers: [
      { id: 'a', capacity: 10 },
      { id: 'b', capacity: 10 },
    ],
  });
  type Input = ReturnType<typeof valid>;

  it.each<[string, (input: Input) => void, string]>([
    ['demand 0', (i) => {
        i.residents[0]!.demand = 0;
      }, 'resident wang: demand 0 is not a positive integer'],
    ['fractional demand', (i) => {
        i.residents[1]!.demand = 2.5;
      }, 'resident li: demand 2.5 is not a positive integer'],
    ['negative capacity', (i) => {
        i.providers[1]!.capacity = -1;
      }, 'provider b: capacity -1 is not a non-negative integer'],
    ['fractional capacity', (i) => {
        i.providers[0]!.capacity = 1.5;
      }, 'provider a: capacity 1.5 is not a non-negative integer'],
    ['unknown provider', (i) => {
        i.residents[0]!.options = [{ providerId: 'z', cost: 1 }];
      }, 'resident wang option 0: provider z does not exist'],
    ['duplicate resident', (i) => {
        i.residents[1]!.id = 'wang';
      }, 'resident 1: duplicate id wang'],
    ['duplicate provider', (i) => {
        i.providers[1]!.id = 'a';
      }, 'provider 1: duplicate id a'],
    ['NaN cost', (i) => {
        i.residents[1]!.options = [{ providerId: 'b', cost: Number.NaN }];
      }, 'resident li option 0: cost is NaN'],
    ['negative cost', (i) => {
        i.residents[1]!.options = [{ providerId: 'b', cost: -3 }];
      }, 'resident li option 0: cost -3 is negative'],
    ['infinite cost', (i) => {
        i.residents[0]!.options = [{ providerId: 'a', cost: Number.POSITIVE_INFINITY }];
      }, 'resident wang option 0: cost is infinite'],
    [
      'option listed twice',
      (i) => {
        i.residents[0]!.options = [{ providerId: 'a', cost: 1 }, { providerId: 'a', cost: 2 }];
      },
      'resident wang option 1: provider a listed twice',
    ],
  ])('%s', (_name, spoil, message) => {
    const input = valid();
    spoil(input);
    expect(() => solveDemandAssignmentLists(input)).toThrow(InvalidProblemError);
    expect(() => solveDemandAssignmentLists(input)).toThrow(message);
  });

  it('the typed-array form checks demand too', () => {
    const problem = { residentCount: 1, providerCount: 1, capacity: [4], arcStart: [0, 1], arcProvider: [0], arcCost: [1], demand: [-4] };
    expect(() => solveDemandAssignment(problem)).toThrow('resident 0: demand -4 is not a positive integer');
    expect(() => solveDemandAssignment({ ...problem, demand: [] })).toThrow('demand has length 0, expected residentCount 1');
  });
});
