/**
 * From the relaxation's optimal flow (hours may split) to an unsplittable assignment:
 *
 * 1. `cancelFreeCycles`: make the flow basic. An arc is "free" when its flow is strictly
 *    between 0 and its capacity (resident→provider 0 < y < d_r, resident's unserved arc
 *    0 < u < d_r, provider→T 0 < used < H_p). Cycles of free arcs have cost 0 in an optimal
 *    flow, so pushing around one until an arc hits a bound keeps the flow optimal. When no
 *    such cycle is left the free arcs form a forest; a resident is *split* exactly when it has
 *    two or more free arcs, and a forest on S ∪ P' ∪ {T} with at least 2|S| edges gives
 *    |S| <= |P'|: at most one split resident per provider touched by split residents.
 * 2. `roundFlow`: residents the flow serves wholly at one provider keep it (that never
 *    exceeds a capacity: it is part of a feasible flow). Split residents, largest demand
 *    first, go wholly to one of their flow's providers where the rest fits (most hours
 *    first, then cheapest); then every resident still unserved, largest demand first, to its
 *    cheapest provider with room.
 * 3. Local improvement, each move keeping every capacity: fill a provider's room by moving a
 *    resident there from a provider where the freed room lets an unserved resident in
 *    (+hours); replace a served resident by an unserved one with more hours where that fits
 *    (+hours; the replaced one is re-placed if possible); move residents to cheaper
 *    providers with room (−cost).
 */
export interface RoundingInput {
  R: number;
  P: number;
  capacity: Int32Array;
  arcStart: Int32Array;
  arcProvider: Int32Array;
  /** Original costs per arc (the reported objective). */
  arcCost: ArrayLike<number>;
  /** Integer per-unit costs the relaxation was solved with (to orient zero-cost cycles). */
  unitCost: Float64Array;
  unservedCost: number;
  demand: Int32Array;
}

export interface CancelStats {
  cycles: number;
  splitBefore: number;
  splitAfter: number;
}

/** Makes the free arcs of an optimal flow a forest (in place). */
export function cancelFreeCycles(input: RoundingInput, flow: Int32Array, unserved: Int32Array): CancelStats {
  const { R, P, capacity, arcStart, arcProvider, unitCost, unservedCost, demand } = input;
  const used = new Float64Array(P);
  for (let a = 0; a < arcProvider.length; a++) used[arcProvider[a]!]! += flow[a]!;
  const residentNode = new Int32Array(R).fill(-1);
  const providerNode = new Int32Array(P).fill(-1);
  let nodes = 0;
  let edges = 0;
  for (let r = 0; r < R; r++) {
    const d = demand[r]!;
    let free = unserved[r]! > 0 && unserved[r]! < d ? 1 : 0;
    for (let a = arcStart[r]!; a < arcStart[r + 1]!; a++) if (flow[a]! > 0 && flow[a]! < d) free++;
    if (free >= 2) {
      residentNode[r] = nodes++;
      edges += free;
      for (let a = arcStart[r]!; a < arcStart[r + 1]!; a++) {
        const p = arcProvider[a]!;
        if (flow[a]! > 0 && providerNode[p] === -1) providerNode[p] = -2;
      }
    }
  }
  const splitBefore = nodes;
  if (nodes === 0) return { cycles: 0, splitBefore: 0, splitAfter: 0 };
  for (let p = 0; p < P; p++) {
    if (providerNode[p] === -2) {
      providerNode[p] = nodes++;
      if (used[p]! > 0 && used[p]! < capacity[p]!) edges++;
    }
  }
  const T = nodes++;
  // Edge e: tail → head (the flow direction); kind 0: resident arc a, 1: unserved of r, 2: p→T.
  const eTail = new Int32Array(edges);
  const eHead = new Int32Array(edges);
  const eKind = new Uint8Array(edges);
  const eRef = new Int32Array(edges);
  let e = 0;
  for (let r = 0; r < R; r++) {
    const u = residentNode[r]!;
    if (u < 0) continue;
    const d = demand[r]!;
    for (let a = arcStart[r]!; a < arcStart[r + 1]!; a++) {
      if (flow[a]! > 0 && flow[a]! < d) {
        eTail[e] = u;
        eHead[e] = providerNode[arcProvider[a]!]!;
        eKind[e] = 0;
        eRef[e++] = a;
      }
    }
    if (unserved[r]! > 0 && unserved[r]! < d) {
      eTail[e] = u;
      eHead[e] = T;
      eKind[e] = 1;
      eRef[e++] = r;
    }
  }
  for (let p = 0; p < P; p++) {
    const v = providerNode[p]!;
    if (v >= 0 && used[p]! > 0 && used[p]! < capacity[p]!) {
      eTail[e] = v;
      eHead[e] = T;
      eKind[e] = 2;
      eRef[e++] = p;
    }
  }
  const residentOfArc = (a: number): number => {
    // Binary search in arcStart (only for cycle edges: rare).
    let lo = 0;
    let hi = R - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (arcStart[mid]! <= a) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  };
  const flowOf = (x: number): number => {
    const k = eKind[x]!;
    return k === 0 ? flow[eRef[x]!]! : k === 1 ? unserved[eRef[x]!]! : used[eRef[x]!]!;
  };
  const capOf = (x: number): number => {
    const k = eKind[x]!;
    return k === 0 ? demand[residentOfArc(eRef[x]!)]! : k === 1 ? demand[eRef[x]!]! : capacity[eRef[x]!]!;
  };
  const costOf = (x: number): number => {
    const k = eKind[x]!;
    return k === 0 ? unitCost[eRef[x]!]! : k === 1 ? unservedCost : 0;
  };
  const addFlow = (x: number, delta: number): void => {
    const k = eKind[x]!;
    if (k === 0) {
      flow[eRef[x]!]! += delta;
      used[arcProvider[eRef[x]!]!]! += delta;
    } else if (k === 1) unserved[eRef[x]!]! += delta;
    // kind 2 (p→T) mirrors used[p], which the resident arcs of the same cycle update.
  };
  const dead = new Uint8Array(edges);
  const isFree = (x: number): boolean => {
    const f = flowOf(x);
    return f > 0 && f < capOf(x);
  };

  // Adjacency (both directions).
  const adjStart = new Int32Array(nodes + 1);
  for (let x = 0; x < edges; x++) {
    adjStart[eTail[x]! + 1]!++;
    adjStart[eHead[x]! + 1]!++;
  }
  for (let v = 0; v < nodes; v++) adjStart[v + 1]! += adjStart[v]!;
  const adj = new Int32Array(2 * edges);
  const fill = adjStart.slice(0, nodes);
  for (let x = 0; x < edges; x++) {
    adj[fill[eTail[x]!]!++] = x;
    adj[fill[eHead[x]!]!++] = x;
  }

  // Depth-first search; a live edge to a node on the stack closes a cycle, which is
  // cancelled at once. A finished node's subtree hangs on one edge (every other live edge
  // of it would have closed a cycle), so it can never be on a cycle again; after a
  // cancellation the stack is cut back above the highest edge that died.
  const state = new Uint8Array(nodes); // 0 new, 1 on stack, 2 finished
  const pos = new Int32Array(nodes);
  const iter = new Int32Array(nodes);
  const stack = new Int32Array(nodes);
  const edgeIn = new Int32Array(nodes);
  let cycles = 0;
  for (let root = 0; root < nodes; root++) {
    if (state[root] !== 0) continue;
    let top = 0;
    stack[0] = root;
    edgeIn[0] = -1;
    state[root] = 1;
    pos[root] = 0;
    iter[root] = adjStart[root]!;
    while (top >= 0) {
      const x = stack[top]!;
      let next = -1;
      while (iter[x]! < adjStart[x + 1]!) {
        const cand = adj[iter[x]!++]!;
        if (cand !== edgeIn[top] && dead[cand] === 0) {
          next = cand;
          break;
        }
      }
      if (next < 0) {
        state[x] = 2;
        top--;
        continue;
      }
      const y = eTail[next] === x ? eHead[next]! : eTail[next]!;
      if (state[y] === 2) continue;
      if (state[y] === 0) {
        top++;
        stack[top] = y;
        edgeIn[top] = next;
        state[y] = 1;
        pos[y] = top;
        iter[y] = adjStart[y]!;
        continue;
      }
      // Cycle: stack[pos[y]] … stack[top], then `next` back to y. Orientation: +1 when an
      // edge is walked tail → head (its flow grows), −1 otherwise.
      const from = pos[y]!;
      let cost = 0;
      for (let j = from + 1; j <= top; j++) {
        const x2 = edgeIn[j]!;
        cost += eHead[x2] === stack[j] ? costOf(x2) : -costOf(x2);
      }
      cost += eHead[next] === y ? costOf(next) : -costOf(next);
      const sign = cost > 0 ? -1 : 1; // walk the cheaper way (0 in an optimal flow)
      let theta = Infinity;
      const room = (x2: number, forward: boolean): number => (forward ? capOf(x2) - flowOf(x2) : flowOf(x2));
      for (let j = from + 1; j <= top; j++) {
        const x2 = edgeIn[j]!;
        const r2 = room(x2, (eHead[x2] === stack[j]) === (sign === 1));
        if (r2 < theta) theta = r2;
      }
      const rn = room(next, (eHead[next] === y) === (sign === 1));
      if (rn < theta) theta = rn;
      for (let j = from + 1; j <= top; j++) {
        const x2 = edgeIn[j]!;
        addFlow(x2, (eHead[x2] === stack[j]) === (sign === 1) ? theta : -theta);
      }
      addFlow(next, (eHead[next] === y) === (sign === 1) ? theta : -theta);
      cycles++;
      // Kill the edges that reached a bound; cut the stack above the highest one.
      let cut = top + 1;
      for (let j = from + 1; j <= top; j++) {
        const x2 = edgeIn[j]!;
        if (!isFree(x2)) {
          dead[x2] = 1;
          if (j < cut) cut = j;
        }
      }
      if (!isFree(next)) dead[next] = 1;
      for (let j = cut; j <= top; j++) state[stack[j]!] = 0;
      top = cut - 1;
    }
  }
  let splitAfter = 0;
  for (let r = 0; r < R; r++) {
    if (residentNode[r]! < 0) continue;
    const d = demand[r]!;
    let free = unserved[r]! > 0 && unserved[r]! < d ? 1 : 0;
    for (let a = arcStart[r]!; a < arcStart[r + 1]!; a++) if (flow[a]! > 0 && flow[a]! < d) free++;
    if (free >= 2) splitAfter++;
  }
  return { cycles, splitBefore, splitAfter };
}

export interface RoundingResult {
  /** Per resident, the arc it is served on, or -1. */
  assignedArc: Int32Array;
  /** Split residents placed wholly at one of their flow's providers. */
  refitted: number;
  /** Residents placed by the "cheapest provider with room" pass. */
  placedLater: number;
  /** Improvement moves applied: [shifts, replacements, cheaper]. */
  moves: [number, number, number];
}

/** Unsplittable assignment from a (basic) optimal flow; see the module comment. */
export function roundFlow(input: RoundingInput, flow: Int32Array, options: { improvePasses?: number } = {}): RoundingResult {
  const { R, P, capacity, arcStart, arcProvider, arcCost, demand } = input;
  const A = arcProvider.length;
  const assignedArc = new Int32Array(R).fill(-1);
  const room = Float64Array.from(capacity);
  const split: number[] = [];
  for (let r = 0; r < R; r++) {
    const d = demand[r]!;
    let any = false;
    for (let a = arcStart[r]!; a < arcStart[r + 1]!; a++) {
      const f = flow[a]!;
      if (f === d) {
        assignedArc[r] = a;
        room[arcProvider[a]!]! -= d;
      } else if (f > 0) any = true;
    }
    if (assignedArc[r]! < 0 && any) split.push(r);
  }
  const byDemandDesc = (x: number, y: number): number => demand[y]! - demand[x]! || x - y;
  split.sort(byDemandDesc);
  let refitted = 0;
  for (const r of split) {
    const d = demand[r]!;
    let best = -1;
    for (let a = arcStart[r]!; a < arcStart[r + 1]!; a++) {
      if (flow[a]! > 0 && room[arcProvider[a]!]! >= d) {
        if (best < 0 || flow[a]! > flow[best]! || (flow[a] === flow[best] && arcCost[a]! < arcCost[best]!)) best = a;
      }
    }
    if (best >= 0) {
      assignedArc[r] = best;
      room[arcProvider[best]!]! -= d;
      refitted++;
    }
  }
  const place = (r: number): boolean => {
    const d = demand[r]!;
    let best = -1;
    for (let a = arcStart[r]!; a < arcStart[r + 1]!; a++) {
      if (room[arcProvider[a]!]! >= d && (best < 0 || arcCost[a]! < arcCost[best]!)) best = a;
    }
    if (best < 0) return false;
    assignedArc[r] = best;
    room[arcProvider[best]!]! -= d;
    return true;
  };
  const unservedList = (): number[] => {
    const list: number[] = [];
    for (let r = 0; r < R; r++) if (assignedArc[r]! < 0 && arcStart[r + 1]! > arcStart[r]!) list.push(r);
    return list.sort(byDemandDesc);
  };
  let placedLater = 0;
  for (const r of unservedList()) if (place(r)) placedLater++;

  const moves: [number, number, number] = [0, 0, 0];
  const passes = options.improvePasses ?? 4;
  if (passes > 0) {
    // Arcs by provider, and each arc's resident.
    const arcResident = new Int32Array(A);
    for (let r = 0; r < R; r++) for (let a = arcStart[r]!; a < arcStart[r + 1]!; a++) arcResident[a] = r;
    const inStart = new Int32Array(P + 1);
    for (let a = 0; a < A; a++) inStart[arcProvider[a]! + 1]!++;
    for (let p = 0; p < P; p++) inStart[p + 1]! += inStart[p]!;
    const inArc = new Int32Array(A);
    const inFill = inStart.slice(0, P);
    for (let a = 0; a < A; a++) inArc[inFill[arcProvider[a]!]!++] = a;
    const minUnserved = new Float64Array(P);

    for (let pass = 0; pass < passes; pass++) {
      let gained = 0;
      // Shifts: provider p has room; a resident j admissible at p, served at q, moves to p
      // if the room it leaves at q lets an unserved resident in.
      minUnserved.fill(Infinity);
      for (let a = 0; a < A; a++) {
        const r = arcResident[a]!;
        if (assignedArc[r]! < 0) {
          const p = arcProvider[a]!;
          if (demand[r]! < minUnserved[p]!) minUnserved[p] = demand[r]!;
        }
      }
      for (let p = 0; p < P; p++) {
        if (room[p]! <= 0) continue;
        for (let k = inStart[p]!; k < inStart[p + 1]! && room[p]! > 0; k++) {
          const a = inArc[k]!;
          const j = arcResident[a]!;
          const dj = demand[j]!;
          const own = assignedArc[j]!;
          if (dj > room[p]!) continue;
          if (own < 0) {
            // Direct fill (rooms change as moves happen).
            assignedArc[j] = a;
            room[p]! -= dj;
            gained += dj;
            moves[0]++;
            continue;
          }
          const q = arcProvider[own]!;
          if (q === p || minUnserved[q]! > room[q]! + dj) continue;
          const free = room[q]! + dj;
          let bestArc = -1;
          for (let k2 = inStart[q]!; k2 < inStart[q + 1]!; k2++) {
            const b = inArc[k2]!;
            const i = arcResident[b]!;
            if (assignedArc[i]! >= 0 || demand[i]! > free) continue;
            if (bestArc < 0) bestArc = b;
            else {
              const ib = arcResident[bestArc]!;
              if (demand[i]! > demand[ib]! || (demand[i] === demand[ib] && arcCost[b]! < arcCost[bestArc]!)) bestArc = b;
            }
          }
          if (bestArc < 0) continue;
          const i = arcResident[bestArc]!;
          assignedArc[j] = a;
          room[p]! -= dj;
          room[q]! += dj - demand[i]!;
          assignedArc[i] = bestArc;
          gained += demand[i]!;
          moves[0]++;
        }
      }
      // Replacements, provider by provider where there is spare room: an unserved resident i
      // admissible at p takes the place of one or more members J with fewer hours in all,
      // when room_p + Σ d_J >= d_i (gain d_i − Σ d_J hours); the members are then re-placed
      // wherever they fit. J is the single smallest member that is enough, or else members
      // taken largest first while their sum stays below d_i. Candidates are grouped by
      // demand (the cheapest option per demand value), so a provider costs O(its options +
      // members · distinct demands) per success.
      const memberStart = new Int32Array(P + 1);
      for (let r = 0; r < R; r++) if (assignedArc[r]! >= 0) memberStart[arcProvider[assignedArc[r]!]! + 1]!++;
      for (let p = 0; p < P; p++) memberStart[p + 1]! += memberStart[p]!;
      const memberList = new Int32Array(memberStart[P]!);
      const memberFill = memberStart.slice(0, P);
      for (let r = 0; r < R; r++) if (assignedArc[r]! >= 0) memberList[memberFill[arcProvider[assignedArc[r]!]!]!++] = r;
      const current: number[] = [];
      const cheapestByDemand = new Map<number, number>();
      let bestSet: number[] = [];
      const trySet: number[] = [];
      for (let p = 0; p < P; p++) {
        if (room[p]! <= 0) continue;
        cheapestByDemand.clear();
        for (let k = inStart[p]!; k < inStart[p + 1]!; k++) {
          const a = inArc[k]!;
          const i = arcResident[a]!;
          if (assignedArc[i]! >= 0) continue;
          const known = cheapestByDemand.get(demand[i]!);
          if (known === undefined || arcCost[a]! < arcCost[known]!) cheapestByDemand.set(demand[i]!, a);
        }
        if (cheapestByDemand.size === 0) continue;
        for (let guard = 0; guard < 64 && room[p]! > 0 && cheapestByDemand.size > 0; guard++) {
          // Members still at p, by demand ascending (the list misses residents placed at p
          // during this pass: they are only not considered for eviction).
          current.length = 0;
          for (let k = memberStart[p]!; k < memberStart[p + 1]!; k++) {
            const j = memberList[k]!;
            if (assignedArc[j]! >= 0 && arcProvider[assignedArc[j]!] === p) current.push(j);
          }
          current.sort((x, y) => demand[x]! - demand[y]!);
          const spare = room[p]!;
          let bestArc = -1;
          let bestGain = 0;
          bestSet = [];
          for (const [di, a] of cheapestByDemand) {
            if (di <= spare) {
              if (di > bestGain) {
                bestGain = di;
                bestArc = a;
                bestSet = [];
              }
              continue;
            }
            const need = di - spare;
            // One member that is enough, the smallest such.
            let lo = 0;
            let hi = current.length;
            while (lo < hi) {
              const mid = (lo + hi) >> 1;
              if (demand[current[mid]!]! >= need) hi = mid;
              else lo = mid + 1;
            }
            if (lo < current.length && demand[current[lo]!]! < di && di - demand[current[lo]!]! > bestGain) {
              bestGain = di - demand[current[lo]!]!;
              bestArc = a;
              bestSet = [current[lo]!];
            }
            // Several members, largest first, their sum kept below d_i.
            trySet.length = 0;
            let sum = 0;
            for (let k = current.length - 1; k >= 0 && sum < need; k--) {
              const dj = demand[current[k]!]!;
              if (sum + dj < di) {
                sum += dj;
                trySet.push(current[k]!);
              }
            }
            if (sum >= need && di - sum > bestGain) {
              bestGain = di - sum;
              bestArc = a;
              bestSet = trySet.slice();
            }
          }
          if (bestArc < 0) break;
          const i = arcResident[bestArc]!;
          for (const j of bestSet) {
            assignedArc[j] = -1;
            room[p]! += demand[j]!;
          }
          assignedArc[i] = bestArc;
          room[p]! -= demand[i]!;
          gained += bestGain;
          moves[1]++;
          for (const j of bestSet) if (place(j)) gained += demand[j]!;
          // Refresh the candidates of p (i is served now; evicted members may be candidates).
          cheapestByDemand.clear();
          for (let k = inStart[p]!; k < inStart[p + 1]!; k++) {
            const a = inArc[k]!;
            const r = arcResident[a]!;
            if (assignedArc[r]! >= 0) continue;
            const known = cheapestByDemand.get(demand[r]!);
            if (known === undefined || arcCost[a]! < arcCost[known]!) cheapestByDemand.set(demand[r]!, a);
          }
        }
      }
      // Cheaper providers with room.
      let cheaper = 0;
      for (let r = 0; r < R; r++) {
        const own = assignedArc[r]!;
        if (own < 0) continue;
        const d = demand[r]!;
        let best = own;
        for (let a = arcStart[r]!; a < arcStart[r + 1]!; a++) {
          if (arcCost[a]! < arcCost[best]! && room[arcProvider[a]!]! >= d) best = a;
        }
        if (best !== own) {
          room[arcProvider[own]!]! += d;
          room[arcProvider[best]!]! -= d;
          assignedArc[r] = best;
          cheaper++;
        }
      }
      moves[2] += cheaper;
      if (gained === 0 && cheaper === 0) break;
    }
  }
  return { assignedArc, refitted, placedLater, moves };
}
