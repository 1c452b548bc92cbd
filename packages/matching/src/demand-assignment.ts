import { type AssignmentProblem, solveAssignment, validateAssignmentProblem } from './assignment';
import { answersByIds, listsToCsr } from './assignment-lists';
import { PriceRangeError } from './cost-scaling';
import { canServeMoreUnits, costScalingSupply, type SupplyFlow, type SupplyProblem } from './demand-flow';
import { cancelFreeCycles, type RoundingInput, roundFlow } from './demand-rounding';
import { sspSupply } from './demand-ssp';
import { InvalidProblemError } from './errors';
import { costGcd, gcd, toInt32 } from './integer-problem';

/**
 * Capacitated allocation where resident r needs `demand[r]` units (home-visit hours per
 * month) from ONE provider, never split, and provider p has `capacity[p]` units. Lexicographic
 * objective: (1) most units served, (2) then least total cost of the chosen arcs.
 *
 * With every demand 1 this is the assignment problem of `solveAssignment`. With unsplittable
 * demands it is a multiple-knapsack / generalised-assignment problem (NP-hard): no
 * polynomial exact method is expected. What is solved exactly is its LP relaxation (hours
 * may split): x_a ∈ [0, 1] the share of resident r's hours on arc a, i.e. y_a = d_r · x_a
 * hours, which is a transportation problem with per-hour cost c_a / d_r (the cost of a
 * served resident is spread over its hours, so a wholly served resident costs exactly c_a;
 * the relaxation's objective Σ c_a x_a is in the same units as the integral one). Its optimum
 * is an upper bound on the hours any integral answer can serve (and, at that many hours, a
 * lower bound on the cost). The integral answer is rounded from it (see demand-rounding.ts).
 */
export interface DemandAssignmentProblem extends AssignmentProblem {
  /** Per resident: units needed, an integer >= 1 (served wholly by one provider or not at all). */
  demand: ArrayLike<number>;
}

export interface SolveDemandAssignmentOptions {
  /**
   * Costs become integers `Math.round(cost × costScale)` (default 1000), then per-hour costs
   * `rounded × L / d_r` with L the least common multiple of the demands: exact integers, so
   * the relaxation is solved exactly. Only when L × the largest rounded cost would leave the
   * exact range (many unusual demand values on a huge instance) are per-hour costs rounded
   * (`stats.exactUnitCosts` false).
   */
  costScale?: number;
  /** 'cost-scaling' (default) or 'ssp' (successive shortest paths: exact, slow; the cross-check). */
  algorithm?: 'cost-scaling' | 'ssp';
  /** Local improvement passes after rounding (default 4; 0 = none). */
  improvePasses?: number;
}

export interface DemandAssignmentResult {
  /** Per resident: provider index or -1. */
  assignment: Int32Array;
  /** Per resident: arc index or -1. */
  assignedArc: Int32Array;
  /** Units used per provider (<= capacity). */
  used: Float64Array;
  /** Residents served (each wholly, at one provider). */
  served: number;
  /** Units served: the sum of the served residents' demands. */
  servedDemand: number;
  /** Sum of the original costs of the arcs used. */
  objective: number;
  /** The LP relaxation's optimum: most units (an upper bound on servedDemand), least cost at that. */
  bound: {
    servedDemand: number;
    objective: number;
    /** Units per arc in the (basic) optimal relaxed flow. */
    flow: Int32Array;
  };
  stats: {
    algorithm: 'cost-scaling' | 'ssp';
    costScale: number;
    /** True when per-hour costs were exact integers (the relaxation is then solved exactly). */
    exactUnitCosts: boolean;
    unservedCost?: number;
    runs?: number;
    pushes?: number;
    relabels?: number;
    /** Residents whose relaxed hours are split (over providers, or partly unserved), before and after making the flow basic. */
    splitBefore: number;
    split: number;
    cyclesCancelled: number;
    /** Split residents placed wholly at one of their flow's providers. */
    refitted: number;
    /** Residents placed afterwards on a provider with room. */
    placedLater: number;
    /** Improvement moves: shifts, replacements / late placements, moves to a cheaper provider. */
    moves: [number, number, number];
    relaxationMs: number;
    roundingMs: number;
  };
}

const MAX_SAFE = Number.MAX_SAFE_INTEGER;
const MAX_INT32 = 0x7fffffff;

/** Checks the problem and throws `InvalidProblemError` naming the first defect. */
export function validateDemandAssignmentProblem(problem: DemandAssignmentProblem): void {
  validateAssignmentProblem(problem);
  const { residentCount: R, demand } = problem;
  if (demand.length !== R) throw new InvalidProblemError(`demand has length ${demand.length}, expected residentCount ${R}`);
  for (let r = 0; r < R; r++) {
    const d = demand[r]!;
    if (!Number.isInteger(d) || d < 1 || d > MAX_INT32) {
      throw new InvalidProblemError(`resident ${r}: demand ${d} is not a positive integer`);
    }
  }
}

/**
 * Exact relaxation + unsplittable rounding. See the README section "Home visits" for the
 * method and its guarantees.
 */
export function solveDemandAssignment(
  problem: DemandAssignmentProblem,
  options: SolveDemandAssignmentOptions = {},
): DemandAssignmentResult {
  validateDemandAssignmentProblem(problem);
  const scale = options.costScale ?? 1000;
  if (!(scale > 0) || !Number.isFinite(scale)) throw new InvalidProblemError(`costScale ${scale} is not a positive finite number`);
  const t0 = performance.now();
  const R = problem.residentCount;
  const P = problem.providerCount;
  const capacity = toInt32(problem.capacity);
  const arcStart = toInt32(problem.arcStart);
  const arcProvider = toInt32(problem.arcProvider);
  const demand = toInt32(problem.demand);
  const arcCost = problem.arcCost;
  const A = arcProvider.length;

  // Integer costs, their common factor divided out.
  const rounded = new Float64Array(A);
  for (let a = 0; a < A; a++) rounded[a] = Math.round(arcCost[a]! * scale);
  const g1 = costGcd(rounded);
  let maxRounded = 0;
  if (g1 > 1) for (let a = 0; a < A; a++) rounded[a]! /= g1;
  for (let a = 0; a < A; a++) if (rounded[a]! > maxRounded) maxRounded = rounded[a]!;
  // L = lcm of the demands of residents with arcs (Infinity once it is too large to matter).
  let L = 1;
  for (let r = 0; r < R && Number.isFinite(L); r++) {
    if (arcStart[r + 1]! === arcStart[r]!) continue;
    const d = demand[r]!;
    if (L % d !== 0) {
      L = (L / gcd(L, d)) * d;
      if (L > MAX_SAFE) L = Infinity;
    }
  }
  const K = R + P + 2;
  const firstRunFits = (maxUnit: number): boolean => (4 * maxUnit + 1) * K * 64 <= MAX_SAFE;
  const unitCost = new Float64Array(A);
  let exactUnitCosts = true;
  if (maxRounded === 0 || (Number.isFinite(L) && firstRunFits(L * maxRounded))) {
    for (let r = 0; r < R; r++) {
      const f = L / demand[r]!;
      for (let a = arcStart[r]!; a < arcStart[r + 1]!; a++) unitCost[a] = rounded[a]! * f;
    }
  } else {
    // Per-hour costs rounded at resolution 1 / M of a rounded cost unit.
    let M = 1;
    while (firstRunFits(2 * M * maxRounded * 16)) M *= 2;
    if (!firstRunFits(maxRounded)) {
      throw new InvalidProblemError(
        `costs too large for exact integer arithmetic at costScale ${scale} (max scaled cost ${maxRounded}); use a smaller costScale`,
      );
    }
    exactUnitCosts = false;
    for (let r = 0; r < R; r++) {
      const d = demand[r]!;
      for (let a = arcStart[r]!; a < arcStart[r + 1]!; a++) unitCost[a] = Math.round((rounded[a]! * M) / d);
    }
  }
  const g2 = costGcd(unitCost);
  let maxUnit = 0;
  if (g2 > 1) for (let a = 0; a < A; a++) unitCost[a]! /= g2;
  for (let a = 0; a < A; a++) if (unitCost[a]! > maxUnit) maxUnit = unitCost[a]!;

  const base: Omit<SupplyProblem, 'unservedCost'> = { R, P, capacity, arcStart, arcProvider, cost: unitCost, supply: demand };
  let relaxed: SupplyFlow | undefined;
  let algorithm: 'cost-scaling' | 'ssp' = options.algorithm ?? 'cost-scaling';
  let unserved = 4 * maxUnit + 1;
  const safeUnserved = (P + 1) * maxUnit + 1;
  let runs = 0;
  if (algorithm === 'cost-scaling') {
    for (;;) {
      runs++;
      let out: SupplyFlow | undefined;
      if (unserved * K * 64 <= MAX_SAFE) {
        try {
          out = costScalingSupply({ ...base, unservedCost: unserved });
        } catch (error) {
          if (!(error instanceof PriceRangeError)) throw error;
        }
      }
      if (out === undefined) {
        algorithm = 'ssp';
        break;
      }
      if (unserved >= safeUnserved || !canServeMoreUnits(base, out.flow, out.unserved)) {
        relaxed = out;
        break;
      }
      unserved = Math.min(safeUnserved, (unserved - 1) * 16 + 1);
    }
  }
  if (relaxed === undefined) relaxed = sspSupply(base);
  const flow = relaxed.flow;
  const left = relaxed.unserved;
  const t1 = performance.now();

  const rounding: RoundingInput = {
    R,
    P,
    capacity,
    arcStart,
    arcProvider,
    arcCost,
    unitCost,
    unservedCost: algorithm === 'ssp' ? (P + 1) * maxUnit + 1 : unserved,
    demand,
  };
  const cancel = cancelFreeCycles(rounding, flow, left);
  let boundDemand = 0;
  let boundObjective = 0;
  for (let r = 0; r < R; r++) {
    const d = demand[r]!;
    for (let a = arcStart[r]!; a < arcStart[r + 1]!; a++) {
      const f = flow[a]!;
      if (f > 0) {
        boundDemand += f;
        boundObjective += f === d ? arcCost[a]! : (f * arcCost[a]!) / d;
      }
    }
  }
  const rounded2 = roundFlow(rounding, flow, { improvePasses: options.improvePasses });
  const assignedArc = rounded2.assignedArc;
  const assignment = new Int32Array(R).fill(-1);
  const used = new Float64Array(P);
  let served = 0;
  let servedDemand = 0;
  let objective = 0;
  for (let r = 0; r < R; r++) {
    const a = assignedArc[r]!;
    if (a < 0) continue;
    const p = arcProvider[a]!;
    assignment[r] = p;
    used[p]! += demand[r]!;
    served++;
    servedDemand += demand[r]!;
    objective += arcCost[a]!;
  }
  for (let p = 0; p < P; p++) {
    if (used[p]! > capacity[p]!) throw new Error(`internal error: provider ${p} over capacity`);
  }
  if (servedDemand > boundDemand) throw new Error('internal error: integral answer above the relaxation');
  const t2 = performance.now();
  return {
    assignment,
    assignedArc,
    used,
    served,
    servedDemand,
    objective,
    bound: { servedDemand: boundDemand, objective: boundObjective, flow },
    stats: {
      algorithm,
      costScale: scale,
      exactUnitCosts,
      ...(algorithm === 'cost-scaling'
        ? { unservedCost: unserved, runs, pushes: relaxed.pushes, relabels: relaxed.relabels }
        : {}),
      splitBefore: cancel.splitBefore,
      split: cancel.splitAfter,
      cyclesCancelled: cancel.cycles,
      refitted: rounded2.refitted,
      placedLater: rounded2.placedLater,
      moves: rounded2.moves,
      relaxationMs: t1 - t0,
      roundingMs: t2 - t1,
    },
  };
}

/** The friendly, object-per-row form (fine up to tens of thousands of arcs). */
export interface DemandAssignmentLists<RId = string, PId = string> {
  residents: readonly { id: RId; demand: number; options: readonly { providerId: PId; cost: number }[] }[];
  providers: readonly { id: PId; capacity: number }[];
}

export interface DemandAssignmentByIds<RId, PId> {
  /** Every resident id → its provider id, or null when unserved. */
  assignments: Map<RId, PId | null>;
  /** Residents served (each wholly, at one provider). */
  served: number;
  /** Units (hours) served: the sum of served residents' demand. */
  servedDemand: number;
  /** Sum of the chosen options' costs. */
  objective: number;
  /** Units used per provider id (<= its capacity). */
  used: Map<PId, number>;
  /** The LP relaxation's optimum (demand may split): an upper bound on servedDemand, and the least cost at that. */
  bound: { servedDemand: number; objective: number };
}

export interface BuiltDemandAssignmentProblem<RId, PId> {
  problem: DemandAssignmentProblem;
  residentIds: RId[];
  providerIds: PId[];
}

/** Converts the friendly form to CSR, refusing bad input with messages that name the ids. */
export function buildDemandAssignmentProblem<RId, PId>(
  input: DemandAssignmentLists<RId, PId>,
): BuiltDemandAssignmentProblem<RId, PId> {
  const demand = new Int32Array(input.residents.length);
  const { residentIds, providerIds, ...arrays } = listsToCsr<RId, PId, DemandAssignmentLists<RId, PId>['residents'][number]>(
    input,
    (resident, r, name) => {
      const d = resident.demand;
      if (!Number.isInteger(d) || d < 1 || d > MAX_INT32) {
        throw new InvalidProblemError(`resident ${name}: demand ${d} is not a positive integer`);
      }
      demand[r] = d;
    },
    true,
  );
  return {
    problem: { residentCount: input.residents.length, providerCount: input.providers.length, ...arrays, demand },
    residentIds,
    providerIds,
  };
}

/** `buildDemandAssignmentProblem` + `solveDemandAssignment` (or `solveAssignment` when every demand is 1), answers keyed by id. */
export function solveDemandAssignmentLists<RId, PId>(
  input: DemandAssignmentLists<RId, PId>,
  options?: SolveDemandAssignmentOptions,
): DemandAssignmentByIds<RId, PId> {
  const built = buildDemandAssignmentProblem(input);
  if (input.residents.every((r) => r.demand === 1)) {
    // Every resident one unit: the assignment problem, whose own solver is exact (so the answer is
    // its own bound) and faster (warm start). Callers need not choose.
    const unit = solveAssignment(built.problem, { ...(options?.costScale === undefined ? {} : { costScale: options.costScale }), ...(options?.algorithm ? { algorithm: options.algorithm } : {}) });
    const { assignments, used } = answersByIds(built.residentIds, built.providerIds, unit.assignment, unit.used);
    return { assignments, served: unit.served, servedDemand: unit.served, objective: unit.objective, used, bound: { servedDemand: unit.served, objective: unit.objective } };
  }
  const result = solveDemandAssignment(built.problem, options);
  const { assignments, used } = answersByIds(built.residentIds, built.providerIds, result.assignment, result.used);
  return {
    assignments,
    served: result.served,
    servedDemand: result.servedDemand,
    objective: result.objective,
    used,
    bound: { servedDemand: result.bound.servedDemand, objective: result.bound.objective },
  };
}
