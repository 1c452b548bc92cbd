import { createHash } from 'node:crypto';
import { InvalidProblemError } from './errors';

/**
 * mulberry32: a tiny, fast, seedable 32-bit PRNG. Used wherever this package needs
 * reproducible randomness (the default childcare lottery, benchmark instances, tests),
 * because `Math.random` cannot be replayed in an audit.
 *
 * Returns a function yielding floats in [0, 1).
 */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * A publicly verifiable lottery number in [0, 1) for one participant of a draw: the first 48
 * bits (big-endian) of SHA-256 over the UTF-8 text `${seed}:${key}`, divided by 2^48. It
 * depends only on the published seed (a safe integer, written in decimal) and the
 * participant's key (an application id, say), never on input order, so anyone can recompute
 * every number, e.g. `printf '20260901:A-0017' | sha256sum` and take the first 12 hex digits.
 * Distinct keys collide with probability about 2^-48 per pair; give children of one family
 * the same key (a family id) when they should share a number.
 */
export function lotteryDraw(seed: number, key: string): number {
  if (!Number.isSafeInteger(seed)) throw new InvalidProblemError(`lottery seed ${seed} is not a safe integer`);
  const digest = createHash('sha256').update(`${seed}:${key}`, 'utf8').digest();
  return digest.readUIntBE(0, 6) / 2 ** 48;
}
