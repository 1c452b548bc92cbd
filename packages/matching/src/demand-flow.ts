import { EXACT_LIMIT, PriceRangeError } from './cost-scaling';
/**
 * Cost-scaling push-relabel for the transportation problem with general integer supplies
 * (the LP relaxation of the home-visit allocation, where a resident's hours may split):
 *
 *   resident r (supply d_r) ──cap d_r, cost w(r, p) per unit──▶ provider p ──cap H_p, cost 0──▶ T
 *   resident r ──cap d_r, cost U per unit (the "unserved" arc)──▶ T          (T demands Σ d_r)
 *
 * The same method as cost-scaling.ts (Goldberg's cost scaling, costs × K = n + 1, ε divided
 * by α each phase down to 1, FIFO discharge, the CSA "double push" on a relabel, per-provider
 * max-heaps of residual reverse arcs), generalised where unit supplies were assumed:
 * - a resident pushes min(excess, residual capacity) and may spread over several providers
 *   in one discharge; a provider returns min(excess, flow) to a resident, so an arc p→r stays
 *   residual (and in p's heap) until all of that resident's flow at p has come back;
 * - a resident can hold flow at providers while it still has excess and relabels, so the key
 *   price(r) + cost(r, p) stored in a heap can be stale. Relabels only lower prices, so a
 *   stored key is never below the true one: a heap entry is checked when it is read (the root
 *   and its two children) and, if stale, sifted down with its true key and the check
 *   repeated ("lazy decrease-key"). Best and second best are then exact;
 * - excesses are doubles (Σ d_r and capacities up to 2^31 − 1 each may pass Int32); residual
 *   capacities of single arcs stay Int32 (each is at most d_r or H_p).
 */
export interface SupplyProblem {
  R: number;
  P: number;
  /** Per provider, units it can take (integer >= 0, < 2^31). */
  capacity: Int32Array;
  arcStart: Int32Array;
  arcProvider: Int32Array;
  /** Per arc, integer cost per unit >= 0. */
  cost: Float64Array;
  /** Per resident, its supply d_r (integer >= 1, < 2^31). */
  supply: Int32Array;
  /** Integer cost per unit left unserved. */
  unservedCost: number;
  alpha?: number;
  /** Starting price per provider in unscaled cost units; when given, the first phase is skipped. */
  providerPrice?: Float64Array;
}

export interface SupplyFlow {
  /** Units on each arc (0 .. d_r). */
  flow: Int32Array;
  /** Per resident, units left unserved. */
  unserved: Int32Array;
  pushes: number;
  relabels: number;
  phases: number;
}

class Network {
  pushes = 0;
  relabels = 0;
  qHead = 0;
  qTail = 0;
  constructor(
    readonly R: number,
    readonly P: number,
    readonly n: number,
    readonly T: number,
    readonly first: Int32Array,
    readonly head: Int32Array,
    readonly rescap: Int32Array,
    readonly cst: Float64Array,
    readonly rev: Int32Array,
    readonly price: Float64Array,
    readonly excess: Float64Array,
    readonly current: Int32Array,
    readonly queue: Int32Array,
    readonly queued: Uint8Array,
    readonly hArc: Int32Array,
    readonly hKey: Float64Array,
    readonly hSize: Int32Array,
    /** Arcs a resident newly put flow on during one discharge (heap insertions deferred to its final price). */
    readonly pending: Int32Array,
  ) {}
}

function enqueue(s: Network, w: number): void {
  if (s.queued[w] === 0) {
    s.queued[w] = 1;
    const t = s.qTail;
    s.queue[t] = w;
    s.qTail = t + 1 === s.queue.length ? 0 : t + 1;
  }
}

function siftDown(hKey: Float64Array, hArc: Int32Array, base: number, i: number, size: number, arc: number, key: number): void {
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

function heapPush(s: Network, p: number, arc: number, key: number): void {
  const { hKey, hArc } = s;
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

function heapPop(s: Network, p: number, base: number): void {
  const size = --s.hSize[p]!;
  if (size > 0) siftDown(s.hKey, s.hArc, base, 0, size, s.hArc[base + size]!, s.hKey[base + size]!);
}

/**
 * Makes slot i of provider p's heap hold its true key (price(r) + cost(r, p)); stale keys
 * are only ever too high, so sifting the entry down and re-checking the slot is enough.
 * Returns the slot's key, or -Infinity when the slot is empty.
 */
function freshKey(s: Network, p: number, base: number, i: number): number {
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

/** Pushes delta units along arc a out of v (excess bookkeeping of the receiving node, queueing). */
function move(s: Network, a: number, delta: number): void {
  const { rescap, rev, head, excess } = s;
  rescap[a]! -= delta;
  rescap[rev[a]!]! += delta;
  const w = head[a]!;
  const after = excess[w]! + delta;
  excess[w] = after;
  if (after > 0) enqueue(s, w);
}

function saturate(s: Network): void {
  const { R, P, n, T, first, head, rescap, cst, rev, price, excess, current, hArc, hSize } = s;
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
    while (hSize[p]! > 0 && freshKey(s, p, base, 0) > pv) {
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

function dischargeResident(s: Network, v: number, eps: number): number {
  const { T, R, first, head, rescap, cst, rev, price, excess, pending } = s;
  let ex = excess[v]!;
  let pv = price[v]!;
  const begin = first[v]!;
  const end = first[v + 1]!;
  let nPending = 0;
  while (ex > 0) {
    let best = -Infinity;
    let bestArc = -1;
    let second = -Infinity;
    for (let b = begin; b < end; b++) {
      if (rescap[b]! > 0) {
        const x = price[head[b]!]! - cst[b]!;
        if (x > best) {
          second = best;
          best = x;
          bestArc = b;
        } else if (x > second) {
          second = x;
        }
      }
    }
    if (bestArc < 0) throw new Error('cost scaling: active resident without residual arcs');
    if (!(best > pv)) {
      pv = best - eps;
      s.relabels++;
    }
    const w = head[bestArc]!;
    const c = rescap[bestArc]!;
    const delta = Math.min(ex, c);
    if (w < T && rescap[rev[bestArc]!] === 0) pending[nPending++] = bestArc;
    move(s, bestArc, delta);
    s.pushes++;
    ex -= delta;
    if (ex === 0) {
      const bound = c > delta ? best : second;
      if (bound !== -Infinity && bound - eps < pv) pv = bound - eps;
    }
  }
  for (let i = 0; i < nPending; i++) {
    const a = pending[i]!;
    heapPush(s, head[a]! - R, rev[a]!, pv + cst[a]!);
  }
  return pv;
}

function dischargeProvider(s: Network, v: number, eps: number): number {
  const { T, R, first, rescap, price, excess, hArc, hSize } = s;
  let ex = excess[v]!;
  let pv = price[v]!;
  const p = v - R;
  const tArc = first[v]!;
  const base = tArc + 1;
  while (ex > 0) {
    const tVal = rescap[tArc]! > 0 ? price[T]! : -Infinity;
    const top = freshKey(s, p, base, 0);
    let child = -Infinity;
    if (hSize[p]! > 1) {
      child = freshKey(s, p, base, 1);
      if (hSize[p]! > 2) {
        const k2 = freshKey(s, p, base, 2);
        if (k2 > child) child = k2;
      }
    }
    let best: number;
    let bestArc: number;
    let second: number;
    if (tVal >= top) {
      best = tVal;
      bestArc = tArc;
      second = top;
    } else {
      best = top;
      bestArc = hArc[base]!;
      second = Math.max(tVal, child);
    }
    if (best === -Infinity) throw new Error('cost scaling: active provider without residual arcs');
    if (!(best > pv)) {
      pv = best - eps;
      s.relabels++;
    }
    const c = rescap[bestArc]!;
    const delta = Math.min(ex, c);
    if (bestArc !== tArc && delta === c) heapPop(s, p, base);
    move(s, bestArc, delta);
    s.pushes++;
    ex -= delta;
    if (ex === 0) {
      const bound = c > delta ? best : second;
      if (bound !== -Infinity && bound - eps < pv) pv = bound - eps;
    }
  }
  return pv;
}

function dischargeSink(s: Network, v: number, eps: number): number {
  const { first, head, rescap, cst, price, excess, current } = s;
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
    const c = rescap[a]!;
    const delta = Math.min(ex, c);
    move(s, a, delta);
    s.pushes++;
    ex -= delta;
    current[v] = a;
  }
  return pv;
}

function dischargeAll(s: Network, eps: number): void {
  const { R, T, queue, queued, price, excess } = s;
  const qCap = queue.length;
  while (s.qHead !== s.qTail) {
    const h = s.qHead;
    const v = queue[h]!;
    s.qHead = h + 1 === qCap ? 0 : h + 1;
    queued[v] = 0;
    if (!(excess[v]! > 0)) continue;
    const pv = v < R ? dischargeResident(s, v, eps) : v < T ? dischargeProvider(s, v, eps) : dischargeSink(s, v, eps);
    if (!(pv > -EXACT_LIMIT)) throw new PriceRangeError('cost scaling: price left the exact integer range');
    price[v] = pv;
    excess[v] = 0;
  }
}

/** Min-cost flow of `cost + U · unserved` for the supply network (exact for integer costs). */
export function costScalingSupply(input: SupplyProblem): SupplyFlow {
  const { R, P, capacity, arcStart, arcProvider, cost, supply, unservedCost } = input;
  const alpha = input.alpha ?? 8;
  const A = arcProvider.length;
  const n = R + P + 1;
  const T = R + P;
  const K = n + 1;

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
  let maxScaled = unservedCost * K;
  let total = 0;
  for (let r = 0; r < R; r++) {
    const d = supply[r]!;
    total += d;
    for (let a = arcStart[r]!; a < arcStart[r + 1]!; a++) {
      const c = cost[a]! * K;
      if (c > maxScaled) maxScaled = c;
      link(r, R + arcProvider[a]!, d, c);
    }
    link(r, T, d, unservedCost * K);
  }

  const excess = new Float64Array(n);
  for (let r = 0; r < R; r++) excess[r] = supply[r]!;
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
    new Int32Array(maxDegree + 1),
  );
  if (input.providerPrice !== undefined) {
    const pp = input.providerPrice;
    for (let p = 0; p < P; p++) s.price[R + p] = pp[p]! * K;
  }

  let phases = 0;
  let eps = maxScaled;
  if (input.providerPrice !== undefined && Math.floor(eps / alpha) > 1) eps = Math.floor(eps / alpha);
  while (eps > 1) {
    eps = Math.max(1, Math.floor(eps / alpha));
    phases++;
    saturate(s);
    dischargeAll(s, eps);
  }

  const flow = new Int32Array(A);
  const unserved = new Int32Array(R);
  for (let r = 0; r < R; r++) {
    const base = first[r]!;
    const from = arcStart[r]!;
    const count = arcStart[r + 1]! - from;
    const d = supply[r]!;
    for (let i = 0; i < count; i++) flow[from + i] = d - rescap[base + i]!;
    unserved[r] = d - rescap[base + count]!;
  }
  return { flow, unserved, pushes: s.pushes, relabels: s.relabels, phases };
}

/**
 * True when one more unit can be served: a path from a resident with unserved units over
 * arcs with room (flow < d_r) to a provider with room, or through a provider that is full
 * back to a resident that has flow there. Breadth-first from all such residents: O(arcs).
 */
export function canServeMoreUnits(
  problem: Pick<SupplyProblem, 'R' | 'P' | 'capacity' | 'arcStart' | 'arcProvider' | 'supply'>,
  flow: Int32Array,
  unserved: Int32Array,
): boolean {
  const { R, P, capacity, arcStart, arcProvider, supply } = problem;
  const A = arcProvider.length;
  const used = new Float64Array(P);
  const inStart = new Int32Array(P + 1);
  for (let a = 0; a < A; a++) {
    if (flow[a]! > 0) {
      used[arcProvider[a]!]! += flow[a]!;
      inStart[arcProvider[a]! + 1]!++;
    }
  }
  for (let p = 0; p < P; p++) inStart[p + 1]! += inStart[p]!;
  const inRes = new Int32Array(inStart[P]!);
  const fill = inStart.slice(0, P);
  for (let r = 0; r < R; r++) {
    for (let a = arcStart[r]!; a < arcStart[r + 1]!; a++) if (flow[a]! > 0) inRes[fill[arcProvider[a]!]!++] = r;
  }
  const seenR = new Uint8Array(R);
  const seenP = new Uint8Array(P);
  const queue = new Int32Array(R);
  let qh = 0;
  let qt = 0;
  for (let r = 0; r < R; r++) {
    if (unserved[r]! > 0) {
      seenR[r] = 1;
      queue[qt++] = r;
    }
  }
  while (qh < qt) {
    const r = queue[qh++]!;
    const d = supply[r]!;
    for (let a = arcStart[r]!; a < arcStart[r + 1]!; a++) {
      if (flow[a]! >= d) continue;
      const p = arcProvider[a]!;
      if (seenP[p] === 1) continue;
      seenP[p] = 1;
      if (used[p]! < capacity[p]!) return true;
      for (let i = inStart[p]!; i < inStart[p + 1]!; i++) {
        const next = inRes[i]!;
        if (seenR[next] === 0) {
          seenR[next] = 1;
          queue[qt++] = next;
        }
      }
    }
  }
  return false;
}
