import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { deferredAcceptance, InvalidProblemError, lotteryDraw } from '../src/index';

describe('lotteryDraw', () => {
  it('is the first 48 bits of SHA-256 over "seed:key" (vectors from sha256sum)', () => {
    // printf '20260901:A-0017' | sha256sum → 85e57bc4a81c…
    expect(lotteryDraw(20260901, 'A-0017')).toBe(0x85e57bc4a81c / 2 ** 48);
    // UTF-8 keys: printf '7:家庭-42' | sha256sum → the first 12 hex digits below.
    expect(lotteryDraw(7, '家庭-42')).toBe(0x31e06024b6de / 2 ** 48);
    expect(lotteryDraw(-3, '')).toBe(0x0025adb68b76 / 2 ** 48);
  });

  it('depends only on (seed, key): the same draw every time, whatever was drawn before', () => {
    fc.assert(
      fc.property(fc.integer(), fc.string(), fc.array(fc.string(), { maxLength: 5 }), (seed, key, others) => {
        const first = lotteryDraw(seed, key);
        for (const other of others) lotteryDraw(seed, other);
        expect(lotteryDraw(seed, key)).toBe(first);
        expect(first).toBeGreaterThanOrEqual(0);
        expect(first).toBeLessThan(1);
      }),
      { numRuns: 200, seed: 21 },
    );
  });

  it('spreads uniformly over [0, 1), distinct per key and per seed', () => {
    const draws = Array.from({ length: 20_000 }, (_, i) => lotteryDraw(20260901, `child-${i}`));
    expect(new Set(draws).size).toBe(draws.length);
    const mean = draws.reduce((x, y) => x + y, 0) / draws.length;
    expect(Math.abs(mean - 0.5)).toBeLessThan(0.01); // σ of the mean ≈ 0.002
    // Chi-square over 20 equal bins (19 degrees of freedom; P(χ² > 43.8) ≈ 0.001).
    const bins = new Array<number>(20).fill(0);
    for (const x of draws) bins[Math.floor(x * 20)]!++;
    const expected = draws.length / 20;
    const chi2 = bins.reduce((sum, count) => sum + (count - expected) ** 2 / expected, 0);
    expect(chi2).toBeLessThan(43.8);
    expect(Math.min(...draws)).toBeLessThan(0.001);
    expect(Math.max(...draws)).toBeGreaterThan(0.999);
    // Another seed reorders everyone.
    const other = draws.map((_, i) => lotteryDraw(20260902, `child-${i}`));
    let agree = 0;
    for (let i = 1; i < draws.length; i++) if (draws[i]! > draws[i - 1]! === other[i]! > other[i - 1]!) agree++;
    expect(Math.abs(agree / (draws.length - 1) - 0.5)).toBeLessThan(0.02);
  });

  it('refuses a seed that is not a safe integer (its decimal text would be ambiguous)', () => {
    for (const seed of [0.5, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 53]) {
      expect(() => lotteryDraw(seed, 'x')).toThrow(InvalidProblemError);
    }
    expect(() => lotteryDraw(1.5, 'x')).toThrow('lottery seed 1.5 is not a safe integer');
  });

  it('makes a round independent of input order: each child keeps its number and its nursery', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 40 }).chain((n) =>
          fc.record({
            children: fc.array(
              fc.record({
                preferences: fc.uniqueArray(fc.integer({ min: 0, max: 4 }), { maxLength: 3 }),
                priorities: fc.array(fc.integer({ min: 0, max: 2 }), { minLength: 3, maxLength: 3 }),
              }),
              { minLength: n, maxLength: n },
            ),
            capacity: fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 5, maxLength: 5 }),
            permutation: fc.shuffledSubarray(
              Array.from({ length: n }, (_, i) => i),
              { minLength: n, maxLength: n },
            ),
          }),
        ),
        ({ children, capacity, permutation }) => {
          const round = (ids: readonly number[]) => {
            const list = ids.map((id) => ({
              preferences: children[id]!.preferences,
              band: 0,
              priorities: children[id]!.priorities.slice(0, children[id]!.preferences.length),
            }));
            const lottery = ids.map((id) => lotteryDraw(42, `application-${id}`));
            const result = deferredAcceptance({ children: list, nurseries: capacity.map((c) => ({ capacity: [c] })), lottery });
            return new Map(ids.map((id, i) => [id, [result.assignment[i], result.lottery[i]]]));
          };
          const inOrder = round(children.map((_, i) => i));
          expect(round(permutation)).toEqual(inOrder);
        },
      ),
      { numRuns: 200, seed: 22 },
    );
  });
});
