import { EXACT_LIMIT, PriceRangeError } from './cost-scaling';
import {
  buildNetwork,
  dischargeSink,
  enqueue,
  freshKey,
  heapPop,
  heapPush,
  type Network,
  type NetworkInput,
  saturate,
  scalePhases,
} from './residual-network';
/**
 * Cost-scaling push-relabel for the transportation problem with general integer supplies
 * (the LP relaxation of the home-visit allocation, where a resident's hours may split):
 *
 *   resident r (supply d_r) ──cap d_r, cost w(r, p) per unit──▶ provider p ──cap H_p, cost 0──▶ T
 *   resident r ──cap d_r, cost U per unit (the "unserved" arc)──▶ T          (T demands Σ d_r)
 *
 * The same method as cost-scaling.ts (Goldberg's cost scaling, costs × K = n + 1, ε divided
 * by α each phase down to 1, FIFO discharge, the CSA "double push" on a relabel, per-provider
 * max-heaps of residual reverse arcs; the network, the heaps, the phase-start saturation, T's
 * discharge and the ε schedule are shared with it in residual-network.ts), generalised where
 * unit supplies were assumed:
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
export interface SupplyProblem extends NetworkInput {
  /** Per resident, its supply d_r (integer >= 1, < 2^31). */
  supply: Int32Array;
  alpha?: number;
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

// Kept apart from cost-scaling.ts: a resident may spread over several providers in one
// discharge (pending heap insertions) and heap keys may be stale (checked when read).
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
  const { R, arcStart, arcProvider, supply } = input;
  const alpha = input.alpha ?? 8;
  const A = arcProvider.length;
  const { s, maxScaled } = buildNetwork(input, R + input.P + 2, supply);
  const { first, rescap } = s;

  const phases = scalePhases(maxScaled, alpha, input.providerPrice !== undefined, (eps) => {
    saturate(s, true);
    dischargeAll(s, eps);
  });

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
