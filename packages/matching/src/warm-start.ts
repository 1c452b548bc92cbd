import type { IntegerProblem, PenalisedProblem } from './integer-problem';
/**
 * Warm-start prices for cost scaling (see cost-scaling.ts).
 *
 * With the "unserved" arc of cost U, providers in a region that cannot serve all of its
 * residents end with prices about U below the others: the residents left unserved there must
 * be indifferent between T (value −U) and those providers. From zero prices the solver finds
 * that gap by bidding in steps of ε (a price war that was most of phase 2's relabels).
 *
 * Here the gap is found combinatorially: a maximum-cardinality assignment (greedy to the
 * cheapest provider with room, then augmenting paths), then one alternating breadth-first
 * search from the unserved residents. The providers it reaches are all full and the residents
 * it reaches have arcs only to reached providers (the deficient part of the Dulmage–Mendelsohn
 * decomposition); every unserved resident is in it. Each reached provider p gets price
 * −U + μ_p, with μ_p the largest cost among the residents the assignment gives it, so that its
 * residents still prefer it to T and the unserved ones are about indifferent; every other
 * provider keeps price 0.
 *
 * These are only starting prices: cost scaling is exact from any prices, they just decide how
 * much bidding is left to do.
 */
export type WarmStartInput = PenalisedProblem;

/** Per provider, its starting price in unscaled cost units (0 or −U + μ_p). */
export function warmStartPrices(input: WarmStartInput): Float64Array {
  const region = deficientRegion(input);
  const price = new Float64Array(input.P);
  for (let p = 0; p < input.P; p++) if (region.reachedProvider[p] === 1) price[p] = region.mu[p]! - input.unservedCost;
  return price;
}

/** A maximum assignment and the deficient part of its Dulmage–Mendelsohn decomposition. */
export interface DeficientRegion {
  /** Residents served by a maximum assignment (the maximum number that can be served). */
  served: number;
  /** Per resident, the arc of that maximum assignment, or −1. */
  assigned: Int32Array;
  /**
   * 1 for the residents reachable by alternating paths from an unserved one (every unserved
   * resident among them): the only residents that some maximum assignment leaves unserved.
   */
  deficientResident: Uint8Array;
  /** 1 for the providers those residents reach: full in every maximum assignment, and only with them. */
  reachedProvider: Uint8Array;
  /** Per reached provider, the largest cost among the residents the assignment gives it. */
  mu: Float64Array;
}

/**
 * A maximum-cardinality assignment and its deficient region (see the top of this file).
 * Capacities must not sum past 2^31 − 1 (solveAssignment clamps each one to the provider's
 * number of arcs first, so they sum to at most the number of arcs).
 */
export function deficientRegion(input: IntegerProblem): DeficientRegion {
  const { R, P, capacity, arcStart, arcProvider, cost } = input;
  const used = new Int32Array(P);
  const assigned = new Int32Array(R).fill(-1); // arc index
  // Greedy: each resident to its cheapest provider with room.
  for (let r = 0; r < R; r++) {
    let bestArc = -1;
    let best = Infinity;
    for (let a = arcStart[r]!; a < arcStart[r + 1]!; a++) {
      const p = arcProvider[a]!;
      if (used[p]! < capacity[p]! && cost[a]! < best) {
        best = cost[a]!;
        bestArc = a;
      }
    }
    if (bestArc >= 0) {
      assigned[r] = bestArc;
      used[arcProvider[bestArc]!]!++;
    }
  }

  // Augment to maximum cardinality (Kuhn's depth-first search, visited marks kept for a
  // whole pass so a pass is O(arcs)); passes repeat until one finds nothing. Each provider's
  // residents sit in slots slotBase[p] .. slotBase[p] + used[p] - 1. (Hopcroft–Karp phases
  // were measured instead: 2.4× faster here at 10k, slower at 50k, where nearly every
  // resident is in the deficient region and each of its 13 phases searched all of it.)
  const slotBase = new Int32Array(P + 1);
  for (let p = 0; p < P; p++) slotBase[p + 1] = slotBase[p]! + capacity[p]!;
  const slots = new Int32Array(slotBase[P]!);
  const slotOf = new Int32Array(R).fill(-1);
  used.fill(0);
  for (let r = 0; r < R; r++) {
    const a = assigned[r]!;
    if (a >= 0) {
      const p = arcProvider[a]!;
      const slot = slotBase[p]! + used[p]!++;
      slots[slot] = r;
      slotOf[r] = slot;
    }
  }
  const residentSeen = new Int32Array(R);
  const providerSeen = new Int32Array(P);
  // The search path: resident per depth, its arc cursor, the arc taken, the member cursor.
  const sRes = new Int32Array(R + 1);
  const sCur = new Int32Array(R + 1);
  const sArc = new Int32Array(R + 1);
  const sMem = new Int32Array(R + 1);
  // Marks: the current search's id, or −pass once a search of this pass failed through the
  // node (a dead end for the rest of the pass). Nodes seen by a successful search stay free.
  const touchedR = new Int32Array(R);
  const touchedP = new Int32Array(P);
  let search = 0;
  let pass = 0;
  for (;;) {
    pass++;
    let augmented = 0;
    for (let r0 = 0; r0 < R; r0++) {
      if (assigned[r0]! >= 0 || residentSeen[r0] === -pass) continue;
      search++;
      let nR = 0;
      let nP = 0;
      let found = false;
      residentSeen[r0] = search;
      touchedR[nR++] = r0;
      let d = 0;
      sRes[0] = r0;
      sCur[0] = arcStart[r0]!;
      sMem[0] = -1;
      while (d >= 0) {
        const x = sRes[d]!;
        const m0 = sMem[d]!;
        if (m0 >= 0) {
          // Try the next unseen resident of the provider reached by arc sArc[d].
          const p = arcProvider[sArc[d]!]!;
          const mEnd = slotBase[p]! + used[p]!;
          let m = m0;
          while (m < mEnd && (residentSeen[slots[m]!] === search || residentSeen[slots[m]!] === -pass)) m++;
          if (m < mEnd) {
            sMem[d] = m + 1;
            const y = slots[m]!;
            residentSeen[y] = search;
            touchedR[nR++] = y;
            d++;
            sRes[d] = y;
            sCur[d] = arcStart[y]!;
            sMem[d] = -1;
            continue;
          }
          sMem[d] = -1;
        }
        const own = assigned[x]!;
        const end = arcStart[x + 1]!;
        let a = sCur[d]!;
        let next = -1;
        if (a === arcStart[x]!) {
          // Look ahead: a provider with room among all of x's arcs ends the search at once.
          for (let b = a; b < end; b++) {
            const p = arcProvider[b]!;
            if (b !== own && used[p]! < capacity[p]! && providerSeen[p] !== search && providerSeen[p] !== -pass) {
              a = b;
              break;
            }
          }
        }
        for (; a < end; a++) {
          if (a === own) continue;
          const p = arcProvider[a]!;
          if (providerSeen[p] === search || providerSeen[p] === -pass) continue;
          providerSeen[p] = search;
          touchedP[nP++] = p;
          if (used[p]! < capacity[p]!) {
            // Augment: x takes a fresh slot of p, each resident below takes the slot of the
            // one above it.
            let slot = slotBase[p]! + used[p]!++;
            let arc = a;
            for (let i = d; i >= 0; i--) {
              const y = sRes[i]!;
              const old = slotOf[y]!;
              slots[slot] = y;
              slotOf[y] = slot;
              assigned[y] = arc;
              slot = old;
              if (i > 0) arc = sArc[i - 1]!;
            }
            augmented++;
            found = true;
            next = -2;
            break;
          }
          next = a;
          break;
        }
        if (next === -2) break;
        if (next >= 0) {
          sCur[d] = next + 1;
          sArc[d] = next;
          sMem[d] = slotBase[arcProvider[next]!]!;
          continue;
        }
        d--;
      }
      if (!found) {
        for (let i = 0; i < nR; i++) residentSeen[touchedR[i]!] = -pass;
        for (let i = 0; i < nP; i++) providerSeen[touchedP[i]!] = -pass;
      }
    }
    if (augmented === 0) break;
  }

  // Providers that can still gain a free slot along an alternating path ("open"): a reverse
  // search from the providers with room through the residents that have an arc to them.
  const inStart = new Int32Array(P + 1);
  const A = arcProvider.length;
  for (let a = 0; a < A; a++) inStart[arcProvider[a]! + 1]!++;
  for (let p = 0; p < P; p++) inStart[p + 1]! += inStart[p]!;
  const inRes = new Int32Array(A);
  const inFill = inStart.slice(0, P);
  for (let r = 0; r < R; r++) for (let a = arcStart[r]!; a < arcStart[r + 1]!; a++) inRes[inFill[arcProvider[a]!]!++] = r;
  const open = new Uint8Array(P);
  const pQueue = new Int32Array(P);
  let head = 0;
  let tail = 0;
  for (let p = 0; p < P; p++) {
    if (used[p]! < capacity[p]!) {
      open[p] = 1;
      pQueue[tail++] = p;
    }
  }
  while (head < tail) {
    const q = pQueue[head++]!;
    for (let i = inStart[q]!; i < inStart[q + 1]!; i++) {
      const a = assigned[inRes[i]!]!;
      if (a < 0) continue;
      const p = arcProvider[a]!;
      if (open[p] === 0) {
        open[p] = 1;
        pQueue[tail++] = p;
      }
    }
  }
  // The deficient region: everything reachable from the unserved residents through
  // providers that are not open (all of it once the assignment is maximum).
  const reached = new Uint8Array(P);
  const deficient = new Uint8Array(R);
  const rQueue = new Int32Array(R);
  head = 0;
  tail = 0;
  let served = 0;
  for (let r = 0; r < R; r++) {
    if (assigned[r]! < 0) {
      rQueue[tail++] = r;
      deficient[r] = 1;
    } else served++;
  }
  while (head < tail) {
    const r = rQueue[head++]!;
    for (let a = arcStart[r]!; a < arcStart[r + 1]!; a++) {
      const p = arcProvider[a]!;
      if (open[p] === 1 || reached[p] === 1) continue;
      reached[p] = 1;
      for (let i = slotBase[p]!; i < slotBase[p]! + used[p]!; i++) {
        const y = slots[i]!;
        deficient[y] = 1;
        rQueue[tail++] = y;
      }
    }
  }
  const mu = new Float64Array(P);
  for (let p = 0; p < P; p++) {
    if (reached[p] === 0) continue;
    let m = 0;
    for (let i = slotBase[p]!; i < slotBase[p]! + used[p]!; i++) {
      const c = cost[assigned[slots[i]!]!]!;
      if (c > m) m = c;
    }
    mu[p] = m;
  }
  return { served, assigned, deficientResident: deficient, reachedProvider: reached, mu };
}

