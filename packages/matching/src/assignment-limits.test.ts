import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { problemFromLists } from '../test/random-problems';
import { type AssignmentProblem, clampCapacities, solveAssignment } from './assignment';

/**
 * Issue 10's two defects: capacities whose sum passes 2^31 − 1, and the cliff where a penalty
 * for unserved residents grew past the exact range on long augmenting chains and the solver
 * fell back to successive shortest paths. SSP needs neither penalty nor capacity sums, so it
 * is the reference here.
 */
const HUGE = 0x7fffffff;

const fromLists = problemFromLists;

function expectSameAsSsp(problem: AssignmentProblem): ReturnType<typeof solveAssignment> {
  const fast = solveAssignment(problem);
  const ssp = solveAssignment(problem, { algorithm: 'ssp' });
  expect([fast.served, fast.objective]).toEqual([ssp.served, ssp.objective]);
  for (let p = 0; p < problem.providerCount; p++) expect(fast.used[p]).toBeLessThanOrEqual(problem.capacity[p]!);
  return fast;
}

describe('capacities up to 2^31 − 1', () => {
  it('one resident, three unlimited providers at costs 9, 9, 2: objective 2', () => {
    const result = expectSameAsSsp(fromLists([HUGE, HUGE, HUGE], [[[0, 9], [1, 9], [2, 2]]]));
    expect(result.objective).toBe(2);
  });

  it('four residents, capacities [2, 2^31 − 1, 2^31 − 1]: all four served', () => {
    const all: [number, number][] = [
      [0, 1],
      [1, 5],
      [2, 7],
    ];
    const result = expectSameAsSsp(fromLists([2, HUGE, HUGE], [all, all, all, all]));
    expect(result.served).toBe(4);
    expect(result.objective).toBe(1 + 1 + 5 + 5);
  });

  it('a case that threw a RangeError (capacity sums wrapped in Int32)', () => {
    const problem = fromLists(
      [2, 1, HUGE, 2],
      [
        [
          [0, 0],
          [1, 8],
          [3, 0],
        ],
        [
          [0, 1],
          [1, 8],
          [2, 9],
        ],
        [
          [0, 1],
          [1, 9],
          [2, 7],
          [3, 3],
        ],
        [
          [1, 1],
          [2, 8],
        ],
      ],
    );
    const result = expectSameAsSsp(problem);
    expect(result.served).toBe(4);
  });

  it('equals SSP on random instances mixing capacities 0 .. 3 and 2^31 − 1', () => {
    const instance = fc
      .record({ residents: fc.integer({ min: 1, max: 12 }), providers: fc.integer({ min: 1, max: 5 }) })
      .chain(({ residents, providers }) =>
        fc.record({
          capacity: fc.array(fc.oneof(fc.constant(HUGE), fc.integer({ min: 0, max: 3 })), { minLength: providers, maxLength: providers }),
          options: fc.array(
            fc.uniqueArray(fc.tuple(fc.integer({ min: 0, max: providers - 1 }), fc.integer({ min: 0, max: 20 })), {
              selector: (o) => o[0],
              maxLength: providers,
            }),
            { minLength: residents, maxLength: residents },
          ),
        }),
      );
    fc.assert(
      fc.property(instance, ({ capacity, options }) => {
        expectSameAsSsp(fromLists(capacity, options));
      }),
      { numRuns: 400, seed: 20261203 },
    );
  });
});

describe('clampCapacities', () => {
  it('clamps each capacity to the number of residents with an arc to the provider', () => {
    // Provider 0 is reachable by 3 residents, provider 1 by 1, provider 2 by none.
    const clamped = clampCapacities([HUGE, 5, 7, 2], [0, 1, 0, 0, 3, 3, 3], 4);
    expect(Array.from(clamped)).toEqual([3, 1, 0, 2]);
  });

  it('does not change the answer, and keeps `used` within the reach', () => {
    fc.assert(
      fc.property(
        fc.array(fc.array(fc.tuple(fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 9 })), { maxLength: 4 }), {
          minLength: 1,
          maxLength: 10,
        }),
        fc.array(fc.integer({ min: 0, max: 4 }), { minLength: 4, maxLength: 4 }),
        (raw, small) => {
          const options = raw.map((list) => list.filter(([p], i) => list.findIndex(([q]) => q === p) === i));
          const declared = fromLists(
            small.map((c) => c * 1_000_000),
            options,
          );
          const reach = [0, 0, 0, 0];
          for (const list of options) for (const [p] of list) reach[p]!++;
          const clamped = fromLists(reach, options);
          const a = solveAssignment(declared);
          const b = solveAssignment(clamped);
          const c = solveAssignment(declared, { algorithm: 'ssp' });
          expect([a.served, a.objective]).toEqual([c.served, c.objective]);
          // Capacities at or above the reach answer like capacities equal to it.
          for (let p = 0; p < 4; p++) {
            if (small[p]! > 0) continue;
            expect(a.used[p]).toBe(0);
          }
          if (small.every((x) => x > 0)) expect([a.served, a.objective]).toEqual([b.served, b.objective]);
          for (let p = 0; p < 4; p++) expect(a.used[p]).toBeLessThanOrEqual(reach[p]!);
        },
      ),
      { numRuns: 300, seed: 11 },
    );
  });
});

/**
 * Residents 0..k sit on providers 0..k at cost 0 and could each move one provider right at a
 * cost near 10^7; one more resident fits only provider 0, and provider k+1 is free. Serving
 * everyone shifts the whole chain. `filler` residents with private providers make the network
 * large, so a penalty big enough for the chain times the node count passes 2^53.
 */
function longChain(k: number, filler: number): AssignmentProblem {
  const capacity: number[] = [];
  const options: [number, number][][] = [];
  for (let i = 0; i <= k; i++) {
    options.push([
      [i, 0],
      [i + 1, 9_999_991 - (i % 7)],
    ]);
  }
  options.push([[0, 0]]);
  for (let i = 0; i <= k + 1; i++) capacity.push(1);
  for (let j = 0; j < filler; j++) {
    const p = capacity.length;
    capacity.push(1);
    options.push([[p, (j * 7919) % 10_000_000]]);
  }
  return fromLists(capacity, options);
}

describe('no penalty cliff', () => {
  it('a long chain with costs near 10^7 on 16k residents stays on cost scaling and is optimal', () => {
    const k = 150;
    const problem = longChain(k, 16_000);
    const result = solveAssignment(problem);
    expect(result.stats.algorithm).toBe('cost-scaling');
    expect(result.served).toBe(problem.residentCount);
    let chain = 0;
    for (let i = 0; i <= k; i++) chain += 9_999_991 - (i % 7);
    let fillerCost = 0;
    for (let j = 0; j < 16_000; j++) fillerCost += (j * 7919) % 10_000_000;
    expect(result.objective).toBe(chain + fillerCost);
  });

  it('equals SSP on chains where serving the last resident needs every move, costs up to 10^7', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 40 }), fc.integer({ min: 0, max: 200 }), (k, filler) => {
        const result = expectSameAsSsp(longChain(k, filler));
        expect(result.stats.algorithm).toBe('cost-scaling');
      }),
      { numRuns: 30, seed: 3 },
    );
  });

  it('a shortage region behind a long chain: the unserved resident is the cheapest to drop', () => {
    // The chain as above with provider k+1 closed: one resident stays unserved, and leaving
    // out the extra one (instead of shifting the chain) costs nothing.
    const k = 30;
    const base = longChain(k, 0);
    const capacity = Array.from(base.capacity);
    capacity[k + 1] = 0;
    const result = expectSameAsSsp({ ...base, capacity });
    expect(result.served).toBe(k + 1);
    expect(result.objective).toBe(0);
    expect(result.stats.algorithm).toBe('cost-scaling');
  });
});
