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
 * - a resident that must relabel computes best and second-best arc in the same scan,
 *   pushes to the best and drops its price to second-best − ε (the "double push" of
 *   Goldberg & Kennedy's CSA; it is an auction bid), so one scan does relabel + push;
 * - each provider keeps the reverse arcs that are residual (its current residents) packed
 *   at the front of its arc list, so it scans ~capacity arcs, not its whole in-degree.
 *
 * Conventions: reduced cost c_p(v, w) = c(v, w) + price(v) − price(w); an arc is
 * admissible when residual with c_p < 0; relabels only lower prices.
 */
export interface CostScalingInput {
  R: number;
  P: number;
  capacity: Int32Array;
  arcStart: Int32Array;
  arcProvider: Int32Array;
  /** Non-negative integer costs. */
  cost: Float64Array;
  /** Integer cost of leaving a resident unserved. */
  unservedCost: number;
  /** Factor by which ε shrinks between phases. */
  alpha?: number;
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

export function costScalingAssignment(input: CostScalingInput): CostScalingOutput {
  const { R, P, capacity, arcStart, arcProvider, cost, unservedCost } = input;
  const alpha = input.alpha ?? 8;
  const A = arcProvider.length;
  const n = R + P + 1;
  const T = R + P;
  const K = n + 1;

  // CSR of residual arcs. Resident r: its arcs, then r→T. Provider p: p→T, then one reverse
  // arc per incoming resident arc. T: the reverse arcs of every p→T and r→T.
  const first = new Int32Array(n + 1);
  for (let r = 0; r < R; r++) first[r + 1] = arcStart[r + 1]! - arcStart[r]! + 1;
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
  for (let r = 0; r < R; r++) {
    for (let a = arcStart[r]!; a < arcStart[r + 1]!; a++) {
      const c = cost[a]! * K;
      if (c > maxScaled) maxScaled = c;
      link(r, R + arcProvider[a]!, 1, c);
    }
    link(r, T, 1, unservedCost * K);
  }

  // Provider p's residual reverse arcs occupy first[R+p]+1 .. packedEnd[p]-1.
  const packedEnd = new Int32Array(P);
  for (let p = 0; p < P; p++) packedEnd[p] = first[R + p]! + 1;
  const swapArcs = (x: number, y: number): void => {
    if (x === y) return;
    const hx = head[x]!;
    const cx = rescap[x]!;
    const kx = cst[x]!;
    const sx = rev[x]!;
    const sy = rev[y]!;
    head[x] = head[y]!;
    rescap[x] = rescap[y]!;
    cst[x] = cst[y]!;
    rev[x] = sy;
    rev[sy] = x;
    head[y] = hx;
    rescap[y] = cx;
    cst[y] = kx;
    rev[y] = sx;
    rev[sx] = y;
  };
  /** Push `delta` along arc a (tail v): updates residuals and keeps provider arcs packed. */
  const pushArc = (v: number, a: number, delta: number): void => {
    rescap[a]! -= delta;
    const b = rev[a]!;
    const before = rescap[b]!;
    rescap[b] = before + delta;
    const w = head[a]!;
    // Resident → provider: the provider gains a residual reverse arc b; pack it.
    if (v < R && w < T && before === 0) {
      const p = w - R;
      swapArcs(b, packedEnd[p]!);
      packedEnd[p]!++;
    }
    // Provider → resident (reverse arc a) emptied: unpack it.
    if (v >= R && v < T && w < R && rescap[a] === 0) {
      const p = v - R;
      packedEnd[p]!--;
      swapArcs(a, packedEnd[p]!);
    }
  };

  const price = new Float64Array(n);
  const excess = new Int32Array(n);
  for (let r = 0; r < R; r++) excess[r] = 1;
  excess[T] = -R;
  const current = first.slice(0, n);
  const queue = new Int32Array(n + 1);
  const queued = new Uint8Array(n);
  const qCap = n + 1;
  let qHead = 0;
  let qTail = 0;
  const enqueue = (v: number): void => {
    queued[v] = 1;
    queue[qTail] = v;
    qTail = qTail + 1 === qCap ? 0 : qTail + 1;
  };

  let pushes = 0;
  let relabels = 0;
  let phases = 0;
  let eps = maxScaled;
  while (eps > 1) {
    eps = Math.max(1, Math.floor(eps / alpha));
    phases++;
    // Make the pseudoflow 0-optimal: saturate every residual arc with negative reduced cost.
    // (Provider segments are only read here up to their packed end, plus the T arc.)
    for (let v = 0; v < n; v++) {
      const pv = price[v]!;
      const isProvider = v >= R && v < T;
      for (let a = first[v]!; a < (isProvider ? packedEnd[v - R]! : first[v + 1]!); a++) {
        const c = rescap[a]!;
        if (c > 0) {
          const w = head[a]!;
          if (cst[a]! + pv - price[w]! < 0) {
            pushArc(v, a, c);
            excess[v]! -= c;
            excess[w]! += c;
            if (isProvider && w < R) a--; // another arc was swapped into slot a
          }
        }
      }
    }
    for (let v = 0; v < n; v++) {
      current[v] = first[v]!;
      if (excess[v]! > 0 && queued[v] === 0) enqueue(v);
    }

    while (qHead !== qTail) {
      const v = queue[qHead]!;
      qHead = qHead + 1 === qCap ? 0 : qHead + 1;
      queued[v] = 0;
      let ex = excess[v]!;
      let pv = price[v]!;
      const begin = first[v]!;
      const isProvider = v >= R && v < T;
      if (v === T) {
        // T (rarely active): classic current-arc discharge over its long arc list.
        while (ex > 0) {
          const end = first[v + 1]!;
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
            relabels++;
            current[v] = begin;
            continue;
          }
          const w = head[a]!;
          const c = rescap[a]!;
          const delta = ex < c ? ex : c;
          pushArc(v, a, delta);
          ex -= delta;
          const before = excess[w]!;
          excess[w] = before + delta;
          pushes++;
          if (before + delta > 0 && queued[w] === 0) enqueue(w);
          current[v] = a;
        }
      } else {
        // Residents and providers: one scan finds the best and second-best residual arc by
        // value price(w) − cost(v, w). Push on the best (relabelling first if it is not
        // admissible), then, once the excess is gone, drop the price to second-best − ε:
        // the "double push" of CSA, i.e. an auction bid. Providers scan only their packed
        // residual arcs (their current residents and T).
        while (ex > 0) {
          const end = isProvider ? packedEnd[v - R]! : first[v + 1]!;
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
            relabels++;
          }
          const w = head[bestArc]!;
          const c = rescap[bestArc]!;
          const delta = ex < c ? ex : c;
          pushArc(v, bestArc, delta);
          ex -= delta;
          const before = excess[w]!;
          excess[w] = before + delta;
          pushes++;
          if (before + delta > 0 && queued[w] === 0) enqueue(w);
          if (ex === 0) {
            // Arcs still residual: the others, plus the best one if it kept capacity.
            const bound = c > delta ? best : second;
            if (bound !== -Infinity && bound - eps < pv) pv = bound - eps;
          }
        }
      }
      if (!(pv > -EXACT_LIMIT)) throw new PriceRangeError('cost scaling: price left the exact integer range');
      price[v] = pv;
      excess[v] = 0;
    }
  }

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
  return { assignedArc, pushes, relabels, phases };
}
