import { costScalingAssignment, PriceRangeError } from './cost-scaling';
import { InvalidProblemError } from './errors';
import { costGcd, type IntegerProblem, toInt32 } from './integer-problem';
import { sspAssignment } from './ssp';
import { warmStartPrices } from './warm-start';

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
   * 'cost-scaling' (default): Goldberg's cost-scaling push-relabel, the fastest measured.
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
    /** cost-scaling: the unserved penalty per resident (in integer cost units after dividing by their gcd). */
    unservedCost?: number;
    /** cost-scaling: runs needed (a run is repeated with a larger penalty if it was too small). */
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
 * Default algorithm: cost-scaling push-relabel (see cost-scaling.ts) on integer costs with
 * an "unserved" arc of cost U per resident, i.e. minimise cost + U · unserved. Any U larger
 * than the cost of every augmenting path makes that lexicographic; the worst-case bound
 * (P + 1) · maxCost is huge and a huge U makes the early phases slow, so U starts at
 * 4 · maxCost + 1 and the answer is checked: if an augmenting path (a way to serve one more
 * resident) still exists, U is multiplied by 16 and the problem solved again. When the check
 * passes, the flow is optimal for cost + U · unserved *and* of maximum size, hence optimal
 * for the lexicographic objective. If exact integer arithmetic cannot hold (astronomical
 * costs), it falls back to successive shortest paths, which needs no U.
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
  const integer: IntegerProblem = {
    R,
    P,
    capacity: toInt32(problem.capacity),
    arcStart: toInt32(problem.arcStart),
    arcProvider: toInt32(problem.arcProvider),
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

  const K = R + P + 2; // cost multiplier inside cost scaling
  const safeUnserved = (P + 1) * reducedMax + 1; // exceeds any augmenting path's cost
  let unserved = 4 * reducedMax + 1;
  for (let runs = 1; ; runs++) {
    // Prices move a few times the largest scaled cost; keep a margin below 2^53. If a price
    // still leaves the exact range, fall back to SSP (exact without any penalty).
    let out: ReturnType<typeof costScalingAssignment> | undefined;
    if (unserved * K * 64 <= MAX_SAFE) {
      try {
        const providerPrice = warmStartPrices({ ...reduced, unservedCost: unserved });
        out = costScalingAssignment({ ...reduced, unservedCost: unserved, providerPrice });
      } catch (error) {
        if (!(error instanceof PriceRangeError)) throw error;
      }
    }
    if (out === undefined) {
      const ssp = sspAssignment(integer);
      return finish(problem, integer, ssp.assignedArc, { algorithm: 'ssp', costScale: scale, searches: ssp.searches });
    }
    if (unserved >= safeUnserved || !canServeMore(integer, out.assignedArc)) {
      return finish(problem, integer, out.assignedArc, {
        algorithm,
        costScale: scale,
        unservedCost: unserved,
        runs,
        pushes: out.pushes,
        relabels: out.relabels,
      });
    }
    unserved = Math.min(safeUnserved, (unserved - 1) * 16 + 1);
  }
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
