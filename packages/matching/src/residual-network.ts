import type { PenalisedProblem } from './integer-problem';
/**
 * The residual network and the pieces of Goldberg's cost scaling that unit supplies
 * (cost-scaling.ts, `solveAssignment`) and integer supplies (demand-flow.ts, the home-visit
 * relaxation) share: building the network, the providers' heaps, the phase-start
 * saturation, T's discharge and the ε schedule. Unit supply is the special case
 * `supply === undefined` (every resident supplies 1). The resident and provider discharges
 * stay in their files: their hot loops differ (see there).
 *
 *   resident r (supply d_r) ──cap d_r, cost w(r, p)──▶ provider p ──cap capacity[p], cost 0──▶ T
 *   resident r ──cap d_r, cost unservedCost (the "unserved" arc)──▶ T          (T demands Σ d_r)
 *
 * Conventions: reduced cost c_p(v, w) = c(v, w) + price(v) − price(w); an arc is
 * admissible when residual with c_p < 0; relabels only lower prices.
 */

/** The residual network and all per-run state, one fixed-shape object for V8. */
export class Network {
  pushes = 0;
  relabels = 0;
  qHead = 0;
  qTail = 0;
  constructor(
    readonly R: number,
    readonly P: number,
    readonly n: number,
    readonly T: number,
    /** CSR offsets of residual arcs per node. */
    readonly first: Int32Array,
    readonly head: Int32Array,
    readonly rescap: Int32Array,
    readonly cst: Float64Array,
    readonly rev: Int32Array,
    readonly price: Float64Array,
    /**
     * Doubles for unit and integer supplies alike: one element kind keeps every access monomorphic
     * when both solvers run in one process, and T's excess (−Σ supplies) may pass Int32.
     */
    readonly excess: Float64Array,
    readonly current: Int32Array,
    readonly queue: Int32Array,
    readonly queued: Uint8Array,
    /** Per provider p, a max-heap in slots first[R+p]+1 .. : arc p→r keyed by price(r) + cost(r, p). */
    readonly hArc: Int32Array,
    readonly hKey: Float64Array,
    readonly hSize: Int32Array,
    /** Integer supplies: arcs a resident newly put flow on during one discharge (heap insertions deferred to its final price). */
    readonly pending: Int32Array,
  ) {}
}

export interface NetworkInput extends PenalisedProblem {
  /** Starting price per provider in unscaled cost units. */
  providerPrice?: Float64Array;
  /**
   * false: no "unserved" arcs (their residual capacity is 0, the layout stays the same); every
   * unit of supply must then reach T through a provider. `solveAssignment` uses this with a
   * virtual provider that holds exactly the residents left unserved (see assignment.ts).
   */
  unservedArcs?: boolean;
}

/**
 * Builds the network with costs × K. CSR of residual arcs: resident r: its arcs, then r→T;
 * provider p: p→T, then one reverse arc per incoming resident arc; T: the reverse arcs of
 * every p→T and r→T. `supply` undefined: every resident supplies 1.
 * Returns the network and the largest scaled cost (the first ε).
 */
export function buildNetwork(input: NetworkInput, K: number, supply: Int32Array | undefined): { s: Network; maxScaled: number } {
  const { R, P, capacity, arcStart, arcProvider, cost, unservedCost } = input;
  const A = arcProvider.length;
  const n = R + P + 1;
  const T = R + P;
  const first = new Int32Array(n + 1);
  let maxDegree = 0;
  for (let r = 0; r < R; r++) {
    const deg = arcStart[r + 1]! - arcStart[r]!;
    if (deg > maxDegree) maxDegree = deg;
    first[r + 1] = deg + 1;
  }
  for (let a = 0; a < A; a++) first[R + arcProvider[a]! + 1]!++;
  for (let p = 0; p < P; p++) first[R + p + 1]!++;
  first[T + 1] = R + P;
  for (let v = 0; v < n; v++) first[v + 1]! += first[v]!;
  const m = first[n]!;
  const head = new Int32Array(m);
  const rescap = new Int32Array(m);
  const cst = new Float64Array(m);
  const rev = new Int32Array(m);
  const fill = first.slice(0, n);
  const link = (u: number, w: number, cap: number, c: number): void => {
    const x = fill[u]!++;
    const y = fill[w]!++;
    head[x] = w;
    rescap[x] = cap;
    cst[x] = c;
    rev[x] = y;
    head[y] = u;
    rescap[y] = 0;
    cst[y] = -c;
    rev[y] = x;
  };
  for (let p = 0; p < P; p++) link(R + p, T, capacity[p]!, 0);
  const withUnserved = input.unservedArcs !== false;
  let maxScaled = withUnserved ? unservedCost * K : 0;
  let total = 0;
  for (let r = 0; r < R; r++) {
    const d = supply === undefined ? 1 : supply[r]!;
    total += d;
    for (let a = arcStart[r]!; a < arcStart[r + 1]!; a++) {
      const c = cost[a]! * K;
      if (c > maxScaled) maxScaled = c;
      link(r, R + arcProvider[a]!, d, c);
    }
    link(r, T, withUnserved ? d : 0, unservedCost * K);
  }

  const excess = new Float64Array(n);
  for (let r = 0; r < R; r++) excess[r] = supply === undefined ? 1 : supply[r]!;
  excess[T] = -total;
  const s = new Network(
    R,
    P,
    n,
    T,
    first,
    head,
    rescap,
    cst,
    rev,
    new Float64Array(n),
    excess,
    first.slice(0, n),
    new Int32Array(n + 1),
    new Uint8Array(n),
    new Int32Array(m),
    new Float64Array(m),
    new Int32Array(P),
    new Int32Array(supply === undefined ? 0 : maxDegree + 1),
  );
  if (input.providerPrice !== undefined) {
    const pp = input.providerPrice;
    for (let p = 0; p < P; p++) s.price[R + p] = pp[p]! * K;
  }
  return { s, maxScaled };
}

/**
 * The ε schedule: ε starts at the largest scaled cost and is divided by `alpha` each phase
 * down to 1, calling `refine(ε)` per phase; returns the number of phases. Warm prices are
 * already about right at the first phase's scale: that phase is skipped (measured at 10k:
 * 290 k → 173 k relabels; skipping two phases instead made it worse). At least one phase
 * (the one with ε = 1) still runs.
 */
export function scalePhases(maxScaled: number, alpha: number, warm: boolean, refine: (eps: number) => void): number {
  let phases = 0;
  let eps = maxScaled;
  if (warm && Math.floor(eps / alpha) > 1) eps = Math.floor(eps / alpha);
  while (eps > 1) {
    eps = Math.max(1, Math.floor(eps / alpha));
    phases++;
    refine(eps);
  }
  return phases;
}

export function enqueue(s: Network, w: number): void {
  if (s.queued[w] === 0) {
    s.queued[w] = 1;
    const t = s.qTail;
    s.queue[t] = w;
    s.qTail = t + 1 === s.queue.length ? 0 : t + 1;
  }
}

// Per provider p, a binary max-heap of its residual reverse arcs p→r (its current
// residents) keyed by hKey = price(r) + cost(r, p), the value of arc p→r, stored in
// slots first[R+p]+1 .. (one per incoming arc, so it never overflows). A provider then finds
// its best and second-best arc in O(1) and updates in O(log capacity) instead of scanning
// all of its residents, and arcs p→r with negative reduced cost are exactly the keys > price(p).
export function heapPush(s: Network, p: number, arc: number, key: number): void {
  const hKey = s.hKey;
  const hArc = s.hArc;
  const base = s.first[s.R + p]! + 1;
  let i = s.hSize[p]!++;
  while (i > 0) {
    const parent = (i - 1) >> 1;
    const kp = hKey[base + parent]!;
    if (!(key > kp)) break;
    hKey[base + i] = kp;
    hArc[base + i] = hArc[base + parent]!;
    i = parent;
  }
  hKey[base + i] = key;
  hArc[base + i] = arc;
}

export function siftDown(hKey: Float64Array, hArc: Int32Array, base: number, i: number, size: number, arc: number, key: number): void {
  for (;;) {
    let c = 2 * i + 1;
    if (c >= size) break;
    let kc = hKey[base + c]!;
    if (c + 1 < size) {
      const k2 = hKey[base + c + 1]!;
      if (k2 > kc) {
        c++;
        kc = k2;
      }
    }
    if (!(kc > key)) break;
    hKey[base + i] = kc;
    hArc[base + i] = hArc[base + c]!;
    i = c;
  }
  hKey[base + i] = key;
  hArc[base + i] = arc;
}

/** Removes the top of provider p's heap (base = first[R+p] + 1). */
export function heapPop(s: Network, p: number, base: number): void {
  const size = --s.hSize[p]!;
  if (size > 0) siftDown(s.hKey, s.hArc, base, 0, size, s.hArc[base + size]!, s.hKey[base + size]!);
}

/**
 * Integer supplies: makes slot i of provider p's heap hold its true key (price(r) + cost(r, p));
 * stale keys are only ever too high, so sifting the entry down and re-checking the slot is
 * enough. Returns the slot's key, or -Infinity when the slot is empty.
 */
export function freshKey(s: Network, p: number, base: number, i: number): number {
  const { hKey, hArc, head, cst, price } = s;
  for (;;) {
    const size = s.hSize[p]!;
    if (i >= size) return -Infinity;
    const arc = hArc[base + i]!;
    const key = price[head[arc]!]! - cst[arc]!;
    const stored = hKey[base + i]!;
    if (key === stored) return key;
    siftDown(hKey, hArc, base, i, size, arc, key);
  }
}

/**
 * Phase start: make the pseudoflow 0-optimal by saturating every residual arc with negative
 * reduced cost. Residents first (each arc to a provider that newly gets flow joins the
 * provider's heap), then providers (their arc to T, then the heap tops while key > price),
 * then T; then every node with excess is queued. `lazyKeys`: heap keys may be stale (integer
 * supplies) and are refreshed when read; with unit supplies they are always exact.
 */
export function saturate(s: Network, lazyKeys: boolean): void {
  const { R, P, n, T, first, head, rescap, cst, rev, price, excess, current, hKey, hArc, hSize } = s;
  for (let r = 0; r < R; r++) {
    const pr = price[r]!;
    const end = first[r + 1]!;
    for (let a = first[r]!; a < end; a++) {
      const c = rescap[a]!;
      if (c > 0) {
        const w = head[a]!;
        if (cst[a]! + pr - price[w]! < 0) {
          const wasResidual = rescap[rev[a]!]! > 0;
          rescap[a] = 0;
          rescap[rev[a]!]! += c;
          excess[r]! -= c;
          excess[w]! += c;
          if (w < T && !wasResidual) heapPush(s, w - R, rev[a]!, pr + cst[a]!);
        }
      }
    }
  }
  const pT = price[T]!;
  for (let p = 0; p < P; p++) {
    const v = R + p;
    const pv = price[v]!;
    const tArc = first[v]!;
    const c = rescap[tArc]!;
    if (c > 0 && pv - pT < 0) {
      rescap[tArc] = 0;
      rescap[rev[tArc]!]! += c;
      excess[v]! -= c;
      excess[T]! += c;
    }
    const base = tArc + 1;
    while (hSize[p]! > 0 && (lazyKeys ? freshKey(s, p, base, 0) : hKey[base]!) > pv) {
      const arc = hArc[base]!;
      heapPop(s, p, base);
      const f = rescap[arc]!;
      rescap[arc] = 0;
      rescap[rev[arc]!]! += f;
      excess[v]! -= f;
      excess[head[arc]!]! += f;
    }
  }
  const endT = first[T + 1]!;
  for (let a = first[T]!; a < endT; a++) {
    const c = rescap[a]!;
    if (c > 0) {
      const w = head[a]!;
      if (cst[a]! + pT - price[w]! < 0) {
        rescap[a] = 0;
        rescap[rev[a]!]! += c;
        excess[T]! -= c;
        excess[w]! += c;
      }
    }
  }
  for (let v = 0; v < n; v++) {
    current[v] = first[v]!;
    if (excess[v]! > 0) enqueue(s, v);
  }
}

/** T (rarely active): classic current-arc discharge over its long arc list. Returns the new price. */
export function dischargeSink(s: Network, v: number, eps: number): number {
  const { first, head, rescap, cst, rev, price, excess, current } = s;
  let ex = excess[v]!;
  let pv = price[v]!;
  const begin = first[v]!;
  const end = first[v + 1]!;
  while (ex > 0) {
    let a = current[v]!;
    for (; a < end; a++) {
      if (rescap[a]! > 0 && cst[a]! + pv - price[head[a]!]! < 0) break;
    }
    if (a === end) {
      let best = -Infinity;
      for (let b = begin; b < end; b++) {
        if (rescap[b]! > 0) {
          const x = price[head[b]!]! - cst[b]!;
          if (x > best) best = x;
        }
      }
      pv = best - eps;
      s.relabels++;
      current[v] = begin;
      continue;
    }
    const w = head[a]!;
    const c = rescap[a]!;
    const delta = ex < c ? ex : c;
    rescap[a] = c - delta;
    rescap[rev[a]!]! += delta;
    ex -= delta;
    const after = excess[w]! + delta;
    excess[w] = after;
    s.pushes++;
    if (after > 0) enqueue(s, w);
    current[v] = a;
  }
  return pv;
}
