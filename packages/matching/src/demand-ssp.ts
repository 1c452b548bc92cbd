import type { SupplyFlow, SupplyProblem } from './demand-flow';

/**
 * Successive shortest paths for the supply network S ──d_r──▶ r ──d_r, w──▶ p ──H_p──▶ T:
 * Dijkstra on reduced costs (Johnson potentials) from a super source S, augmenting the
 * bottleneck each time, until T is unreachable. Each augmentation is a cheapest way to serve
 * more units, so the result serves the most units and, among those, costs least — the
 * lexicographic objective with no penalty U. Simple and exact; slow on large instances with
 * shortages (long paths), so it is the fallback when the penalised costs would leave the
 * exact range of doubles, and an independent cross-check in the tests.
 */
export function sspSupply(problem: Omit<SupplyProblem, 'unservedCost'>): SupplyFlow & { augmentations: number } {
  const { R, P, capacity, arcStart, arcProvider, cost, supply } = problem;
  const A = arcProvider.length;
  const S = R + P;
  const T = R + P + 1;
  const n = R + P + 2;
  // Arc layout: pairs (forward, reverse) at 2k, 2k+1. k < A: resident arcs; then S→r; then p→T.
  const m = 2 * (A + R + P);
  const from = new Int32Array(m);
  const to = new Int32Array(m);
  const cap = new Float64Array(m);
  const cst = new Float64Array(m);
  const outStart = new Int32Array(n + 1);
  let k = 0;
  const add = (u: number, v: number, c: number, w: number): void => {
    from[k] = u;
    to[k] = v;
    cap[k] = c;
    cst[k] = w;
    from[k + 1] = v;
    to[k + 1] = u;
    cap[k + 1] = 0;
    cst[k + 1] = -w;
    outStart[u + 1]!++;
    outStart[v + 1]!++;
    k += 2;
  };
  for (let r = 0; r < R; r++) for (let a = arcStart[r]!; a < arcStart[r + 1]!; a++) add(r, R + arcProvider[a]!, supply[r]!, cost[a]!);
  for (let r = 0; r < R; r++) add(S, r, supply[r]!, 0);
  for (let p = 0; p < P; p++) add(R + p, T, capacity[p]!, 0);
  for (let v = 0; v < n; v++) outStart[v + 1]! += outStart[v]!;
  const out = new Int32Array(m);
  const fill = outStart.slice(0, n);
  for (let e = 0; e < m; e++) out[fill[from[e]!]!++] = e;

  const pi = new Float64Array(n);
  const dist = new Float64Array(n);
  const parent = new Int32Array(n);
  const done = new Uint8Array(n);
  // Binary heap of (key, node), lazy deletion.
  let hKeys = new Float64Array(64);
  let hNodes = new Int32Array(64);
  let hSize = 0;
  const push = (key: number, v: number): void => {
    if (hSize === hKeys.length) {
      const k2 = new Float64Array(hSize * 2);
      k2.set(hKeys);
      hKeys = k2;
      const n2 = new Int32Array(hSize * 2);
      n2.set(hNodes);
      hNodes = n2;
    }
    let i = hSize++;
    while (i > 0) {
      const up = (i - 1) >> 1;
      if (hKeys[up]! <= key) break;
      hKeys[i] = hKeys[up]!;
      hNodes[i] = hNodes[up]!;
      i = up;
    }
    hKeys[i] = key;
    hNodes[i] = v;
  };
  const pop = (): number => {
    const v = hNodes[0]!;
    const key = hKeys[--hSize]!;
    const node = hNodes[hSize]!;
    let i = 0;
    for (;;) {
      let c = 2 * i + 1;
      if (c >= hSize) break;
      if (c + 1 < hSize && hKeys[c + 1]! < hKeys[c]!) c++;
      if (hKeys[c]! >= key) break;
      hKeys[i] = hKeys[c]!;
      hNodes[i] = hNodes[c]!;
      i = c;
    }
    hKeys[i] = key;
    hNodes[i] = node;
    return v;
  };

  let augmentations = 0;
  for (;;) {
    dist.fill(Infinity);
    done.fill(0);
    dist[S] = 0;
    hSize = 0;
    push(0, S);
    while (hSize > 0) {
      const key = hKeys[0]!;
      const u = pop();
      if (done[u] === 1 || key > dist[u]!) continue;
      done[u] = 1;
      if (u === T) break;
      const pu = pi[u]!;
      for (let i = outStart[u]!; i < outStart[u + 1]!; i++) {
        const e = out[i]!;
        if (cap[e]! <= 0) continue;
        const v = to[e]!;
        if (done[v] === 1) continue;
        const nd = key + cst[e]! + pu - pi[v]!;
        if (nd < dist[v]!) {
          dist[v] = nd;
          parent[v] = e;
          push(nd, v);
        }
      }
    }
    if (done[T] === 0) break;
    const dT = dist[T]!;
    for (let v = 0; v < n; v++) pi[v]! += done[v] === 1 ? dist[v]! : dT;
    let delta = Infinity;
    for (let v = T; v !== S; v = from[parent[v]!]!) if (cap[parent[v]!]! < delta) delta = cap[parent[v]!]!;
    for (let v = T; v !== S; v = from[parent[v]!]!) {
      const e = parent[v]!;
      cap[e]! -= delta;
      cap[e ^ 1]! += delta;
    }
    augmentations++;
  }

  const flow = new Int32Array(A);
  for (let a = 0; a < A; a++) flow[a] = cap[2 * a + 1]!;
  const unserved = new Int32Array(R);
  for (let r = 0; r < R; r++) unserved[r] = cap[2 * (A + r)]!;
  return { flow, unserved, pushes: 0, relabels: 0, phases: 0, augmentations };
}
