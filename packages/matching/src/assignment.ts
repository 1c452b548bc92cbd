import { costScalingAssignment, PriceRangeError } from './cost-scaling';
import { InvalidProblemError } from './errors';
import { costGcd, type IntegerProblem, toInt32 } from './integer-problem';
import { sspAssignment } from './ssp';
import { deficientRegion } from './warm-start';

/**
 * A capacitated assignment problem in compressed sparse row (CSR) form: the arcs of
 * resident `r` are `arcStart[r] .. arcStart[r + 1] - 1`, arc `a` goes to provider
 * `arcProvider[a]` at cost `arcCost[a]`. 200,000 residents with 20 arcs each take about
 * 50 MB as typed arrays, against well over a gigabyte as one object per arc.
 *
 * Plain number arrays are accepted too; typed arrays avoid a copy.
 */
export interface AssignmentProblem {
  residentCount: number;
  providerCount: number;
  /** Per provider: how many residents it can take, an integer >= 0. */
  capacity: ArrayLike<number>;
  /** Length residentCount + 1, starts at 0, non-decreasing, ends at the number of arcs. */
  arcStart: ArrayLike<number>;
  /** Per arc: provider index in [0, providerCount). */
  arcProvider: ArrayLike<number>;
  /** Per arc: finite cost >= 0 (the caller's weighted distance). */
  arcCost: ArrayLike<number>;
}

export type AssignmentAlgorithm = 'cost-scaling' | 'ssp';

export interface SolveAssignmentOptions {
  /**
   * 'cost-scaling' (default): a maximum-cardinality assignment, then Goldberg's cost-scaling
   * push-relabel at that count (see `solveAssignment`), the fastest measured.
   * 'ssp': successive shortest paths with Dijkstra; exact too, much slower on large
   * instances with shortages; kept as a fallback and an independent cross-check.
   */
  algorithm?: AssignmentAlgorithm;
  /**
   * Costs are solved as integers `Math.round(cost * costScale)`, which keeps every
   * comparison exact. Default 1000: costs in metres are resolved to the millimetre.
   * When every `cost * costScale` is already an integer (for example integer costs, as the
   * benchmark generates), the answer is exactly optimal for the original costs; otherwise
   * it is optimal for the rounded costs, so its true objective exceeds the true optimum by
   * at most `served / costScale`.
   */
  costScale?: number;
  /**
   * Solve independent components (no resident links them) one after another. Default: when
   * the problem has at least 100,000 arcs (measured at 50k × 2k: 14 % fewer relabels than one
   * solve of the whole; below that size the split only adds allocations). Exact either way.
   */
  splitComponents?: boolean;
}

export interface AssignmentResult {
  /** Per resident: the provider index it is assigned to, or -1 if unserved. */
  assignment: Int32Array;
  /** Per resident: the arc index used, or -1 if unserved. */
  assignedArc: Int32Array;
  /** Per provider: how many residents it serves (<= capacity). */
  used: Int32Array;
  /** Number of residents served: the maximum possible. */
  served: number;
  /** Sum of the original (unscaled) costs of the arcs used: the minimum among maximum assignments. */
  objective: number;
  stats: {
    algorithm: AssignmentAlgorithm;
    costScale: number;
    /** No longer set: the two-phase solve needs no penalty for unserved residents (kept for callers that print it). */
    unservedCost?: number;
    /** cost-scaling: runs of the core, always 1 since the two-phase solve (a penalty too small once meant re-runs). */
    runs?: number;
    pushes?: number;
    relabels?: number;
    /** ssp: shortest-path searches run (= served + 1). */
    searches?: number;
  };
}

const MAX_SAFE = Number.MAX_SAFE_INTEGER;

/** Checks `problem` and throws `InvalidProblemError` naming the first defect found. */
export function validateAssignmentProblem(problem: AssignmentProblem): void {
  const { residentCount: R, providerCount: P, capacity, arcStart, arcProvider, arcCost } = problem;
  if (!Number.isInteger(R) || R < 0) throw new InvalidProblemError(`residentCount ${R} is not a non-negative integer`);
  if (!Number.isInteger(P) || P < 0) throw new InvalidProblemError(`providerCount ${P} is not a non-negative integer`);
  if (capacity.length !== P) {
    throw new InvalidProblemError(`capacity has length ${capacity.length}, expected providerCount ${P}`);
  }
  for (let p = 0; p < P; p++) {
    const c = capacity[p]!;
    if (!Number.isInteger(c) || c < 0 || c > 0x7fffffff) {
      throw new InvalidProblemError(`provider ${p}: capacity ${c} is not a non-negative integer`);
    }
  }
  if (arcStart.length !== R + 1) {
    throw new InvalidProblemError(`arcStart has length ${arcStart.length}, expected residentCount + 1 = ${R + 1}`);
  }
  if (arcStart[0] !== 0) throw new InvalidProblemError(`arcStart[0] is ${arcStart[0]}, expected 0`);
  const A = arcProvider.length;
  if (arcCost.length !== A) {
    throw new InvalidProblemError(`arcCost has length ${arcCost.length} but arcProvider has length ${A}`);
  }
  if (arcStart[R] !== A) {
    throw new InvalidProblemError(`arcStart[${R}] is ${arcStart[R]}, expected the number of arcs ${A}`);
  }
  for (let r = 0; r < R; r++) {
    const from = arcStart[r]!;
    const to = arcStart[r + 1]!;
    if (!Number.isInteger(to) || to < from) {
      throw new InvalidProblemError(`resident ${r}: arcStart[${r + 1}] = ${to} is not an integer >= arcStart[${r}] = ${from}`);
    }
    for (let a = from; a < to; a++) {
      const p = arcProvider[a]!;
      if (!Number.isInteger(p) || p < 0 || p >= P) {
        throw new InvalidProblemError(`resident ${r} arc ${a - from}: provider ${p} does not exist (providerCount ${P})`);
      }
      const c = arcCost[a]!;
      if (Number.isNaN(c)) throw new InvalidProblemError(`resident ${r} arc ${a - from}: cost is NaN`);
      if (!Number.isFinite(c)) throw new InvalidProblemError(`resident ${r} arc ${a - from}: cost is infinite`);
      if (c < 0) throw new InvalidProblemError(`resident ${r} arc ${a - from}: cost ${c} is negative`);
    }
  }
}


/**
 * Exact capacitated assignment: serves as many residents as possible and, among all ways
 * of doing so, minimises the total cost of the arcs used.
 *
 * Each capacity is first clamped to the number of residents with an arc to the provider
 * (it can never serve more), so capacities sum to at most the number of arcs and every sum
 * stays an exact Int32 however large the declared capacities (up to 2^31 − 1 each).
 *
 * Default algorithm, in two phases, with no penalty for unserved residents:
 * 1. a maximum-cardinality assignment (greedy, then augmenting paths; warm-start.ts) gives
 *    the number that can be served, k, and the deficient region: the residents some maximum
 *    assignment leaves unserved (alternating paths from an unserved one reach them) and the
 *    providers they reach, which are full in every maximum assignment;
 * 2. cost scaling (cost-scaling.ts) on the same network plus one virtual provider of
 *    capacity R − k with an arc of cost 0 from each resident of the deficient region, and no
 *    other way out: every resident reaches the sink through a provider, the virtual one takes
 *    at most R − k, so exactly k are served by real providers, at minimum cost. The virtual
 *    provider is the sink-side "unserved" node whose price is the dual of "serve k"; it is
 *    found by the algorithm, never guessed, so no penalty can be too small (an earlier version
 *    raised a penalty and re-solved, and fell back to SSP when it overflowed: a 150× cliff on
 *    long augmenting chains with costs of 10^7).
 * Warm prices put the deficient region a large gap below the rest (its providers at
 * μ_p − U, the virtual one at −U): no residual path links the two parts at the optimum, so
 * the gap costs nothing and is exact for any U. Only costs so large that cost scaling's
 * prices cannot stay exact doubles (max scaled cost × (n + 1) near 2^53) go to successive
 * shortest paths, reported in `stats.algorithm`.
 */
export function solveAssignment(problem: AssignmentProblem, options: SolveAssignmentOptions = {}): AssignmentResult {
  validateAssignmentProblem(problem);
  const scale = options.costScale ?? 1000;
  if (!(scale > 0) || !Number.isFinite(scale)) {
    throw new InvalidProblemError(`costScale ${scale} is not a positive finite number`);
  }
  const R = problem.residentCount;
  const P = problem.providerCount;
  const { cost, maxCost } = scaleCosts(problem.arcCost, scale);
  const arcProvider = toInt32(problem.arcProvider);
  const integer: IntegerProblem = {
    R,
    P,
    capacity: clampCapacities(problem.capacity, arcProvider, P),
    arcStart: toInt32(problem.arcStart),
    arcProvider,
    cost,
  };
  // SSP potentials stay below (2P + 4) · maxCost.
  if (maxCost * (2 * P + 4) > MAX_SAFE) {
    throw new InvalidProblemError(
      `costs too large for exact integer arithmetic at costScale ${scale} (max scaled cost ${maxCost}); use a smaller costScale`,
    );
  }

  const algorithm = options.algorithm ?? 'cost-scaling';
  if (algorithm === 'ssp') {
    const out = sspAssignment(integer);
    return finish(problem, integer, out.assignedArc, { algorithm, costScale: scale, searches: out.searches });
  }

  // Cost scaling's phase count grows with log(max cost); costs that share a factor (metres
  // × 1000, say) are divided by it first. Exact: it rescales the objective uniformly.
  const divisor = costGcd(cost);
  const reduced: IntegerProblem = divisor > 1 ? { ...integer, cost: divideCosts(cost, divisor) } : integer;
  const reducedMax = divisor > 1 ? maxCost / divisor : maxCost;

  // Independent components (no resident links them) are solved one after another: exact, and
  // fewer relabels than one solve of the whole on the 50k benchmark (see the option).
  const split = options.splitComponents ?? reduced.arcProvider.length >= 100_000;
  const parts = split ? splitComponents(reduced) : undefined;
  let out: CoreOutput | undefined;
  if (parts === undefined) out = solveCore(reduced, reducedMax);
  else {
    const assignedArc = new Int32Array(R).fill(-1);
    out = { assignedArc, served: 0, pushes: 0, relabels: 0 };
    for (const part of parts) {
      const sub = solveCore(part.problem, part.maxCost);
      if (sub === undefined) {
        out = undefined;
        break;
      }
      out.served += sub.served;
      out.pushes += sub.pushes;
      out.relabels += sub.relabels;
      const { arcStart: subStart } = part.problem;
      for (let i = 0; i < part.resident.length; i++) {
        const a = sub.assignedArc[i]!;
        if (a >= 0) {
          const r = part.resident[i]!;
          assignedArc[r] = reduced.arcStart[r]! + (a - subStart[i]!);
        }
      }
    }
  }
  if (out === undefined) {
    // Costs too large for exact doubles inside cost scaling: SSP needs no scaling by n.
    const ssp = sspAssignment(integer);
    return finish(problem, integer, ssp.assignedArc, { algorithm: 'ssp', costScale: scale, searches: ssp.searches });
  }
  // Exactly k served is what the virtual provider's capacity forces (k is the maximum, so no
  // augmenting path is left; the tests compare served counts with SSP).
  if (countServed(out.assignedArc) !== out.served) throw new Error('internal error: the assignment is not of maximum size');
  return finish(problem, integer, out.assignedArc, {
    algorithm,
    costScale: scale,
    runs: 1,
    pushes: out.pushes,
    relabels: out.relabels,
  });
}

interface CoreOutput {
  assignedArc: Int32Array;
  /** The maximum number served (phase 1). */
  served: number;
  pushes: number;
  relabels: number;
}

/**
 * The two phases on integer costs (see `solveAssignment`); undefined when cost scaling's prices
 * could not stay exact doubles (the caller then runs SSP on the whole problem).
 */
function solveCore(reduced: IntegerProblem, reducedMax: number): CoreOutput | undefined {
  const { R, P } = reduced;
  const region = deficientRegion(reduced);
  const unserved = R - region.served;
  if (region.served === 0 || reducedMax === 0) {
    // Nothing to optimise: no one can be served, or every arc costs the same.
    return { assignedArc: region.assigned, served: region.served, pushes: 0, relabels: 0 };
  }
  const K = R + P + 3; // cost multiplier inside cost scaling (nodes + 1, with the virtual provider)
  if (reducedMax * K * 64 > MAX_SAFE) return undefined;
  const gap = Math.max(1, Math.min((P + 1) * reducedMax + 1, Math.floor(2 ** 50 / K)));
  const withVirtual = unserved > 0 ? addVirtualProvider(reduced, region.deficientResident, unserved) : reduced;
  const providerPrice = new Float64Array(withVirtual.P);
  for (let p = 0; p < P; p++) if (region.reachedProvider[p] === 1) providerPrice[p] = region.mu[p]! - gap;
  if (unserved > 0) providerPrice[P] = -gap;
  try {
    const core = costScalingAssignment({ ...withVirtual, unservedCost: 0, unservedArcs: false, providerPrice });
    const assignedArc = unserved > 0 ? dropVirtual(reduced, withVirtual, core.assignedArc) : core.assignedArc;
    return { assignedArc, served: region.served, pushes: core.pushes, relabels: core.relabels };
  } catch (error) {
    if (!(error instanceof PriceRangeError)) throw error;
    return undefined;
  }
}

interface Part {
  problem: IntegerProblem;
  maxCost: number;
  /** Per resident of the part, its index in the whole problem. */
  resident: Int32Array;
}

/**
 * The problem's independent components (providers linked through a resident with arcs to both),
 * each with at least a twentieth of the arcs as a part of its own, the smaller ones together in
 * one more part; undefined when that leaves a single part. Residents with no arc are in none.
 */
function splitComponents(problem: IntegerProblem): Part[] | undefined {
  const { R, P, capacity, arcStart, arcProvider, cost } = problem;
  const A = arcProvider.length;
  if (A === 0) return undefined;
  const parent = new Int32Array(P);
  for (let p = 0; p < P; p++) parent[p] = p;
  const find = (x: number): number => {
    let y = x;
    while (parent[y] !== y) {
      parent[y] = parent[parent[y]!]!;
      y = parent[y]!;
    }
    return y;
  };
  for (let r = 0; r < R; r++) {
    const a0 = arcStart[r]!;
    const end = arcStart[r + 1]!;
    if (end - a0 < 2) continue;
    let root = find(arcProvider[a0]!);
    for (let a = a0 + 1; a < end; a++) {
      const other = find(arcProvider[a]!);
      if (other !== root) {
        parent[other] = root;
        root = find(root);
      }
    }
  }
  const arcsOf = new Int32Array(P);
  for (let r = 0; r < R; r++) {
    const a0 = arcStart[r]!;
    if (arcStart[r + 1]! > a0) arcsOf[find(arcProvider[a0]!)]! += arcStart[r + 1]! - a0;
  }
  // Part per root: its own for a big component, part 0 for the small ones together.
  const partOf = new Int32Array(P).fill(-1);
  let parts = 1;
  for (let p = 0; p < P; p++) if (find(p) === p && arcsOf[p]! * 20 >= A) partOf[p] = parts++;
  let smallArcs = 0;
  for (let p = 0; p < P; p++) if (find(p) === p && partOf[p] === -1) smallArcs += arcsOf[p]!;
  const used = smallArcs > 0 ? parts : parts - 1;
  if (used <= 1) return undefined;
  for (let p = 0; p < P; p++) if (find(p) === p && partOf[p] === -1) partOf[p] = 0;
  // Sizes, then fill.
  const nRes = new Int32Array(parts);
  const nArc = new Int32Array(parts);
  const nProv = new Int32Array(parts);
  const localProvider = new Int32Array(P);
  for (let p = 0; p < P; p++) localProvider[p] = nProv[partOf[find(p)]!]!++;
  const residentPart = new Int32Array(R).fill(-1);
  for (let r = 0; r < R; r++) {
    const a0 = arcStart[r]!;
    if (arcStart[r + 1]! === a0) continue;
    const k = partOf[find(arcProvider[a0]!)]!;
    residentPart[r] = k;
    nRes[k]!++;
    nArc[k]! += arcStart[r + 1]! - a0;
  }
  const out: Part[] = [];
  const index = new Int32Array(parts).fill(-1);
  for (let k = 0; k < parts; k++) {
    if (nRes[k] === 0) continue;
    index[k] = out.length;
    out.push({
      problem: {
        R: nRes[k]!,
        P: nProv[k]!,
        capacity: new Int32Array(nProv[k]!),
        arcStart: new Int32Array(nRes[k]! + 1),
        arcProvider: new Int32Array(nArc[k]!),
        cost: new Float64Array(nArc[k]!),
      },
      maxCost: 0,
      resident: new Int32Array(nRes[k]!),
    });
  }
  if (out.length <= 1) return undefined;
  for (let p = 0; p < P; p++) {
    const i = index[partOf[find(p)]!]!;
    if (i >= 0) out[i]!.problem.capacity[localProvider[p]!] = capacity[p]!;
  }
  const fillRes = new Int32Array(out.length);
  const fillArc = new Int32Array(out.length);
  for (let r = 0; r < R; r++) {
    const k = residentPart[r]!;
    if (k < 0) continue;
    const i = index[k]!;
    const part = out[i]!;
    const q = part.problem;
    const x = fillRes[i]!++;
    part.resident[x] = r;
    let y = fillArc[i]!;
    for (let a = arcStart[r]!; a < arcStart[r + 1]!; a++) {
      q.arcProvider[y] = localProvider[arcProvider[a]!]!;
      const c = cost[a]!;
      q.cost[y] = c;
      if (c > part.maxCost) part.maxCost = c;
      y++;
    }
    fillArc[i] = y;
    q.arcStart[x + 1] = y;
  }
  return out;
}

/**
 * Each provider's capacity clamped to the number of arcs into it (the residents who can reach
 * it): the answer cannot change, and the capacities then sum to at most the number of arcs.
 */
export function clampCapacities(capacity: ArrayLike<number>, arcProvider: ArrayLike<number>, P: number): Int32Array {
  const reach = new Int32Array(P);
  const A = arcProvider.length;
  for (let a = 0; a < A; a++) reach[arcProvider[a]!]!++;
  const out = new Int32Array(P);
  for (let p = 0; p < P; p++) {
    const c = capacity[p]!;
    out[p] = Math.min(c, reach[p]!);
  }
  return out;
}

function countServed(assignedArc: Int32Array): number {
  let served = 0;
  for (let r = 0; r < assignedArc.length; r++) if (assignedArc[r]! >= 0) served++;
  return served;
}

/** The problem plus provider P of capacity `unserved`, with an arc of cost 0 from each marked resident (last in its list). */
function addVirtualProvider(problem: IntegerProblem, marked: Uint8Array, unserved: number): IntegerProblem {
  const { R, P, capacity, arcStart, arcProvider, cost } = problem;
  const A = arcProvider.length;
  let extra = 0;
  for (let r = 0; r < R; r++) extra += marked[r]!;
  const start = new Int32Array(R + 1);
  const provider = new Int32Array(A + extra);
  const c = new Float64Array(A + extra);
  let k = 0;
  for (let r = 0; r < R; r++) {
    const from = arcStart[r]!;
    const to = arcStart[r + 1]!;
    provider.set(arcProvider.subarray(from, to), k);
    c.set(cost.subarray(from, to), k);
    k += to - from;
    if (marked[r] === 1) {
      provider[k] = P;
      c[k] = 0;
      k++;
    }
    start[r + 1] = k;
  }
  const cap = new Int32Array(P + 1);
  cap.set(capacity);
  cap[P] = unserved;
  return { R, P: P + 1, capacity: cap, arcStart: start, arcProvider: provider, cost: c };
}

/** Arcs of the problem with the virtual provider back to the original arcs; the virtual arc means unserved (−1). */
function dropVirtual(original: IntegerProblem, extended: IntegerProblem, assignedArc: Int32Array): Int32Array {
  const { R, arcStart } = original;
  const out = new Int32Array(R);
  for (let r = 0; r < R; r++) {
    const a = assignedArc[r]!;
    const i = a - extended.arcStart[r]!;
    out[r] = a < 0 || i >= arcStart[r + 1]! - arcStart[r]! ? -1 : arcStart[r]! + i;
  }
  return out;
}

/** `Math.round(cost * scale)` per arc (typed-array fast path), and the largest. */
function scaleCosts(arcCost: ArrayLike<number>, scale: number): { cost: Float64Array; maxCost: number } {
  const cost = arcCost instanceof Float64Array ? new Float64Array(arcCost) : Float64Array.from(arcCost);
  const A = cost.length;
  let maxCost = 0;
  for (let a = 0; a < A; a++) {
    const c = Math.round(cost[a]! * scale);
    cost[a] = c;
    if (c > maxCost) maxCost = c;
  }
  return { cost, maxCost };
}

function divideCosts(cost: Float64Array, divisor: number): Float64Array {
  const A = cost.length;
  const out = new Float64Array(A);
  for (let a = 0; a < A; a++) out[a] = cost[a]! / divisor;
  return out;
}

function finish(
  problem: AssignmentProblem,
  integer: IntegerProblem,
  assignedArc: Int32Array,
  stats: AssignmentResult['stats'],
): AssignmentResult {
  const { R, P, arcProvider, capacity } = integer;
  const assignment = new Int32Array(R).fill(-1);
  const used = new Int32Array(P);
  let objective = 0;
  let served = 0;
  for (let r = 0; r < R; r++) {
    const a = assignedArc[r]!;
    if (a >= 0) {
      const p = arcProvider[a]!;
      assignment[r] = p;
      used[p]!++;
      served++;
      objective += problem.arcCost[a]!;
    }
  }
  for (let p = 0; p < P; p++) {
    if (used[p]! > capacity[p]!) throw new Error(`internal error: provider ${p} over capacity`);
  }
  return { assignment, assignedArc, used, served, objective, stats };
}

/**
 * True when an augmenting path exists: from an unserved resident, alternating unused arcs
 * (resident → provider) and used ones (provider → its resident), to a provider with room.
 * Breadth-first over all unserved residents at once: O(arcs).
 */
export function canServeMore(integer: IntegerProblem, assignedArc: Int32Array): boolean {
  // Kept apart from canServeMoreUnits (demand-flow.ts): converting to its flow arrays measured ~10 % slower at 10k.
  const { R, P, capacity, arcStart, arcProvider } = integer;
  const used = new Int32Array(P);
  for (let r = 0; r < R; r++) if (assignedArc[r]! >= 0) used[arcProvider[assignedArc[r]!]!]!++;
  // Residents per provider (CSR).
  const start = new Int32Array(P + 1);
  for (let p = 0; p < P; p++) start[p + 1] = start[p]! + used[p]!;
  const members = new Int32Array(start[P]!);
  const fill = start.slice(0, P);
  for (let r = 0; r < R; r++) if (assignedArc[r]! >= 0) members[fill[arcProvider[assignedArc[r]!]!]!++] = r;

  const seenResident = new Uint8Array(R);
  const seenProvider = new Uint8Array(P);
  const queue = new Int32Array(R);
  let head = 0;
  let tail = 0;
  for (let r = 0; r < R; r++) {
    if (assignedArc[r]! < 0) {
      seenResident[r] = 1;
      queue[tail++] = r;
    }
  }
  while (head < tail) {
    const r = queue[head++]!;
    for (let a = arcStart[r]!; a < arcStart[r + 1]!; a++) {
      if (a === assignedArc[r]) continue;
      const p = arcProvider[a]!;
      if (seenProvider[p] === 1) continue;
      seenProvider[p] = 1;
      if (used[p]! < capacity[p]!) return true;
      for (let i = start[p]!; i < start[p + 1]!; i++) {
        const next = members[i]!;
        if (seenResident[next] === 0) {
          seenResident[next] = 1;
          queue[tail++] = next;
        }
      }
    }
  }
  return false;
}
