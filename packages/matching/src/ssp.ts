import type { IntegerProblem } from './integer-problem';

const MAX_SAFE = Number.MAX_SAFE_INTEGER;

export interface SspOutput {
  /** Per resident: arc index used, or -1. */
  assignedArc: Int32Array;
  searches: number;
  settled: number;
}

/**
 * Indexed binary min-heap over the integers [0, n), keyed by an external Float64Array.
 * Supports decrease-key and arbitrary key updates through the position table.
 */
class IndexedHeap {
  readonly heap: Int32Array;
  readonly pos: Int32Array; // -1 when absent
  size = 0;

  constructor(
    n: number,
    private readonly key: Float64Array,
  ) {
    this.heap = new Int32Array(n);
    this.pos = new Int32Array(n).fill(-1);
  }

  has(v: number): boolean {
    return this.pos[v]! >= 0;
  }

  top(): number {
    return this.heap[0]!;
  }

  /** Inserts v, or moves it after its key decreased. */
  upsertDecreased(v: number): void {
    let i = this.pos[v]!;
    if (i < 0) {
      i = this.size++;
    }
    this.siftUp(v, i);
  }

  /** Re-positions v after its key increased. */
  increased(v: number): void {
    this.siftDown(v, this.pos[v]!);
  }

  pop(): number {
    const heap = this.heap;
    const v = heap[0]!;
    this.pos[v] = -1;
    const last = heap[--this.size]!;
    if (this.size > 0) this.siftDown(last, 0);
    return v;
  }

  remove(v: number): void {
    const i = this.pos[v]!;
    this.pos[v] = -1;
    const last = this.heap[--this.size]!;
    if (i === this.size) return;
    const key = this.key;
    if (i > 0 && key[last]! < key[this.heap[(i - 1) >> 1]!]!) this.siftUp(last, i);
    else this.siftDown(last, i);
  }

  clear(): void {
    for (let i = 0; i < this.size; i++) this.pos[this.heap[i]!] = -1;
    this.size = 0;
  }

  private siftUp(v: number, i: number): void {
    const heap = this.heap;
    const pos = this.pos;
    const kv = this.key[v]!;
    while (i > 0) {
      const parentIndex = (i - 1) >> 1;
      const parent = heap[parentIndex]!;
      if (this.key[parent]! <= kv) break;
      heap[i] = parent;
      pos[parent] = i;
      i = parentIndex;
    }
    heap[i] = v;
    pos[v] = i;
  }

  private siftDown(v: number, i: number): void {
    const heap = this.heap;
    const pos = this.pos;
    const key = this.key;
    const size = this.size;
    const kv = key[v]!;
    for (;;) {
      let child = 2 * i + 1;
      if (child >= size) break;
      const right = child + 1;
      if (right < size && key[heap[right]!]! < key[heap[child]!]!) child = right;
      const c = heap[child]!;
      if (key[c]! >= kv) break;
      heap[i] = c;
      pos[c] = i;
      i = child;
    }
    heap[i] = v;
    pos[v] = i;
  }
}

/**
 * Successive shortest paths, kept as an independent exact solver (used as a fallback and to
 * cross-check the cost-scaling solver in tests).
 *
 * Algorithm: successive shortest augmenting paths on the network
 * source → resident (cap 1) → provider (arc cost) → sink (cap = capacity), with Johnson
 * potentials so every search is a Dijkstra on non-negative reduced costs, stopped as soon
 * as the sink is settled. Each search starts from *all* unserved residents at once. That
 * would cost O(unserved) per search, so instead every provider keeps its incoming arcs
 * sorted by cost with a pointer to the cheapest one from a still-unserved resident, and a
 * persistent heap of providers keyed by that arc's reduced cost stands in for the whole
 * set of unserved residents. Early searches therefore cost O(log P) and behave like a
 * greedy "cheapest arc first" warm start; later ones only explore the region whose
 * providers are full. Every augmentation is along a globally shortest path, so the flow
 * is minimum-cost for its size at every step and the last one is a maximum flow
 * (successive shortest paths theorem).
 */
export function sspAssignment(input: IntegerProblem): SspOutput {
  const { R, P, capacity, arcStart, arcProvider, cost } = input;
  const A = arcProvider.length;

  const arcResident = new Int32Array(A);
  for (let r = 0; r < R; r++) {
    for (let a = arcStart[r]!; a < arcStart[r + 1]!; a++) arcResident[a] = r;
  }

  // Incoming arcs per provider, sorted by cost (ties by arc index, for determinism).
  const inStart = new Int32Array(P + 1);
  for (let a = 0; a < A; a++) inStart[arcProvider[a]! + 1]!++;
  for (let p = 0; p < P; p++) inStart[p + 1]! += inStart[p]!;
  const inArc = new Int32Array(A);
  {
    const fill = inStart.slice(0, P);
    for (let a = 0; a < A; a++) inArc[fill[arcProvider[a]!]!++] = a;
  }
  sortIncomingByCost(inStart, inArc, cost, P);

  // Assigned residents per provider in fixed blocks of min(capacity, in-degree) slots.
  const slotStart = new Int32Array(P + 1);
  for (let p = 0; p < P; p++) {
    slotStart[p + 1] = slotStart[p]! + Math.min(capacity[p]!, inStart[p + 1]! - inStart[p]!);
  }
  const slotResident = new Int32Array(slotStart[P]!);
  const slotOf = new Int32Array(R);
  const used = new Int32Array(P);
  const assignedArc = new Int32Array(R).fill(-1);

  // Potentials. Unserved residents all share the source's potential piS (they are only
  // reachable from the source, at reduced distance 0), so it is kept implicitly. The
  // sink's potential is never settled below the search radius, so it stays 0.
  const piResident = new Float64Array(R);
  const piProvider = new Float64Array(P);
  let piS = 0;

  // Node numbering for the search: residents [0, R), providers [R, R + P), sink R + P.
  const N = R + P + 1;
  const SINK = R + P;
  const dist = new Float64Array(N);
  const seenEpoch = new Int32Array(N);
  const settledEpoch = new Int32Array(N);
  const predArc = new Int32Array(P); // arc by which a provider was reached
  let sinkPred = -1; // provider by which the sink was reached
  const settledList = new Int32Array(N);
  const heap = new IndexedHeap(N, dist);

  // Providers keyed by (cheapest arc from an unserved resident) - potential. Keys may be
  // stale only on the low side (serving residents and lowering potentials both raise the
  // true key), so a stale top is fixed lazily when it surfaces.
  const freeKey = new Float64Array(P);
  const freeHeap = new IndexedHeap(P, freeKey);
  const freePtr = inStart.slice(0, P);
  const poppedFree = new Int32Array(P);
  for (let p = 0; p < P; p++) {
    if (inStart[p + 1]! > inStart[p]!) {
      freeKey[p] = cost[inArc[inStart[p]!]!]!;
      freeHeap.upsertDecreased(p);
    }
  }

  // An unserved resident still worth starting a path from.
  const isFree = (r: number): boolean => assignedArc[r]! < 0 && alive[r] === 1;

  // Returns true when provider p's heap entry is current; otherwise repairs it.
  const refreshFree = (p: number): boolean => {
    let at = freePtr[p]!;
    const end = inStart[p + 1]!;
    while (at < end && !isFree(arcResident[inArc[at]!]!)) at++;
    freePtr[p] = at;
    if (at === end || alive[R + p] === 0) {
      freeHeap.remove(p);
      return false;
    }
    const k = cost[inArc[at]!]! - piProvider[p]!;
    if (k > freeKey[p]!) {
      freeKey[p] = k;
      freeHeap.increased(p);
      return false;
    }
    return true;
  };

  // Nodes that can still reach spare capacity in the residual graph. A node that cannot is
  // dead for good: an augmentation only adds arcs between nodes of its (live) path, so the
  // set a dead node reaches never changes. Dead nodes can be dropped from every later
  // search without changing any shortest augmenting path, and they are most of what the
  // searches would otherwise explore once a region's providers are full. Recomputed in
  // O(arcs) whenever the searches since the last pass have settled about that much.
  const alive = new Uint8Array(N).fill(1);
  const queue = new Int32Array(N);
  const recomputeAlive = (): void => {
    alive.fill(0);
    let head = 0;
    let tail = 0;
    for (let p = 0; p < P; p++) {
      if (used[p]! < capacity[p]!) {
        alive[R + p] = 1;
        queue[tail++] = R + p;
      }
    }
    while (head < tail) {
      const v = queue[head++]!;
      if (v >= R) {
        const p = v - R;
        for (let i = inStart[p]!, end = inStart[p + 1]!; i < end; i++) {
          const a = inArc[i]!;
          const r = arcResident[a]!;
          if (alive[r] === 1 || assignedArc[r] === a) continue;
          alive[r] = 1;
          if (assignedArc[r]! >= 0) queue[tail++] = r;
        }
      } else {
        const q = R + arcProvider[assignedArc[v]!]!;
        if (alive[q] === 0) {
          alive[q] = 1;
          queue[tail++] = q;
        }
      }
    }
  };
  const pruneBudget = A + N;
  let settledSincePrune = 0;

  let epoch = 0;
  let searches = 0;
  let settledTotal = 0;

  for (;;) {
    epoch++;
    searches++;
    let settledCount = 0;
    let poppedCount = 0;
    let D = -1;

    for (;;) {
      // Best entry from the unserved residents, through the provider heap.
      let freeBest = Infinity;
      while (freeHeap.size > 0) {
        const p = freeHeap.top();
        if (settledEpoch[R + p] === epoch) {
          freeHeap.pop();
          poppedFree[poppedCount++] = p;
          continue;
        }
        if (refreshFree(p)) {
          freeBest = freeKey[p]! + piS;
          break;
        }
      }
      const heapBest = heap.size > 0 ? dist[heap.top()]! : Infinity;
      if (freeBest === Infinity && heapBest === Infinity) break;

      let v: number;
      let d: number;
      if (freeBest < heapBest) {
        const p = freeHeap.pop();
        poppedFree[poppedCount++] = p;
        v = R + p;
        d = freeBest;
        if (heap.has(v)) heap.remove(v);
        dist[v] = d;
        seenEpoch[v] = epoch;
        predArc[p] = inArc[freePtr[p]!]!;
      } else {
        v = heap.pop();
        d = heapBest;
      }
      settledEpoch[v] = epoch;
      settledList[settledCount++] = v;

      if (v === SINK) {
        D = d;
        break;
      }
      if (v >= R) {
        const p = v - R;
        const piP = piProvider[p]!;
        if (used[p]! < capacity[p]!) {
          const nd = d + piP; // arc p → sink, potential of sink is 0
          if (seenEpoch[SINK] !== epoch || nd < dist[SINK]!) {
            dist[SINK] = nd;
            seenEpoch[SINK] = epoch;
            sinkPred = p;
            heap.upsertDecreased(SINK);
          }
        }
        // Reverse arcs p → r for residents assigned to p.
        const s0 = slotStart[p]!;
        const s1 = s0 + used[p]!;
        for (let s = s0; s < s1; s++) {
          const r = slotResident[s]!;
          if (settledEpoch[r] === epoch || alive[r] === 0) continue;
          const nd = d - cost[assignedArc[r]!]! + piP - piResident[r]!;
          if (seenEpoch[r] !== epoch || nd < dist[r]!) {
            dist[r] = nd;
            seenEpoch[r] = epoch;
            heap.upsertDecreased(r);
          }
        }
      } else {
        // A served resident: forward arcs to every other admissible provider.
        const r = v;
        const own = assignedArc[r]!;
        const base = d + piResident[r]!;
        for (let a = arcStart[r]!, end = arcStart[r + 1]!; a < end; a++) {
          if (a === own) continue;
          const q = arcProvider[a]!;
          const w = R + q;
          if (settledEpoch[w] === epoch || alive[w] === 0) continue;
          const nd = base + cost[a]! - piProvider[q]!;
          if (seenEpoch[w] !== epoch || nd < dist[w]!) {
            dist[w] = nd;
            seenEpoch[w] = epoch;
            predArc[q] = a;
            heap.upsertDecreased(w);
          }
        }
      }
    }
    heap.clear();
    settledTotal += settledCount;
    settledSincePrune += settledCount;

    if (D >= 0) {
      // Augment along sink ← p_k ← r_k ← p_{k-1} ← … ← p_1 ← r_1 (unserved) ← source.
      let p = sinkPred;
      used[p]!++;
      let at = slotStart[p]! + used[p]! - 1; // free slot of p to fill
      let entering = -1;
      for (;;) {
        const a = predArc[p]!;
        const r = arcResident[a]!;
        const previous = assignedArc[r]!;
        assignedArc[r] = a;
        slotResident[at] = r;
        const oldSlot = slotOf[r]!;
        slotOf[r] = at;
        if (previous < 0) {
          entering = r;
          break;
        }
        p = arcProvider[previous]!;
        at = oldSlot; // r leaves this slot of p; the previous resident on the path takes it
      }
      // Potentials: pi(v) += min(d(v), D) - D, which only touches settled nodes.
      for (let i = 0; i < settledCount; i++) {
        const v = settledList[i]!;
        const shift = D - dist[v]!;
        if (shift <= 0) continue;
        if (v >= R) piProvider[v - R]! -= shift;
        else piResident[v]! -= shift;
      }
      piS -= D;
      // The resident that entered the flow now carries the source's potential explicitly.
      piResident[entering] = piS;
    }

    // Providers taken off the free heap go back with fresh keys.
    for (let i = 0; i < poppedCount; i++) {
      const p = poppedFree[i]!;
      let at = freePtr[p]!;
      const end = inStart[p + 1]!;
      while (at < end && !isFree(arcResident[inArc[at]!]!)) at++;
      freePtr[p] = at;
      if (at < end && alive[R + p] === 1 && !freeHeap.has(p)) {
        freeKey[p] = cost[inArc[at]!]! - piProvider[p]!;
        freeHeap.upsertDecreased(p);
      }
    }

    if (D < 0) break;
    if (settledSincePrune > pruneBudget) {
      settledSincePrune = 0;
      recomputeAlive();
    }
  }

  return { assignedArc, searches, settled: settledTotal };
}

/** Sorts each provider's run of incoming arcs by (cost, arc index). */
function sortIncomingByCost(inStart: Int32Array, inArc: Int32Array, cost: Float64Array, P: number): void {
  const A = inArc.length;
  let maxCost = 0;
  for (let a = 0; a < A; a++) if (cost[a]! > maxCost) maxCost = cost[a]!;
  if ((maxCost + 1) * A <= MAX_SAFE) {
    // Pack (cost, arc) into one exact double so the native numeric sort does the work.
    const keys = new Float64Array(A);
    for (let i = 0; i < A; i++) {
      const a = inArc[i]!;
      keys[i] = cost[a]! * A + a;
    }
    for (let p = 0; p < P; p++) keys.subarray(inStart[p]!, inStart[p + 1]!).sort();
    for (let i = 0; i < A; i++) inArc[i] = keys[i]! % A;
    return;
  }
  for (let p = 0; p < P; p++) {
    inArc.subarray(inStart[p]!, inStart[p + 1]!).sort((x, y) => cost[x]! - cost[y]! || x - y);
  }
}
