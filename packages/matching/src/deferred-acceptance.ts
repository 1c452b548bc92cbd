import { InvalidProblemError } from './errors';
import { mulberry32 } from './prng';

export interface DeferredAcceptanceChild {
  /** Nursery indices, most preferred first (policy allows up to 5). */
  preferences: readonly number[];
  /** Age band index. */
  band: number;
  /**
   * The child's priority points at each listed nursery (same length as `preferences`, higher
   * first), for rules that depend on the nursery: a sibling already enrolled there, living
   * within 1 km of it. When absent, the child's common `priority` applies at every nursery.
   */
  priorities?: readonly number[];
}

export interface DeferredAcceptanceInput {
  children: readonly DeferredAcceptanceChild[];
  /** Per nursery: places per age band (all nurseries list the same number of bands). */
  nurseries: readonly { capacity: readonly number[] }[];
  /**
   * Per child: common policy priority points, higher first, used at every nursery where the
   * child carries no `priorities`. May be omitted when every child that lists a nursery
   * carries `priorities`.
   */
  priority?: ArrayLike<number>;
  /**
   * Per child: lottery number, lower wins among equal priority points. Default: drawn from
   * mulberry32(`lotterySeed`), so a round can be replayed in an audit; for numbers that do not
   * depend on input order, pass `lotteryDraw(seed, childKey)` per child. Remaining ties go to
   * the lower child index.
   */
  lottery?: ArrayLike<number>;
  lotterySeed?: number;
}

export interface DeferredAcceptanceResult {
  /** Per child: nursery index, or -1 when unplaced. */
  assignment: Int32Array;
  /** Per child: position in its own preference list that it got, or -1. */
  choice: Int32Array;
  /**
   * Per child: its place (0 = first) in the order common `priority` desc (0 for everyone when
   * `priority` is omitted), lottery asc, index asc. It is every nursery's ranking when no child
   * carries `priorities`; otherwise each nursery ranks by the child's points there first.
   */
  rank: Int32Array;
  /**
   * Per (nursery, band), key = nursery * bands + band: the child admitted last in that key's
   * ranking when the key is full (admitted === capacity > 0), else -1. A child who listed the
   * nursery and ranks above the cutoff child there got that nursery or one it prefers.
   */
  cutoff: Int32Array;
  /** Per (nursery, band), same keys: children admitted. */
  admitted: Int32Array;
  /** Per child: the lottery number used (the input's, or the one drawn from `lotterySeed`). */
  lottery: Float64Array;
  placed: number;
  proposals: number;
}

/**
 * Child-proposing deferred acceptance (Gale–Shapley) with capacities per (nursery, age
 * band). Each (nursery, band) ranks the children proposing to it by the child's priority
 * points at that nursery (its own `priorities`, else the common `priority`), then lottery
 * (lower first), then child index. Proposals are flattened (one slot per child and listed
 * nursery, with its points there and the child's lottery rank), and each key keeps its
 * tentatively accepted proposals in a max-heap on (points, lottery rank) — worst at the
 * root — bounded by its capacity: a proposal costs O(log capacity). Total
 * O(proposals · log capacity) plus two stable radix sorts of the children: by lottery (the
 * lottery rank), then by common priority (for `rank`, and to propose in that order: with a
 * common ranking no child is ever displaced).
 *
 * The result is the child-optimal stable matching: no child and nursery would both rather
 * be matched to each other (with a place in the child's band), and every child gets the
 * best nursery it can get in any stable matching. Reporting its true list is a dominant
 * strategy for every child (points belong to the child and the nursery, not to the list).
 */
export function deferredAcceptance(input: DeferredAcceptanceInput): DeferredAcceptanceResult {
  const { children, nurseries, priority } = input;
  const n = children.length;
  const N = nurseries.length;
  const bands = N > 0 ? nurseries[0]!.capacity.length : 0;
  if (priority !== undefined && priority.length !== n) {
    throw new InvalidProblemError(`priority has length ${priority.length}, expected one per child (${n})`);
  }
  if (input.lottery !== undefined && input.lottery.length !== n) {
    throw new InvalidProblemError(`lottery has length ${input.lottery.length}, expected one per child (${n})`);
  }
  // Places per (nursery, band): key = nursery * bands + band.
  const keys = N * bands;
  const capacity = new Int32Array(keys);
  for (let j = 0; j < N; j++) {
    const caps = nurseries[j]!.capacity;
    if (caps.length !== bands) {
      throw new InvalidProblemError(`nursery ${j}: capacity lists ${caps.length} age bands, expected ${bands}`);
    }
    for (let b = 0; b < bands; b++) {
      const c = caps[b]!;
      if (!Number.isInteger(c) || c < 0 || c > 0x7fffffff) {
        throw new InvalidProblemError(`nursery ${j} band ${b}: capacity ${c} is not a non-negative integer`);
      }
      capacity[j * bands + b] = c;
    }
  }
  const prefStart = new Int32Array(n + 1);
  for (let i = 0; i < n; i++) {
    const child = children[i]!;
    if (!Number.isInteger(child.band) || child.band < 0 || child.band >= bands) {
      throw new InvalidProblemError(`child ${i}: age band ${child.band} does not exist (bands: ${bands})`);
    }
    if (priority !== undefined) {
      const s = priority[i]!;
      if (!Number.isFinite(s)) throw new InvalidProblemError(`child ${i}: priority ${s} is not a finite number`);
    }
    const prefs = child.preferences;
    for (let k = 0; k < prefs.length; k++) {
      const j = prefs[k]!;
      if (!Number.isInteger(j) || j < 0 || j >= N) {
        throw new InvalidProblemError(`child ${i} preference ${k}: nursery ${j} does not exist (nurseries: ${N})`);
      }
      for (let k2 = 0; k2 < k; k2++) {
        if (prefs[k2] === j) throw new InvalidProblemError(`child ${i} preference ${k}: nursery ${j} is listed twice`);
      }
    }
    const own = child.priorities;
    if (own !== undefined) {
      if (own.length !== prefs.length) {
        throw new InvalidProblemError(
          `child ${i}: priorities has length ${own.length}, expected one per preference (${prefs.length})`,
        );
      }
      for (let k = 0; k < own.length; k++) {
        const s = own[k]!;
        if (!Number.isFinite(s)) {
          throw new InvalidProblemError(
            `child ${i} preference ${k}: priority ${s} at nursery ${prefs[k]} is not a finite number`,
          );
        }
      }
    } else if (priority === undefined && prefs.length > 0) {
      throw new InvalidProblemError(
        `child ${i} preference 0: no priority at nursery ${prefs[0]} (give the child priorities, or a common priority)`,
      );
    }
    prefStart[i + 1] = prefStart[i]! + prefs.length;
  }
  const lottery = new Float64Array(n);
  if (input.lottery !== undefined) {
    const given = input.lottery;
    for (let i = 0; i < n; i++) {
      const x = given[i]!;
      if (!Number.isFinite(x)) throw new InvalidProblemError(`child ${i}: lottery ${x} is not a finite number`);
      lottery[i] = x;
    }
  } else {
    const draw = mulberry32(input.lotterySeed ?? 0);
    for (let i = 0; i < n; i++) lottery[i] = draw();
  }
  // Lottery order (lottery asc, index asc), then the common order (priority desc, lottery
  // asc, index asc), by stable radix sorts.
  const order = new Int32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  const scratch = new Int32Array(n);
  const sortKey = new Float64Array(n);
  // Radix digits of 16 bits for large rounds, 8 bits for small ones (cheaper to clear).
  const digitBits = n >= 4096 ? 16 : 8;
  const counts = new Int32Array((1 << digitBits) + 1);
  stableSortBy(order, scratch, lottery, sortKey, counts, digitBits);
  const byLottery = order.slice();
  const lotteryRank = new Int32Array(n);
  for (let k = 0; k < n; k++) lotteryRank[order[k]!] = k;
  if (priority !== undefined) {
    const negated = new Float64Array(n);
    for (let i = 0; i < n; i++) negated[i] = -priority[i]!;
    stableSortBy(order, scratch, negated, sortKey, counts, digitBits);
  }
  const rank = new Int32Array(n);
  for (let k = 0; k < n; k++) rank[order[k]!] = k;

  // Flatten proposals: p = prefStart[i] + k is child i's k-th choice, with its (nursery,
  // band) key, the child's points there and its lottery rank.
  const P = prefStart[n]!;
  const prefKey = new Int32Array(P);
  const points = new Float64Array(P);
  const tie = new Int32Array(P);
  const demand = new Int32Array(keys);
  for (let i = 0; i < n; i++) {
    const child = children[i]!;
    const prefs = child.preferences;
    const own = child.priorities;
    const base = prefStart[i]!;
    const t = lotteryRank[i]!;
    for (let k = 0; k < prefs.length; k++) {
      const key = prefs[k]! * bands + child.band;
      prefKey[base + k] = key;
      points[base + k] = own !== undefined ? own[k]! : priority![i]!;
      tie[base + k] = t;
      demand[key]!++;
    }
  }
  /** True when proposal a ranks below proposal b at their (shared) key. */
  const below = (a: number, b: number): boolean => {
    const pa = points[a]!;
    const pb = points[b]!;
    return pa < pb || (pa === pb && tie[a]! > tie[b]!);
  };

  // Bounded max-heaps (worst proposal at the root), one block per key, sized min(capacity, demand).
  const heapStart = new Int32Array(keys + 1);
  for (let key = 0; key < keys; key++) {
    heapStart[key + 1] = heapStart[key]! + Math.min(capacity[key]!, demand[key]!);
  }
  const heap = new Int32Array(heapStart[keys]!);
  const size = new Int32Array(keys);

  const assignment = new Int32Array(n).fill(-1);
  const choice = new Int32Array(n).fill(-1);
  const next = prefStart.slice(0, n); // per child: the next proposal it makes
  const stack = new Int32Array(n);
  let top = 0;
  // Proposing in the common order keeps displacements rare (with a common ranking, none at all).
  for (let k = n - 1; k >= 0; k--) stack[top++] = order[k]!;
  let proposals = 0;

  while (top > 0) {
    const i = stack[--top]!;
    const end = prefStart[i + 1]!;
    let p = next[i]!;
    let held = false;
    for (; p < end; p++) {
      proposals++;
      const key = prefKey[p]!;
      const cap = capacity[key]!;
      if (cap === 0) continue;
      const base = heapStart[key]!;
      const s = size[key]!;
      if (s < cap) {
        // Sift up: parents that rank above p move down.
        let at = s;
        while (at > 0) {
          const parent = (at - 1) >> 1;
          const q = heap[base + parent]!;
          if (below(q, p)) break;
          heap[base + at] = q;
          at = parent;
        }
        heap[base + at] = p;
        size[key] = s + 1;
        held = true;
        break;
      }
      const worst = heap[base]!;
      if (below(worst, p)) {
        // Replace the worst accepted proposal and sift down.
        let at = 0;
        for (;;) {
          let c = 2 * at + 1;
          if (c >= s) break;
          if (c + 1 < s && below(heap[base + c + 1]!, heap[base + c]!)) c++;
          const q = heap[base + c]!;
          if (!below(q, p)) break;
          heap[base + at] = q;
          at = c;
        }
        heap[base + at] = p;
        const w = byLottery[tie[worst]!]!;
        assignment[w] = -1;
        choice[w] = -1;
        stack[top++] = w;
        held = true;
        break;
      }
    }
    if (held) {
      const key = prefKey[p]!;
      assignment[i] = (key - (key % bands)) / bands;
      choice[i] = p - prefStart[i]!;
      next[i] = p + 1;
    } else {
      next[i] = end;
    }
  }

  const cutoff = new Int32Array(keys).fill(-1);
  for (let key = 0; key < keys; key++) {
    const s = size[key]!;
    if (s > 0 && s === capacity[key]) cutoff[key] = byLottery[tie[heap[heapStart[key]!]!]!]!;
  }
  let placed = 0;
  for (let i = 0; i < n; i++) if (assignment[i]! >= 0) placed++;
  return { assignment, choice, rank, cutoff, admitted: size, lottery, placed, proposals };
}

const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

/**
 * Stable sort of the indices in `order` by `key[index]` ascending (finite numbers; -0 equals
 * 0): an LSD radix sort on the IEEE 754 bits made order-preserving, `digitBits` (8 or 16) a
 * pass, skipping the passes where every index has the same digit (small integer priorities
 * need one or two). `scratch` (length of `order`), `bits` (length of `key`) and `counts`
 * (2^digitBits + 1) are work space.
 */
function stableSortBy(
  order: Int32Array,
  scratch: Int32Array,
  key: Float64Array,
  bits: Float64Array,
  counts: Int32Array,
  digitBits: number,
): void {
  const n = order.length;
  if (n < 2) return;
  const words = new Uint32Array(bits.buffer, bits.byteOffset, 2 * bits.length);
  for (let i = 0; i < key.length; i++) bits[i] = key[i]! + 0; // -0 + 0 is +0
  // Flip the sign bit of non-negative numbers and every bit of negative ones: the bit
  // patterns, read as unsigned 64-bit integers, then sort like the numbers.
  const hi = LITTLE_ENDIAN ? 1 : 0;
  const lo = 1 - hi;
  for (let i = 0; i < key.length; i++) {
    const h = words[2 * i + hi]!;
    if (h & 0x80000000) {
      words[2 * i + hi] = ~h;
      words[2 * i + lo] = ~words[2 * i + lo]!;
    } else {
      words[2 * i + hi] = h | 0x80000000;
    }
  }
  const radix = 1 << digitBits;
  const mask = radix - 1;
  const perWord = 32 / digitBits;
  let from = order;
  let to = scratch;
  for (let pass = 0; pass < 2 * perWord; pass++) {
    const word = pass < perWord ? lo : hi;
    const shift = (pass % perWord) * digitBits;
    counts.fill(0);
    for (let k = 0; k < n; k++) counts[((words[2 * from[k]! + word]! >>> shift) & mask) + 1]!++;
    if (counts[((words[2 * from[0]! + word]! >>> shift) & mask) + 1] === n) continue; // one digit: no-op
    for (let d = 0; d < radix; d++) counts[d + 1]! += counts[d]!;
    for (let k = 0; k < n; k++) {
      const x = from[k]!;
      to[counts[(words[2 * x + word]! >>> shift) & mask]!++] = x;
    }
    const swap = from;
    from = to;
    to = swap;
  }
  if (from !== order) order.set(from);
}
