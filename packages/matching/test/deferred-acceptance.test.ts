import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type DeferredAcceptanceInput, deferredAcceptance, InvalidProblemError, mulberry32 } from '../src/index';

interface Round {
  children: { preferences: number[]; band: number }[];
  nurseries: { capacity: number[] }[];
  priority: number[];
  lottery: number[];
}

const roundArb = (maxChildren: number, maxNurseries: number): fc.Arbitrary<Round> =>
  fc
    .record({
      n: fc.integer({ min: 0, max: maxChildren }),
      nurseries: fc.integer({ min: 1, max: maxNurseries }),
      bands: fc.integer({ min: 1, max: 2 }),
    })
    .chain(({ n, nurseries, bands }) =>
      fc.record({
        children: fc.array(
          fc.record({
            preferences: fc.uniqueArray(fc.integer({ min: 0, max: nurseries - 1 }), { maxLength: Math.min(5, nurseries) }),
            band: fc.integer({ min: 0, max: bands - 1 }),
          }),
          { minLength: n, maxLength: n },
        ),
        nurseries: fc.array(
          fc.record({ capacity: fc.array(fc.integer({ min: 0, max: 2 }), { minLength: bands, maxLength: bands }) }),
          { minLength: nurseries, maxLength: nurseries },
        ),
        priority: fc.array(fc.integer({ min: 0, max: 3 }), { minLength: n, maxLength: n }),
        // Small lottery range so ties in priority *and* lottery happen (index breaks them).
        lottery: fc.array(fc.integer({ min: 0, max: 3 }), { minLength: n, maxLength: n }),
      }),
    );

/** Nursery-side order: priority desc, lottery asc, index asc. True when a beats b. */
const beats = (round: Round, a: number, b: number): boolean =>
  round.priority[a]! !== round.priority[b]!
    ? round.priority[a]! > round.priority[b]!
    : round.lottery[a]! !== round.lottery[b]!
      ? round.lottery[a]! < round.lottery[b]!
      : a < b;

/** Position of nursery j in child i's list (lower is better); unassigned = list length. */
const position = (round: Round, i: number, j: number): number => {
  const k = round.children[i]!.preferences.indexOf(j);
  return j < 0 ? round.children[i]!.preferences.length : k < 0 ? Infinity : k;
};

function isStable(round: Round, assignment: ArrayLike<number>): boolean {
  const n = round.children.length;
  for (let i = 0; i < n; i++) {
    const band = round.children[i]!.band;
    for (const j of round.children[i]!.preferences) {
      if (position(round, i, j) >= position(round, i, assignment[i]!)) break; // not preferred
      const holders: number[] = [];
      for (let x = 0; x < n; x++) if (assignment[x] === j && round.children[x]!.band === band) holders.push(x);
      if (holders.length < round.nurseries[j]!.capacity[band]!) return false; // empty place
      if (holders.some((x) => beats(round, i, x))) return false; // would displace a lower-ranked child
    }
  }
  return true;
}

function isFeasible(round: Round, assignment: ArrayLike<number>): boolean {
  const load = new Map<string, number>();
  for (let i = 0; i < round.children.length; i++) {
    const j = assignment[i]!;
    if (j < 0) continue;
    if (!round.children[i]!.preferences.includes(j)) return false; // only listed nurseries
    const key = `${j}:${round.children[i]!.band}`;
    load.set(key, (load.get(key) ?? 0) + 1);
  }
  for (const [key, count] of load) {
    const [j, band] = key.split(':').map(Number) as [number, number];
    if (count > round.nurseries[j]!.capacity[band]!) return false;
  }
  return true;
}

/** Every stable matching, by enumeration (tiny instances only). */
function allStableMatchings(round: Round): number[][] {
  const n = round.children.length;
  const out: number[][] = [];
  const current = new Array<number>(n).fill(-1);
  const visit = (i: number): void => {
    if (i === n) {
      if (isFeasible(round, current) && isStable(round, current)) out.push([...current]);
      return;
    }
    for (const j of [-1, ...round.children[i]!.preferences]) {
      current[i] = j;
      visit(i + 1);
    }
    current[i] = -1;
  };
  visit(0);
  return out;
}

/** Textbook round-based deferred acceptance, written for clarity, not speed. */
function naiveDeferredAcceptance(round: Round): number[] {
  const n = round.children.length;
  const next = new Array<number>(n).fill(0);
  const held = new Array<number>(n).fill(-1);
  for (;;) {
    let proposed = false;
    const proposals = new Map<string, number[]>();
    for (let i = 0; i < n; i++) {
      if (held[i]! >= 0 || next[i]! >= round.children[i]!.preferences.length) continue;
      const j = round.children[i]!.preferences[next[i]!++]!;
      const key = `${j}:${round.children[i]!.band}`;
      proposals.set(key, [...(proposals.get(key) ?? []), i]);
      proposed = true;
    }
    if (!proposed) return held;
    for (const [key, applicants] of proposals) {
      const [j, band] = key.split(':').map(Number) as [number, number];
      const pool = [...applicants];
      for (let x = 0; x < n; x++) if (held[x] === j && round.children[x]!.band === band) pool.push(x);
      pool.sort((a, b) => (beats(round, a, b) ? -1 : 1));
      const keep = pool.slice(0, round.nurseries[j]!.capacity[band]!);
      for (const x of pool) held[x] = keep.includes(x) ? j : -1;
    }
  }
}

/**
 * 150 seeded rounds in the common-priority form (up to 400 children, 30 nurseries, 3 bands;
 * integer, fractional and negative points; tied, drawn or seeded lotteries), and FNV-1a over
 * every answer: assignment, choice, rank, placed, proposals.
 */
function commonFormFingerprint(): string {
  let hash = 0x811c9dc5;
  const mix = (x: number): void => {
    hash = Math.imul(hash ^ (x & 0xffff), 0x01000193);
    hash = Math.imul(hash ^ (x >>> 16), 0x01000193);
  };
  const rnd = mulberry32(20261203);
  const int = (k: number): number => Math.floor(rnd() * k);
  for (let t = 0; t < 150; t++) {
    const n = int(401);
    const N = 1 + int(30);
    const bands = 1 + int(3);
    const children = Array.from({ length: n }, () => {
      const preferences: number[] = [];
      const length = int(Math.min(5, N) + 1);
      while (preferences.length < length) {
        const j = int(N);
        if (!preferences.includes(j)) preferences.push(j);
      }
      return { preferences, band: int(bands) };
    });
    const nurseries = Array.from({ length: N }, () => ({ capacity: Array.from({ length: bands }, () => int(7)) }));
    const kind = t % 3;
    const priority = Array.from({ length: n }, () => (kind === 0 ? int(4) : kind === 1 ? int(5) / 4 - 0.5 : -int(3)));
    const lotteryKind = int(3);
    const lottery =
      lotteryKind === 0
        ? Array.from({ length: n }, () => int(10))
        : lotteryKind === 1
          ? Array.from({ length: n }, () => rnd() - 0.5)
          : undefined;
    const result = deferredAcceptance({ children, nurseries, priority, lottery, lotterySeed: t });
    for (const array of [result.assignment, result.choice, result.rank]) for (const x of array) mix(x);
    mix(result.placed);
    mix(result.proposals);
  }
  return (hash >>> 0).toString(16).padStart(8, '0');
}

const run = (round: Round): Int32Array => deferredAcceptance(round satisfies DeferredAcceptanceInput).assignment;

describe('deferredAcceptance', () => {
  it('is feasible, stable and child-optimal (vs every stable matching) on tiny rounds', () => {
    fc.assert(
      fc.property(roundArb(5, 3), (round) => {
        const assignment = run(round);
        expect(isFeasible(round, assignment)).toBe(true);
        expect(isStable(round, assignment)).toBe(true);
        const stable = allStableMatchings(round);
        expect(stable.length).toBeGreaterThan(0);
        for (const other of stable) {
          for (let i = 0; i < round.children.length; i++) {
            expect(position(round, i, assignment[i]!)).toBeLessThanOrEqual(position(round, i, other[i]!));
          }
        }
      }),
      { numRuns: 300, seed: 99 },
    );
  });

  it('equals a naive round-based implementation on larger rounds', () => {
    fc.assert(
      fc.property(roundArb(40, 6), (round) => {
        const assignment = run(round);
        expect(Array.from(assignment)).toEqual(naiveDeferredAcceptance(round));
        expect(isStable(round, assignment)).toBe(true);
      }),
      { numRuns: 200, seed: 3 },
    );
  });

  it('answers the common-priority form exactly as before per-nursery priorities existed', () => {
    // Recorded with the implementation that had only the common priority (one rank per child).
    expect(commonFormFingerprint()).toBe('a8f799d9');
  });

  it('respects age bands: a place in one band is not a place in another', () => {
    const result = deferredAcceptance({
      children: [
        { preferences: [0], band: 0 },
        { preferences: [0], band: 1 },
        { preferences: [0], band: 1 },
      ],
      nurseries: [{ capacity: [1, 1] }],
      priority: [0, 5, 1],
    });
    expect(Array.from(result.assignment)).toEqual([0, 0, -1]);
    expect(result.placed).toBe(2);
  });

  it('breaks priority ties by the seeded lottery, reproducibly', () => {
    const input = {
      children: Array.from({ length: 20 }, () => ({ preferences: [0], band: 0 })),
      nurseries: [{ capacity: [5] }],
      priority: new Array(20).fill(1),
    };
    const a = deferredAcceptance({ ...input, lotterySeed: 1 });
    const b = deferredAcceptance({ ...input, lotterySeed: 1 });
    const c = deferredAcceptance({ ...input, lotterySeed: 2 });
    expect(Array.from(a.assignment)).toEqual(Array.from(b.assignment));
    expect(Array.from(a.assignment)).not.toEqual(Array.from(c.assignment));
    expect(a.placed).toBe(5);
  });

  it.each([
    ['unknown nursery', { children: [{ preferences: [3], band: 0 }] }, 'child 0 preference 0: nursery 3 does not exist'],
    ['unknown band', { children: [{ preferences: [0], band: 2 }] }, 'child 0: age band 2 does not exist'],
    ['duplicate preference', { children: [{ preferences: [0, 0], band: 0 }] }, 'nursery 0 is listed twice'],
    ['negative capacity', { nurseries: [{ capacity: [1, -2] }] }, 'nursery 0 band 1: capacity -2'],
    ['NaN priority', { priority: [Number.NaN] }, 'child 0: priority NaN is not a finite number'],
  ])('refuses %s', (_name, patch, message) => {
    const input = {
      children: [{ preferences: [0], band: 0 }],
      nurseries: [{ capacity: [1, 1] }],
      priority: [0],
      ...patch,
    };
    expect(() => deferredAcceptance(input)).toThrow(InvalidProblemError);
    expect(() => deferredAcceptance(input)).toThrow(message);
  });
});
