import { describe, expect, it } from 'vitest';
import { generateInstance } from '../bench/generate';
import { solveWithHighs } from '../bench/highs-lp';
import { solveAssignment } from '../src/index';

// HiGHS (WebAssembly LP solver) is the independent optimal reference; the bench compares at
// larger sizes.
describe('solveAssignment against HiGHS', () => {
  it.each([11, 12, 13])('equals the LP optimum on a generated 300 × 30 instance (seed %i)', async (seed) => {
    const { problem } = generateInstance({ residents: 300, providers: 30, seed });
    const highs = await solveWithHighs(problem);
    expect(highs.status).toBe('Optimal');
    const ours = solveAssignment(problem);
    expect(ours.served).toBe(highs.served);
    expect(ours.objective).toBe(highs.objective);
  }, 30_000);
});
