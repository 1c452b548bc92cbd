/**
 * Runs one solver on one instance file in its own process, so its peak RSS
 * (`process.resourceUsage().maxRSS`) is its own, a crash stays contained, and the parent can
 * kill it at the time box. The solver runs 1 + N times on the same instance: the first (cold)
 * call includes V8 compiling the solver's hot loops; the median of the next N (warm) is what a
 * long-running service sees, and on a shared machine the median shrugs off one noisy run.
 * Every solver, HiGHS included, gets the same treatment. Prints one JSON line:
 * { ms (warm median), coldMs, warmRuns, warmTimes (in order), served, objective, peakMb, baseMb, detail }.
 */
import { solveAssignment } from '../src/assignment';
import { solveDemandAssignment } from '../src/demand-assignment';
import { readDemandProblem, readProblem } from './instance-io';

const [file, solver, warmArg] = process.argv.slice(2);
if (file === undefined || solver === undefined) throw new Error('usage: worker.ts <instance.bin> <solver> [warm runs]');
const warmRuns = Math.max(1, Number(warmArg ?? 1));
// Home-visit solvers ('hv-…') read the instance with its demands.
const homeVisit = solver.startsWith('hv-');
const problem = homeVisit ? readDemandProblem(file) : readProblem(file);
globalThis.gc?.();
const baseMb = process.memoryUsage().rss / 2 ** 20;

interface Outcome {
  served: number;
  objective: number;
  detail: string;
  /** Home visit: hours served, and the LP relaxation's hours and cost. */
  servedDemand?: number;
  boundDemand?: number;
  boundObjective?: number;
}

function readDemandProblemOnce(): ReturnType<typeof readDemandProblem> {
  return problem as ReturnType<typeof readDemandProblem>;
}

async function solveOnce(): Promise<Outcome> {
  if (solver === 'ours') {
    const result = solveAssignment(problem);
    const s = result.stats;
    return {
      served: result.served,
      objective: result.objective,
      detail: `${s.algorithm}, runs ${s.runs ?? 1}, relabels ${s.relabels ?? '-'}, pushes ${s.pushes ?? '-'}`,
    };
  }
  if (solver === 'hv-ours') {
    const result = solveDemandAssignment(readDemandProblemOnce());
    const s = result.stats;
    return {
      served: result.served,
      servedDemand: result.servedDemand,
      objective: result.objective,
      boundDemand: result.bound.servedDemand,
      boundObjective: result.bound.objective,
      detail:
        `relaxation ${Math.round(s.relaxationMs)} ms (${s.algorithm}, runs ${s.runs ?? 1}, relabels ${s.relabels ?? '-'}, pushes ${s.pushes ?? '-'}) + ` +
        `rounding ${Math.round(s.roundingMs)} ms (split ${s.splitBefore} → ${s.split} after ${s.cyclesCancelled} cycles, ` +
        `refitted ${s.refitted}, placed later ${s.placedLater}, moves ${s.moves.join('/')})`,
    };
  }
  if (solver === 'hv-highs') {
    const { solveDemandLpWithHighs } = await import('./highs-lp');
    const outcome = await solveDemandLpWithHighs(readDemandProblemOnce());
    if (outcome.status !== 'Optimal') throw new Error(`HiGHS status ${outcome.status}`);
    return {
      served: -1,
      objective: outcome.objective,
      boundDemand: outcome.servedDemand,
      boundObjective: outcome.objective,
      detail: `LP text ${Math.round(outcome.lpMs)} ms + solve ${Math.round(outcome.solveMs)} ms, status ${outcome.status}`,
    };
  }
  if (solver === 'ours-ssp') {
    const result = solveAssignment(problem, { algorithm: 'ssp' });
    return { served: result.served, objective: result.objective, detail: `searches ${result.stats.searches}` };
  }
  if (solver === 'highs') {
    const { solveWithHighs } = await import('./highs-lp');
    const outcome = await solveWithHighs(problem);
    if (outcome.status !== 'Optimal') throw new Error(`HiGHS status ${outcome.status}`);
    return {
      served: outcome.served,
      objective: outcome.objective,
      detail: `LP text ${Math.round(outcome.lpMs)} ms + solve ${Math.round(outcome.solveMs)} ms, status ${outcome.status}`,
    };
  }
  if (solver === 'min-cost-flow') {
    const { solveWithMinCostFlow } = await import('./peers');
    return { ...solveWithMinCostFlow(problem), detail: '' };
  }
  if (solver === 'munkres') {
    const { solveWithMunkres } = await import('./peers');
    return { ...solveWithMunkres(problem), detail: '' };
  }
  throw new Error(`unknown solver ${solver}`);
}

if (solver === 'highs' || solver === 'hv-highs') await import('./highs-lp'); // load the module outside the timing
if (solver === 'min-cost-flow' || solver === 'munkres') await import('./peers');
let t0 = performance.now();
const cold = await solveOnce();
const coldMs = performance.now() - t0;
const warmTimes: number[] = [];
let warm = cold;
for (let i = 0; i < warmRuns; i++) {
  globalThis.gc?.();
  t0 = performance.now();
  warm = await solveOnce();
  warmTimes.push(performance.now() - t0);
  if (warm.served !== cold.served || warm.objective !== cold.objective) throw new Error('solver is not deterministic');
}
const warmInOrder = [...warmTimes];
warmTimes.sort((a, b) => a - b);
const ms = warmTimes[Math.floor((warmTimes.length - 1) / 2)]!;
const { served, objective, servedDemand, boundDemand, boundObjective } = warm;
const detail = `cold ${Math.round(coldMs)} ms; warm ${warmTimes.map((t) => Math.round(t)).join('/')} ms: ${warm.detail}`;
const peakMb = process.resourceUsage().maxRSS / 1024; // maxRSS is in KiB
process.stdout.write(
  `${JSON.stringify({ ms, coldMs, warmRuns, warmTimes: warmInOrder, served, objective, servedDemand, boundDemand, boundObjective, peakMb, baseMb, detail })}\n`,
);
