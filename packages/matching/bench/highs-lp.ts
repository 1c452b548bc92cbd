import highsLoader from 'highs';
import type { AssignmentProblem } from '../src/assignment';

/**
 * The assignment problem as an LP in CPLEX LP format:
 *
 *   minimise   Σ_a (cost_a − M) x_a
 *   subject to Σ_{a of resident r} x_a <= 1      (row r<r>)
 *              Σ_{a into provider p} x_a <= cap_p (row p<p>)
 *              x >= 0
 *
 * The matrix is totally unimodular, so a basic optimal solution is integral. M = (min(P, R)
 * + 1) · maxCost + 1 exceeds the cost of any augmenting path, so the LP optimum serves the
 * maximum number and, among those, costs least: the same lexicographic objective as
 * `solveAssignment`, with no rounding of costs.
 */
export function assignmentLp(problem: AssignmentProblem): string {
  const { residentCount: R, providerCount: P, arcProvider, arcCost } = problem;
  const A = arcProvider.length;
  let maxCost = 0;
  for (let a = 0; a < A; a++) if (arcCost[a]! > maxCost) maxCost = arcCost[a]!;
  const M = (Math.min(P, R) + 1) * maxCost + 1;
  return lpText(problem, (_r, a) => -(arcCost[a]! - M), () => '');
}

/**
 * The LP text both writers share: minimise Σ_a −weight(r, a) x_a (weights > 0), one row r<r>
 * `Σ x_a <= 1` per resident with arcs, one row p<p> `Σ coef(a) x_a <= cap_p` per provider
 * with arcs (`coef` returns the coefficient and a space, or '' for 1).
 */
function lpText(
  problem: AssignmentProblem,
  weight: (r: number, a: number) => number,
  coef: (a: number) => string,
): string {
  const { residentCount: R, providerCount: P, capacity, arcStart, arcProvider } = problem;
  const A = arcProvider.length;
  const parts: string[] = ['Minimize\n obj:'];
  let line: string[] = [];
  const flush = (): void => {
    if (line.length > 0) parts.push(` ${line.join(' ')}\n`);
    line = [];
  };
  for (let r = 0; r < R; r++) {
    for (let a = arcStart[r]!; a < arcStart[r + 1]!; a++) {
      line.push(`- ${weight(r, a)} x${a}`); // always negative
      if (line.length === 12) flush();
    }
  }
  if (A === 0) line.push('0 x0');
  flush();
  parts.push('Subject To\n');
  for (let r = 0; r < R; r++) {
    if (arcStart[r + 1]! === arcStart[r]!) continue;
    line = [];
    parts.push(` r${r}:`);
    for (let a = arcStart[r]!; a < arcStart[r + 1]!; a++) line.push(`${a === arcStart[r] ? '' : '+ '}x${a}`);
    parts.push(` ${line.join(' ')} <= 1\n`);
  }
  const incoming: number[][] = Array.from({ length: P }, () => []);
  for (let a = 0; a < A; a++) incoming[arcProvider[a]!]!.push(a);
  for (let p = 0; p < P; p++) {
    const arcs = incoming[p]!;
    if (arcs.length === 0) continue;
    parts.push(` p${p}:`);
    for (let i = 0; i < arcs.length; i += 12) {
      const chunk = arcs.slice(i, i + 12).map((a, k) => `${i + k === 0 ? '' : '+ '}${coef(a)}x${a}`);
      parts.push(` ${chunk.join(' ')}\n`);
    }
    parts.push(` <= ${capacity[p]!}\n`);
  }
  parts.push('End\n');
  return parts.join('');
}

export interface HighsOutcome {
  status: string;
  served: number;
  objective: number;
  /** Per resident: provider index or -1 (from the rounded primal solution). */
  assignment: Int32Array;
  lpMs: number;
  solveMs: number;
}

type HighsSolver = Awaited<ReturnType<typeof highsLoader>>;
let solverPromise: Promise<HighsSolver> | undefined;

/** Solves with HiGHS (WebAssembly) and reads served / objective from the primal solution. */
export async function solveWithHighs(problem: AssignmentProblem, timeLimitSeconds = 600): Promise<HighsOutcome> {
  solverPromise ??= highsLoader();
  const highs = await solverPromise;
  const t0 = performance.now();
  const lp = assignmentLp(problem);
  const t1 = performance.now();
  const solution = highs.solve(lp, { output_flag: false, time_limit: timeLimitSeconds });
  const t2 = performance.now();
  const assignment = new Int32Array(problem.residentCount).fill(-1);
  let served = 0;
  let objective = 0;
  if (solution.Status === 'Optimal') {
    for (let r = 0; r < problem.residentCount; r++) {
      for (let a = problem.arcStart[r]!; a < problem.arcStart[r + 1]!; a++) {
        const column = solution.Columns[`x${a}`];
        const x = column !== undefined && 'Primal' in column ? column.Primal : 0;
        if (Math.abs(x - Math.round(x)) > 1e-6) throw new Error(`HiGHS returned a fractional x${a} = ${x}`);
        if (Math.round(x) === 1) {
          assignment[r] = problem.arcProvider[a]!;
          served++;
          objective += problem.arcCost[a]!;
        }
      }
    }
  }
  return { status: solution.Status, served, objective, assignment, lpMs: t1 - t0, solveMs: t2 - t1 };
}

/**
 * The home-visit LP relaxation in CPLEX LP format, in shares x_a ∈ [0, 1] of resident r's
 * hours on arc a (y_a = d_r · x_a hours):
 *
 *   minimise   Σ_a (cost_a − M · d_r) x_a
 *   subject to Σ_{a of resident r} x_a <= 1              (row r<r>)
 *              Σ_{a into provider p} d_r x_a <= cap_p     (row p<p>)
 *              x >= 0
 *
 * M = (min(P, R) + 1) · max_a(cost_a / d_r) + 1 (rounded up) exceeds the per-hour cost of
 * any augmenting path, so the optimum serves the most hours and, among those, costs least:
 * the relaxation `solveDemandAssignment` reports as its bound. Objective coefficients are
 * integers; no cost is rounded.
 */
export function demandLp(problem: AssignmentProblem & { demand: ArrayLike<number> }): string {
  const { residentCount: R, providerCount: P, arcStart, arcProvider, arcCost, demand } = problem;
  const A = arcProvider.length;
  let maxUnit = 0;
  for (let r = 0; r < R; r++) {
    for (let a = arcStart[r]!; a < arcStart[r + 1]!; a++) maxUnit = Math.max(maxUnit, arcCost[a]! / demand[r]!);
  }
  const M = Math.ceil((Math.min(P, R) + 1) * maxUnit) + 1;
  const residentOf = new Int32Array(A);
  for (let r = 0; r < R; r++) for (let a = arcStart[r]!; a < arcStart[r + 1]!; a++) residentOf[a] = r;
  return lpText(
    problem,
    (r, a) => M * demand[r]! - arcCost[a]!,
    (a) => `${demand[residentOf[a]!]!} `,
  );
}

export interface HighsLpOutcome {
  status: string;
  /** Hours served in the LP optimum (Σ d_r x_a). */
  servedDemand: number;
  /** Σ cost_a x_a at the LP optimum. */
  objective: number;
  lpMs: number;
  solveMs: number;
}

/** Solves the home-visit LP relaxation with HiGHS (WebAssembly). */
export async function solveDemandLpWithHighs(
  problem: AssignmentProblem & { demand: ArrayLike<number> },
  timeLimitSeconds = 600,
): Promise<HighsLpOutcome> {
  solverPromise ??= highsLoader();
  const highs = await solverPromise;
  const t0 = performance.now();
  const lp = demandLp(problem);
  const t1 = performance.now();
  const solution = highs.solve(lp, { output_flag: false, time_limit: timeLimitSeconds });
  const t2 = performance.now();
  let servedDemand = 0;
  let objective = 0;
  if (solution.Status === 'Optimal') {
    for (let r = 0; r < problem.residentCount; r++) {
      for (let a = problem.arcStart[r]!; a < problem.arcStart[r + 1]!; a++) {
        const column = solution.Columns[`x${a}`];
        const x = column !== undefined && 'Primal' in column ? column.Primal : 0;
        servedDemand += problem.demand[r]! * x;
        objective += problem.arcCost[a]! * x;
      }
    }
  }
  return { status: solution.Status, servedDemand, objective, lpMs: t1 - t0, solveMs: t2 - t1 };
}
