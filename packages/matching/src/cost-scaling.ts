import {
  buildNetwork,
  dischargeSink,
  enqueue,
  heapPop,
  heapPush,
  type Network,
  type NetworkInput,
  saturate,
  scalePhases,
  siftDown,
} from './residual-network';
/**
 * Goldberg's cost-scaling push-relabel for the transportation network
 *
 *   resident r (supply 1) ──cost c──▶ provider p ──cap capacity[p], cost 0──▶ T (demand R)
 *   resident r ──cost unservedCost (the "unserved" arc)──▶ T
 *
 * Integer costs are multiplied by K = n + 1 (n nodes), so a flow that is ε-optimal for
 * ε = 1 is optimal: ε-optimality with ε < 1/n is exact for integer costs.
 *
 * Each phase divides ε by `alpha` and runs refine(ε): saturate every residual arc of
 * negative reduced cost, then discharge active nodes in FIFO order. Two things tuned to
 * this bipartite shape (measured; see the README):
 * - a node that must relabel computes best and second-best arc in the same pass, pushes to
 *   the best and drops its price to second-best − ε (the "double push" of Goldberg &
 *   Kennedy's CSA; it is an auction bid), so one pass does relabel + push;
 * - each provider keeps its residual reverse arcs (its current residents) in a binary
 *   max-heap keyed by their value price(r) + cost(r, p), which cannot change while the
 *   resident stays put; best and second best are the top and its larger child, so a
 *   provider discharge costs O(log capacity) instead of a scan of all its residents.
 * Optionally (off by default) a global price update every `updateFrequency · n` relabels.
 *
 * The hot loops are small module-level functions over one `Network` object rather than
 * closures inside one large function: V8 then optimises each of them early on its own type
 * feedback instead of repeatedly deoptimising one huge function whose later parts had not
 * yet run (measured: warm 10k solves were bimodal, ~140 vs ~190 ms, before the split).
 *
 * The network, the heaps, the phase-start saturation, T's discharge and the ε schedule are
 * shared with the integer-supply version (demand-flow.ts) in residual-network.ts.
 *
 * Conventions: reduced cost c_p(v, w) = c(v, w) + price(v) − price(w); an arc is
 * admissible when residual with c_p < 0; relabels only lower prices.
 */
export interface CostScalingInput extends NetworkInput {
  /** Factor by which ε shrinks between phases. */
  alpha?: number;
  /**
   * Global price update (CS2's heuristic) at each phase start and every
   * `updateFrequency · n` relabels; 0 (default): never. Exact either way; on the benchmark
   * instances it halves the relabels but costs more time than it saves (see the README).
   */
  updateFrequency?: number;
  /**
   * Starting price per provider in unscaled cost units (see warm-start.ts); when given, the
   * first phase is skipped. Default: all prices 0. Exact either way.
   */
  providerPrice?: Float64Array;
}

export interface CostScalingOutput {
  /** Per resident: arc index used, or -1 when the resident is left unserved. */
  assignedArc: Int32Array;
  pushes: number;
  relabels: number;
  phases: number;
}

/** Beyond this magnitude doubles stop representing every integer. */
export const EXACT_LIMIT = 2 ** 53;

/** A price left the range where doubles are exact integers; the caller falls back. */
export class PriceRangeError extends Error {
  override readonly name = 'PriceRangeError';
}

/** After a global price update: every key recomputed, every heap rebuilt. */
function rebuildHeaps(s: Network): void {
  const { R, P, first, hArc, hKey, hSize, price, head, cst } = s;
  for (let p = 0; p < P; p++) {
    const base = first[R + p]! + 1;
    const size = hSize[p]!;
    for (let i = 0; i < size; i++) {
      const arc = hArc[base + i]!;
      hKey[base + i] = price[head[arc]!]! - cst[arc]!;
    }
    for (let i = (size >> 1) - 1; i >= 0; i--) siftDown(hKey, hArc, base, i, size, hArc[base + i]!, hKey[base + i]!);
  }
}

// Kept apart from demand-flow.ts: with unit supplies a resident joins at most one provider
// per discharge and heap keys never go stale, so these loops skip the pending list and the
// lazy key checks that integer supplies need (the hottest code of `solveAssignment`).
/**
 * Resident v: one scan finds the best and second-best residual arc by value
 * price(w) − cost(v, w). Push on the best (relabelling first if it is not admissible), then,
 * once the excess is gone, drop the price to second-best − ε: the "double push" of CSA,
 * i.e. an auction bid. Returns the new price.
 */
function dischargeResident(s: Network, v: number, eps: number): number {
  const { T, R, first, head, rescap, cst, rev, price, excess } = s;
  let ex = excess[v]!;
  let pv = price[v]!;
  const begin = first[v]!;
  const end = first[v + 1]!;
  let heapArc = -1;
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
    if (bestArc < 0) throw new Error('cost scaling: active node without residual arcs');
    if (!(best > pv)) {
      pv = best - eps; // relabel: no admissible arc
      s.relabels++;
    }
    const w = head[bestArc]!;
    const c = rescap[bestArc]!;
    const delta = ex < c ? ex : c;
    rescap[bestArc] = c - delta;
    rescap[rev[bestArc]!]! += delta;
    if (w < T) heapArc = bestArc;
    ex -= delta;
    const after = excess[w]! + delta;
    excess[w] = after;
    s.pushes++;
    if (after > 0) enqueue(s, w);
    if (ex === 0) {
      // Arcs still residual: the others, plus the best one if it kept capacity.
      const bound = c > delta ? best : second;
      if (bound !== -Infinity && bound - eps < pv) pv = bound - eps;
    }
  }
  if (heapArc >= 0) {
    // The resident joined a provider: key its reverse arc by the resident's final price.
    heapPush(s, head[heapArc]! - R, rev[heapArc]!, pv + cst[heapArc]!);
  }
  return pv;
}

/**
 * Provider v: candidates are the heap top (best current resident to evict), its larger
 * child (second best) and the arc p→T (value price(T)) while it has capacity.
 */
function dischargeProvider(s: Network, v: number, eps: number): number {
  const { T, R, first, head, rescap, rev, price, excess, hKey, hArc, hSize } = s;
  let ex = excess[v]!;
  let pv = price[v]!;
  const p = v - R;
  const tArc = first[v]!;
  const base = tArc + 1;
  while (ex > 0) {
    const size = hSize[p]!;
    const tVal = rescap[tArc]! > 0 ? price[T]! : -Infinity;
    const top = size > 0 ? hKey[base]! : -Infinity;
    let child = -Infinity;
    if (size > 1) {
      child = hKey[base + 1]!;
      if (size > 2 && hKey[base + 2]! > child) child = hKey[base + 2]!;
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
      second = tVal > child ? tVal : child;
    }
    if (best === -Infinity) throw new Error('cost scaling: active node without residual arcs');
    if (!(best > pv)) {
      pv = best - eps;
      s.relabels++;
    }
    const w = head[bestArc]!;
    const c = rescap[bestArc]!;
    const delta = ex < c ? ex : c;
    rescap[bestArc] = c - delta;
    rescap[rev[bestArc]!]! += delta;
    if (bestArc !== tArc) heapPop(s, p, base);
    ex -= delta;
    const after = excess[w]! + delta;
    excess[w] = after;
    s.pushes++;
    if (after > 0) enqueue(s, w);
    if (ex === 0) {
      const bound = c > delta ? best : second;
      if (bound !== -Infinity && bound - eps < pv) pv = bound - eps;
    }
  }
  return pv;
}

/** Global price update state (CS2's heuristic), allocated only when it is used. */
class PriceUpdater {
  readonly B: number;
  readonly dist: Int32Array;
  readonly bucketFirst: Int32Array;
  readonly bNext: Int32Array;
  readonly bPrev: Int32Array;
  readonly scanned: Int32Array;
  readonly touched: Int32Array;
  constructor(n: number) {
    this.B = Math.min(n + 1, 1 << 20);
    this.dist = new Int32Array(n).fill(INF);
    this.bucketFirst = new Int32Array(this.B).fill(-1);
    this.bNext = new Int32Array(n);
    this.bPrev = new Int32Array(n);
    this.scanned = new Int32Array(n);
    this.touched = new Int32Array(n);
  }
}

const INF = 0x7fffffff;

function bucketInsert(u: PriceUpdater, v: number, d: number): void {
  const f = u.bucketFirst[d]!;
  u.bNext[v] = f;
  u.bPrev[v] = -1;
  if (f >= 0) u.bPrev[f] = v;
  u.bucketFirst[d] = v;
}

function bucketRemove(u: PriceUpdater, v: number, d: number): void {
  const nx = u.bNext[v]!;
  const pr = u.bPrev[v]!;
  if (pr >= 0) u.bNext[pr] = nx;
  else u.bucketFirst[d] = nx;
  if (nx >= 0) u.bPrev[nx] = pr;
}

// Global price update (Goldberg 1997, CS2): a backward Dial search from the deficit
// nodes over residual arcs of length floor(c_p / ε) + 1 gives each node its distance d
// (in units of ε) to a deficit; lowering prices by ε·d keeps ε-optimality and makes every
// shortest path admissible. The search stops once every node with excess is scanned; the
// nodes not scanned (distance >= the last level D) keep their price and the scanned ones
// rise by ε·(D − d), which is the same price function up to a constant.
function globalUpdate(s: Network, u: PriceUpdater, eps: number): void {
  const { n, T, first, head, rescap, cst, rev, price, excess, current } = s;
  const { B, dist, bucketFirst, bNext, bPrev, scanned, touched } = u;
  let excessNodes = 0;
  let nTouched = 0;
  let maxLevel = 0;
  for (let v = 0; v < n; v++) {
    const e = excess[v]!;
    if (e > 0) excessNodes++;
    else if (e < 0) {
      dist[v] = 0;
      touched[nTouched++] = v;
      bucketInsert(u, v, 0);
    }
  }
  let nScanned = 0;
  let level = 0;
  while (excessNodes > 0 && level < B) {
    const w = bucketFirst[level]!;
    if (w < 0) {
      level++;
      continue;
    }
    bucketFirst[level] = bNext[w]!;
    if (bNext[w]! >= 0) bPrev[bNext[w]!] = -1;
    scanned[nScanned++] = w;
    dist[w] = -1 - level; // scanned marker (negative), distance recoverable
    if (excess[w]! > 0) excessNodes--;
    const pw = price[w]!;
    const hi = first[w + 1]!;
    for (let b = first[w]!; b < hi; b++) {
      const rb = rev[b]!;
      if (rescap[rb]! === 0) continue;
      const v = head[b]!;
      const dv = dist[v]!;
      if (dv < 0) continue;
      const cr = cst[rb]! + price[v]! - pw;
      const nd = level + Math.floor(cr / eps) + 1;
      if (nd < dv && nd < B) {
        if (dv === INF) touched[nTouched++] = v;
        else bucketRemove(u, v, dv);
        dist[v] = nd;
        bucketInsert(u, v, nd);
        if (nd > maxLevel) maxLevel = nd;
      }
    }
  }
  const D = level < B ? level : B - 1;
  for (let i = 0; i < nScanned; i++) {
    const v = scanned[i]!;
    const d = -1 - dist[v]!;
    if (d < D) price[v]! += (D - d) * eps;
  }
  for (let i = 0; i < nTouched; i++) dist[touched[i]!] = INF;
  const top = maxLevel < B ? maxLevel : B - 1;
  for (let d = level; d <= top; d++) bucketFirst[d] = -1;
  current[T] = first[T]!;
  rebuildHeaps(s);
}

/** Discharges active nodes in FIFO order until none is left. */
function dischargeAll(s: Network, eps: number, updater: PriceUpdater | undefined, updateEvery: number): void {
  const { R, T, queue, queued, price, excess } = s;
  const qCap = queue.length;
  let nextUpdate = s.relabels + updateEvery;
  while (s.qHead !== s.qTail) {
    if (updater !== undefined && s.relabels >= nextUpdate) {
      globalUpdate(s, updater, eps);
      nextUpdate = s.relabels + updateEvery;
    }
    const h = s.qHead;
    const v = queue[h]!;
    s.qHead = h + 1 === qCap ? 0 : h + 1;
    queued[v] = 0;
    const pv = v < R ? dischargeResident(s, v, eps) : v < T ? dischargeProvider(s, v, eps) : dischargeSink(s, v, eps);
    if (!(pv > -EXACT_LIMIT)) throw new PriceRangeError('cost scaling: price left the exact integer range');
    price[v] = pv;
    excess[v] = 0;
  }
}

export function costScalingAssignment(input: CostScalingInput): CostScalingOutput {
  const { R, arcStart } = input;
  const alpha = input.alpha ?? 8;
  const updateFreq = input.updateFrequency ?? 0;
  const n = R + input.P + 1;
  const { s, maxScaled } = buildNetwork(input, n + 1, undefined);
  const { first, rescap } = s;
  const updater = updateFreq > 0 ? new PriceUpdater(n) : undefined;
  const updateEvery = updateFreq * n;

  const phases = scalePhases(maxScaled, alpha, input.providerPrice !== undefined, (eps) => {
    saturate(s, false);
    if (updater !== undefined) globalUpdate(s, updater, eps);
    dischargeAll(s, eps, updater, updateEvery);
  });

  const assignedArc = new Int32Array(R).fill(-1);
  for (let r = 0; r < R; r++) {
    const base = first[r]!;
    const count = arcStart[r + 1]! - arcStart[r]!;
    for (let i = 0; i < count; i++) {
      if (rescap[base + i] === 0) {
        assignedArc[r] = arcStart[r]! + i;
        break;
      }
    }
  }
  return { assignedArc, pushes: s.pushes, relabels: s.relabels, phases };
}
