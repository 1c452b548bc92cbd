import { InvalidProblemError } from './errors';
import { mulberry32 } from './prng';

export interface DeferredAcceptanceInput {
  /** Per child: nursery indices, most preferred first (policy allows up to 5), and an age band. */
  children: readonly { preferences: readonly number[]; band: number }[];
  /** Per nursery: places per age band (all nurseries list the same number of bands). */
  nurseries: readonly { capacity: readonly number[] }[];
  /** Per child: policy priority points, higher first. */
  priority: ArrayLike<number>;
  /**
   * Per child: lottery number, lower wins among equal priority. Default: drawn from
   * mulberry32(`lotterySeed`), so a round can be replayed in an audit. Remaining ties go to
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
  /** Per child: its place in the common priority order (0 = first). */
  rank: Int32Array;
  placed: number;
  proposals: number;
}

/**
 * Child-proposing deferred acceptance (Gale–Shapley) with capacities per (nursery, age
 * band). Every nursery ranks children by the same score — policy points, then lottery —
 * as Chinese childcare rounds do, so the score is turned once into an integer rank and each
 * (nursery, band) keeps its tentatively accepted children in a max-heap on rank, bounded by
 * its capacity: a proposal costs O(log capacity). Total O(proposals · log capacity) plus one
 * sort of the children.
 *
 * The result is the child-optimal stable matching: no child and nursery would both rather
 * be matched to each other (with a place in the child's band), and every child gets the
 * best nursery it can get in any stable matching.
 */
export function deferredAcceptance(input: DeferredAcceptanceInput): DeferredAcceptanceResult {
  const { children, nurseries, priority } = input;
  const n = children.length;
  const N = nurseries.length;
  const bands = N > 0 ? nurseries[0]!.capacity.length : 0;
  if (priority.length !== n) {
    throw new InvalidProblemError(`priority has length ${priority.length}, expected one per child (${n})`);
  }
  if (input.lottery !== undefined && input.lottery.length !== n) {
    throw new InvalidProblemError(`lottery has length ${input.lottery.length}, expected one per child (${n})`);
  }
  // Places per (nursery, band): key = nursery * bands + band.
  const capacity = new Int32Array(N * bands);
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
    const s = priority[i]!;
    if (!Number.isFinite(s)) throw new InvalidProblemError(`child ${i}: priority ${s} is not a finite number`);
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
    prefStart[i + 1] = prefStart[i]! + prefs.length;
  }
  // Flatten preferences into (nursery, band) keys.
  const prefKey = new Int32Array(prefStart[n]!);
  const demand = new Int32Array(N * bands);
  for (let i = 0; i < n; i++) {
    const child = children[i]!;
    for (let k = 0; k < child.preferences.length; k++) {
      const key = child.preferences[k]! * bands + child.band;
      prefKey[prefStart[i]! + k] = key;
      demand[key]!++;
    }
  }

  // Common order: priority desc, lottery asc, index asc.
  let lottery: ArrayLike<number>;
  if (input.lottery !== undefined) {
    lottery = input.lottery;
    for (let i = 0; i < n; i++) {
      if (!Number.isFinite(lottery[i]!)) throw new InvalidProblemError(`child ${i}: lottery ${lottery[i]} is not a finite number`);
    }
  } else {
    const draw = mulberry32(input.lotterySeed ?? 0);
    const drawn = new Float64Array(n);
    for (let i = 0; i < n; i++) drawn[i] = draw();
    lottery = drawn;
  }
  const order = new Int32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  order.sort((x, y) => priority[y]! - priority[x]! || lottery[x]! - lottery[y]! || x - y);
  const rank = new Int32Array(n);
  for (let k = 0; k < n; k++) rank[order[k]!] = k;

  // Bounded max-heaps on rank, one block per key, sized min(capacity, demand).
  const heapStart = new Int32Array(N * bands + 1);
  for (let key = 0; key < N * bands; key++) {
    heapStart[key + 1] = heapStart[key]! + Math.min(capacity[key]!, demand[key]!);
  }
  const heap = new Int32Array(heapStart[N * bands]!);
  const size = new Int32Array(N * bands);

  const assignment = new Int32Array(n).fill(-1);
  const choice = new Int32Array(n).fill(-1);
  const next = new Int32Array(n); // next preference to propose to
  const stack = new Int32Array(n);
  let top = 0;
  // Proposing in priority order keeps evictions rare (with a common ranking, none at all).
  for (let k = n - 1; k >= 0; k--) stack[top++] = order[k]!;
  let proposals = 0;

  while (top > 0) {
    const i = stack[--top]!;
    const end = prefStart[i + 1]! - prefStart[i]!;
    while (next[i]! < end) {
      const k = next[i]!++;
      const key = prefKey[prefStart[i]! + k]!;
      proposals++;
      const cap = capacity[key]!;
      if (cap === 0) continue;
      const base = heapStart[key]!;
      const s = size[key]!;
      if (s < cap) {
        // Sift up in the max-heap.
        let at = s;
        const ri = rank[i]!;
        while (at > 0) {
          const parent = (at - 1) >> 1;
          const pc = heap[base + parent]!;
          if (rank[pc]! >= ri) break;
          heap[base + at] = pc;
          at = parent;
        }
        heap[base + at] = i;
        size[key] = s + 1;
        assignment[i] = (key - (key % bands)) / bands;
        choice[i] = k;
        break;
      }
      const worst = heap[base]!;
      if (rank[i]! < rank[worst]!) {
        // Replace the worst accepted child and sift down.
        const ri = rank[i]!;
        let at = 0;
        for (;;) {
          let child = 2 * at + 1;
          if (child >= s) break;
          if (child + 1 < s && rank[heap[base + child + 1]!]! > rank[heap[base + child]!]!) child++;
          const cc = heap[base + child]!;
          if (rank[cc]! <= ri) break;
          heap[base + at] = cc;
          at = child;
        }
        heap[base + at] = i;
        assignment[i] = (key - (key % bands)) / bands;
        choice[i] = k;
        assignment[worst] = -1;
        choice[worst] = -1;
        stack[top++] = worst;
        break;
      }
    }
  }

  let placed = 0;
  for (let i = 0; i < n; i++) if (assignment[i]! >= 0) placed++;
  return { assignment, choice, rank, placed, proposals };
}
