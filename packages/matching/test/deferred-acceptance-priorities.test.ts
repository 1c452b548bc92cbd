import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type DeferredAcceptanceInput,
  type DeferredAcceptanceResult,
  deferredAcceptance,
  InvalidProblemError,
  mulberry32,
} from '../src/index';

/**
 * A childcare round as the world sees it: each child's true list, and its priority points at
 * every nursery (whether listed or not), so a child can report another list and keep its
 * points — a sibling at a nursery does not depend on the form.
 */
interface World {
  bands: number;
  nurseries: { capacity: number[] }[];
  children: { preferences: number[]; band: number }[];
  /** Per child: whether it carries `priorities`; when not, its common priority applies. */
  own: boolean[];
  /** Per child and nursery: points there when the child carries `priorities`. */
  nurseryPoints: number[][];
  /** Common points per child, or undefined (then every child carries `priorities`). */
  priority: number[] | undefined;
  lottery: number[];
}

/** Points of child i at nursery j, as the specification defines them. */
const pointsAt = (w: World, i: number, j: number): number => (w.own[i] ? w.nurseryPoints[i]![j]! : w.priority![i]!);

/** Nursery j's ranking: points there desc, lottery asc, index asc. True when a beats b at j. */
const beatsAt = (w: World, j: number, a: number, b: number): boolean => {
  const pa = pointsAt(w, a, j);
  const pb = pointsAt(w, b, j);
  if (pa !== pb) return pa > pb;
  if (w.lottery[a] !== w.lottery[b]) return w.lottery[a]! < w.lottery[b]!;
  return a < b;
};

/** The input for a world, with `lists` as the reported preferences (default: the true ones). */
function inputOf(w: World, lists: readonly (readonly number[])[] = w.children.map((c) => c.preferences)): DeferredAcceptanceInput {
  return {
    children: w.children.map((c, i) => ({
      preferences: [...lists[i]!],
      band: c.band,
      ...(w.own[i] ? { priorities: lists[i]!.map((j) => w.nurseryPoints[i]![j]!) } : {}),
    })),
    nurseries: w.nurseries,
    ...(w.priority !== undefined ? { priority: w.priority } : {}),
    lottery: w.lottery,
  };
}

const solve = (w: World, lists?: readonly (readonly number[])[]): DeferredAcceptanceResult =>
  deferredAcceptance(inputOf(w, lists));

/**
 * Random worlds: small integer points and lotteries, so ties in points and in lottery are
 * common; some children carry per-nursery points and some rely on the common priority (which
 * is sometimes omitted, and then every child carries its own); capacities 0–2.
 */
const worldArb = (
  maxChildren: number,
  maxNurseries: number,
  { maxListLength = 5, maxCapacity = 2, minChildren = 0, maxBands = 2 } = {},
): fc.Arbitrary<World> =>
  fc
    .record({
      n: fc.integer({ min: minChildren, max: maxChildren }),
      nurseries: fc.integer({ min: 1, max: maxNurseries }),
      bands: fc.integer({ min: 1, max: maxBands }),
      common: fc.boolean(),
    })
    .chain(({ n, nurseries, bands, common }) =>
      fc.record({
        bands: fc.constant(bands),
        nurseries: fc.array(
          fc.record({ capacity: fc.array(fc.integer({ min: 0, max: maxCapacity }), { minLength: bands, maxLength: bands }) }),
          { minLength: nurseries, maxLength: nurseries },
        ),
        children: fc.array(
          fc.record({
            preferences: fc.uniqueArray(fc.integer({ min: 0, max: nurseries - 1 }), {
              maxLength: Math.min(maxListLength, nurseries),
            }),
            band: fc.integer({ min: 0, max: bands - 1 }),
          }),
          { minLength: n, maxLength: n },
        ),
        own: fc.array(common ? fc.boolean() : fc.constant(true), { minLength: n, maxLength: n }),
        nurseryPoints: fc.array(fc.array(fc.integer({ min: 0, max: 3 }), { minLength: nurseries, maxLength: nurseries }), {
          minLength: n,
          maxLength: n,
        }),
        priority: common ? fc.array(fc.integer({ min: 0, max: 3 }), { minLength: n, maxLength: n }) : fc.constant(undefined),
        lottery: fc.array(fc.integer({ min: 0, max: 3 }), { minLength: n, maxLength: n }),
      }),
    );

/** Position of nursery j in a list (lower is better); unplaced (-1) and unlisted are worst. */
const position = (list: readonly number[], j: number): number => {
  const k = j < 0 ? -1 : list.indexOf(j);
  return k < 0 ? Number.POSITIVE_INFINITY : k;
};

/** Children held at (j, band). */
const holdersAt = (w: World, assignment: ArrayLike<number>, j: number, band: number): number[] => {
  const out: number[] = [];
  for (let x = 0; x < w.children.length; x++) if (assignment[x] === j && w.children[x]!.band === band) out.push(x);
  return out;
};

/** A blocking pair, or undefined: child i, nursery j it prefers, with a free place or a lower-ranked admit. */
function blockingPair(w: World, assignment: ArrayLike<number>): [number, number] | undefined {
  for (let i = 0; i < w.children.length; i++) {
    const { preferences, band } = w.children[i]!;
    const mine = position(preferences, assignment[i]!);
    for (let k = 0; k < preferences.length && k < mine; k++) {
      const j = preferences[k]!;
      const holders = holdersAt(w, assignment, j, band);
      if (holders.length < w.nurseries[j]!.capacity[band]!) return [i, j];
      if (holders.some((h) => beatsAt(w, j, i, h))) return [i, j];
    }
  }
  return undefined;
}

/** Listed nurseries only, each (nursery, band) within capacity. */
function feasible(w: World, assignment: ArrayLike<number>): boolean {
  for (let i = 0; i < w.children.length; i++) {
    const j = assignment[i]!;
    if (j >= 0 && !w.children[i]!.preferences.includes(j)) return false;
  }
  for (let j = 0; j < w.nurseries.length; j++) {
    for (let b = 0; b < w.bands; b++) if (holdersAt(w, assignment, j, b).length > w.nurseries[j]!.capacity[b]!) return false;
  }
  return true;
}

/** Every feasible stable matching (tiny worlds only). */
function allStableMatchings(w: World): number[][] {
  const n = w.children.length;
  const out: number[][] = [];
  const current = new Array<number>(n).fill(-1);
  const visit = (i: number): void => {
    if (i === n) {
      if (feasible(w, current) && blockingPair(w, current) === undefined) out.push([...current]);
      return;
    }
    for (const j of [-1, ...w.children[i]!.preferences]) {
      current[i] = j;
      visit(i + 1);
    }
    current[i] = -1;
  };
  visit(0);
  return out;
}

/** Textbook round-based deferred acceptance with per-nursery rankings, for clarity, not speed. */
function naiveDeferredAcceptance(w: World): number[] {
  const n = w.children.length;
  const next = new Array<number>(n).fill(0);
  const held = new Array<number>(n).fill(-1);
  for (;;) {
    const proposals = new Map<string, number[]>();
    for (let i = 0; i < n; i++) {
      if (held[i]! >= 0 || next[i]! >= w.children[i]!.preferences.length) continue;
      const key = `${w.children[i]!.preferences[next[i]!++]!}:${w.children[i]!.band}`;
      proposals.set(key, [...(proposals.get(key) ?? []), i]);
    }
    if (proposals.size === 0) return held;
    for (const [key, applicants] of proposals) {
      const [j, band] = key.split(':').map(Number) as [number, number];
      const pool = [...applicants, ...holdersAt(w, held, j, band)];
      pool.sort((a, b) => (beatsAt(w, j, a, b) ? -1 : 1));
      const keep = pool.slice(0, w.nurseries[j]!.capacity[band]!);
      for (const x of pool) held[x] = keep.includes(x) ? j : -1;
    }
  }
}

/** Every ordered list of distinct nurseries of length 0..maxLength. */
function allLists(nurseries: number, maxLength: number): number[][] {
  const out: number[][] = [[]];
  const grow = (list: number[]): void => {
    if (list.length === maxLength) return;
    for (let j = 0; j < nurseries; j++) {
      if (list.includes(j)) continue;
      const longer = [...list, j];
      out.push(longer);
      grow(longer);
    }
  };
  grow([]);
  return out;
}

/** Twin pairs: two distinct children made identical, sharing a lottery number no one else has. */
const twinWorldArb = (maxChildren: number, maxNurseries: number): fc.Arbitrary<{ world: World; twins: [number, number] }> =>
  worldArb(maxChildren, maxNurseries)
    .filter((w) => w.children.length >= 2)
    .chain((w) =>
      fc
        .record({
          a: fc.integer({ min: 0, max: w.children.length - 1 }),
          b: fc.integer({ min: 0, max: w.children.length - 1 }),
          family: fc.integer({ min: 0, max: 3 }),
        })
        .filter(({ a, b }) => a !== b)
        .map(({ a, b, family }) => {
          const world: World = structuredClone(w);
          world.children[b] = structuredClone(world.children[a]!);
          world.own[b] = world.own[a]!;
          world.nurseryPoints[b] = [...world.nurseryPoints[a]!];
          if (world.priority !== undefined) world.priority[b] = world.priority[a]!;
          // Everyone else draws integers, so the family's number is theirs alone.
          world.lottery[a] = family + 0.5;
          world.lottery[b] = family + 0.5;
          return { world, twins: [a, b] as [number, number] };
        }),
    );

describe('deferredAcceptance with per-nursery priorities', () => {
  it('is feasible, consistent and stable (no blocking pair) on random rounds', () => {
    fc.assert(
      fc.property(worldArb(30, 6), (w) => {
        const result = solve(w);
        const { assignment, choice, cutoff, admitted } = result;
        expect(feasible(w, assignment)).toBe(true);
        expect(blockingPair(w, assignment)).toBeUndefined();
        let placed = 0;
        for (let i = 0; i < w.children.length; i++) {
          const list = w.children[i]!.preferences;
          if (assignment[i]! >= 0) placed++;
          expect(choice[i]).toBe(assignment[i]! < 0 ? -1 : list.indexOf(assignment[i]!));
          if (assignment[i]! < 0) expect(choice[i]).toBe(-1);
        }
        expect(result.placed).toBe(placed);
        expect(Array.from(result.lottery)).toEqual(w.lottery);
        // Admitted counts and cutoffs: the lowest-ranked admit of each full key.
        expect(admitted.length).toBe(w.nurseries.length * w.bands);
        for (let j = 0; j < w.nurseries.length; j++) {
          for (let b = 0; b < w.bands; b++) {
            const key = j * w.bands + b;
            const holders = holdersAt(w, assignment, j, b);
            expect(admitted[key]).toBe(holders.length);
            const cap = w.nurseries[j]!.capacity[b]!;
            if (cap > 0 && holders.length === cap) {
              const last = holders.reduce((x, y) => (beatsAt(w, j, x, y) ? y : x));
              expect(cutoff[key]).toBe(last);
            } else {
              expect(cutoff[key]).toBe(-1);
            }
          }
        }
      }),
      { numRuns: 400, seed: 11 },
    );
  });

  it('equals a naive round-based implementation', () => {
    fc.assert(
      fc.property(worldArb(40, 6), (w) => {
        expect(Array.from(solve(w).assignment)).toEqual(naiveDeferredAcceptance(w));
      }),
      { numRuns: 300, seed: 12 },
    );
  });

  it('is child-optimal: every stable matching is weakly worse for every child (brute force)', () => {
    fc.assert(
      fc.property(worldArb(5, 3), (w) => {
        const { assignment } = solve(w);
        const stable = allStableMatchings(w);
        expect(stable.length).toBeGreaterThan(0);
        for (const other of stable) {
          for (let i = 0; i < w.children.length; i++) {
            const list = w.children[i]!.preferences;
            expect(position(list, assignment[i]!)).toBeLessThanOrEqual(position(list, other[i]!));
          }
        }
      }),
      { numRuns: 300, seed: 13 },
    );
  });

  it('is strategy-proof for children: no reported list (ordered subset, length ≤ 3) gets a child a nursery it truly prefers', () => {
    fc.assert(
      // 3–5 children, one band, capacities 0–1: contention, where manipulation would pay.
      fc.property(worldArb(5, 3, { maxListLength: 3, maxCapacity: 1, minChildren: 3, maxBands: 1 }), (w) => {
        const truthful = solve(w).assignment;
        const alternatives = allLists(w.nurseries.length, 3);
        for (let i = 0; i < w.children.length; i++) {
          const truth = w.children[i]!.preferences;
          const lists = w.children.map((c) => c.preferences);
          for (const reported of alternatives) {
            lists[i] = reported;
            const got = solve(w, lists).assignment[i]!;
            // Better only if truly listed and above what truth-telling gives (unplaced is worst).
            expect(position(truth, got)).toBeGreaterThanOrEqual(position(truth, truthful[i]!));
          }
        }
      }),
      { numRuns: 300, seed: 14 },
    );
  });

  it('never separates twins (same points, band, list and family lottery number) by a third child', () => {
    fc.assert(
      fc.property(twinWorldArb(12, 4), ({ world: w, twins }) => {
        const { assignment, cutoff } = solve(w);
        const { preferences, band } = w.children[twins[0]]!;
        for (const [a, b] of [twins, [twins[1], twins[0]]] as const) {
          const j = assignment[a]!;
          // a admitted at j; b listed j (the same list) and was rejected there.
          if (j < 0 || position(preferences, j) >= position(preferences, assignment[b]!)) continue;
          const key = j * w.bands + band;
          // The rejected twin lost only to the capacity line: its twin is the key's cutoff,
          // nobody admitted there ranks below (let alone between) them, and the lower index won.
          expect(cutoff[key]).toBe(a);
          for (const h of holdersAt(w, assignment, j, band)) if (h !== a) expect(beatsAt(w, j, h, a)).toBe(true);
          expect(a).toBeLessThan(b);
        }
      }),
      { numRuns: 500, seed: 15 },
    );
  });

  it('gives the same answer whether equal points come from `priority` or from `priorities`', () => {
    fc.assert(
      fc.property(worldArb(30, 6), fc.infiniteStream(fc.boolean()), (w, flips) => {
        if (w.priority === undefined) return;
        const priority = w.priority;
        const common = deferredAcceptance({ ...inputOf({ ...w, own: w.own.map(() => false) }) });
        // The same points, spelled per preference for a random subset of children.
        const spelled: DeferredAcceptanceInput = {
          ...inputOf(w),
          children: w.children.map((c, i) =>
            flips.next().value ? { ...c, priorities: c.preferences.map(() => priority[i]!) } : { ...c },
          ),
        };
        const other = deferredAcceptance(spelled);
        expect(Array.from(other.assignment)).toEqual(Array.from(common.assignment));
        expect(Array.from(other.choice)).toEqual(Array.from(common.choice));
        expect(Array.from(other.cutoff)).toEqual(Array.from(common.cutoff));
        expect(Array.from(other.rank)).toEqual(Array.from(common.rank));
      }),
      { numRuns: 200, seed: 16 },
    );
  });

  it('orders children by (priority desc, lottery asc, index asc) for any finite numbers, -0 equal to 0', () => {
    const finite = fc.oneof(
      fc.double({ noNaN: true, noDefaultInfinity: true }),
      fc.constantFrom(0, -0, 5e-324, -5e-324, 1, -1),
    );
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 60 }).chain((n) =>
          fc.record({
            priority: fc.option(fc.array(finite, { minLength: n, maxLength: n }), { nil: undefined }),
            lottery: fc.array(finite, { minLength: n, maxLength: n }),
          }),
        ),
        ({ priority, lottery }) => {
          const n = lottery.length;
          const { rank } = deferredAcceptance({
            children: lottery.map(() => ({ preferences: [], band: 0 })),
            nurseries: [{ capacity: [1] }],
            priority,
            lottery,
          });
          const p = (i: number): number => (priority === undefined ? 0 : priority[i]!);
          const order = Array.from({ length: n }, (_, i) => i).sort((x, y) =>
            p(x) !== p(y) ? (p(x) > p(y) ? -1 : 1) : lottery[x] !== lottery[y] ? (lottery[x]! < lottery[y]! ? -1 : 1) : x - y,
          );
          const expected = new Array<number>(n);
          order.forEach((i, k) => {
            expected[i] = k;
          });
          expect(Array.from(rank)).toEqual(expected);
        },
      ),
      { numRuns: 300, seed: 17 },
    );
  });

  it('orders a large round (16-bit radix digits) like a comparison sort', () => {
    const rnd = mulberry32(8);
    const n = 20_000;
    const scales = [1, 1e-300, 1e300, 3];
    const number = (): number => {
      const u = rnd();
      if (u < 0.1) return u < 0.05 ? 0 : -0;
      if (u < 0.5) return Math.floor(rnd() * 7) - 3; // ties
      return (rnd() - 0.5) * scales[Math.floor(rnd() * scales.length)]!;
    };
    const priority = Array.from({ length: n }, number);
    const lottery = Array.from({ length: n }, number);
    const { rank } = deferredAcceptance({
      children: lottery.map(() => ({ preferences: [], band: 0 })),
      nurseries: [{ capacity: [1] }],
      priority,
      lottery,
    });
    const order = Array.from({ length: n }, (_, i) => i).sort(
      (x, y) => priority[y]! - priority[x]! || lottery[x]! - lottery[y]! || x - y,
    );
    for (let k = 0; k < n; k++) expect(rank[order[k]!]).toBe(k);
  });

  it('ranks by the points at each nursery: a sibling there beats higher common points', () => {
    const result = deferredAcceptance({
      children: [
        { preferences: [0, 1], band: 0 }, // common points 3 everywhere
        { preferences: [0, 1], band: 0, priorities: [5, 0] }, // sibling at nursery 0
        { preferences: [1, 0], band: 0, priorities: [1, 1] },
      ],
      nurseries: [{ capacity: [1] }, { capacity: [1] }],
      priority: [3, 0, 0],
      lottery: [0.9, 0.1, 0.5],
    });
    expect(Array.from(result.assignment)).toEqual([1, 0, -1]);
    expect(Array.from(result.choice)).toEqual([1, 0, -1]);
    expect(Array.from(result.cutoff)).toEqual([1, 0]);
    expect(Array.from(result.admitted)).toEqual([1, 1]);
    // Common order (priority desc): child 0 first, then 1 and 2 by lottery.
    expect(Array.from(result.rank)).toEqual([0, 1, 2]);
  });

  it('needs no common priority when every child carries its own; cutoffs stay -1 below capacity', () => {
    const result = deferredAcceptance({
      children: [
        { preferences: [0], band: 1, priorities: [2] },
        { preferences: [0], band: 1, priorities: [2] },
        { preferences: [0], band: 0, priorities: [0] },
        { preferences: [], band: 0 }, // lists nothing: needs no points
      ],
      nurseries: [{ capacity: [3, 1] }],
      lottery: [0.5, 0.25, 0, 0],
    });
    expect(Array.from(result.assignment)).toEqual([-1, 0, 0, -1]);
    expect(Array.from(result.cutoff)).toEqual([-1, 1]);
    expect(Array.from(result.admitted)).toEqual([1, 1]);
    expect(Array.from(result.rank)).toEqual([3, 2, 0, 1]); // lottery order when priority is omitted
    expect(result.placed).toBe(2);
    expect(result.proposals).toBe(3);
  });

  it.each([
    [
      'priorities of the wrong length',
      { children: [{ preferences: [0], band: 0, priorities: [1, 2] }] },
      'child 0: priorities has length 2, expected one per preference (1)',
    ],
    [
      'a NaN in priorities',
      { children: [{ preferences: [1, 0], band: 0, priorities: [1, Number.NaN] }] },
      'child 0 preference 1: priority NaN at nursery 0 is not a finite number',
    ],
    [
      'an infinite point',
      { children: [{ preferences: [1], band: 0, priorities: [Number.POSITIVE_INFINITY] }] },
      'child 0 preference 0: priority Infinity at nursery 1 is not a finite number',
    ],
    [
      'no points at all',
      { children: [{ preferences: [0], band: 0, priorities: [1] }, { preferences: [1], band: 0 }], priority: undefined },
      'child 1 preference 0: no priority at nursery 1',
    ],
    [
      'a NaN common priority even where priorities are given',
      { children: [{ preferences: [0], band: 0, priorities: [1] }], priority: [Number.NaN] },
      'child 0: priority NaN is not a finite number',
    ],
    ['a short common priority', { priority: [] }, 'priority has length 0, expected one per child (1)'],
  ])('refuses %s', (_name, patch, message) => {
    const input = {
      children: [{ preferences: [0], band: 0 }],
      nurseries: [{ capacity: [1] }, { capacity: [1] }],
      priority: [0] as number[] | undefined,
      ...patch,
    };
    expect(() => deferredAcceptance(input)).toThrow(InvalidProblemError);
    expect(() => deferredAcceptance(input)).toThrow(message);
  });
});
