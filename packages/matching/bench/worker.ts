/**
 * Runs one solver on one instance file in its own process, so its peak RSS
 * (`process.resourceUsage().maxRSS`) is its own, a crash stays contained, and the parent can
 * kill it at the time box. The solver runs twice on the same instance: the first (cold) call
 * includes V8 compiling the solver's hot loops, the second (warm) is what a long-running
 * service sees. Every solver, HiGHS included, gets the same treatment. Prints one JSON line:
 * { ms (warm), coldMs, served, objective, peakMb, baseMb, detail }.
 */
import { solveAssignment } from '../src/assignment';
import { readProblem } from './instance-io';

const [file, solver] = process.argv.slice(2);
if (file === undefined || solver === undefined) throw new Error('usage: worker.ts <instance.bin> <solver>');
const problem = readProblem(file);
globalThis.gc?.();
const baseMb = process.memoryUsage().rss / 2 ** 20;

interface Outcome {
  served: number;
  objective: number;
  detail: string;
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

if (solver === 'highs') await import('./highs-lp'); // load the module outside the timing
if (solver === 'min-cost-flow' || solver === 'munkres') await import('./peers');
let t0 = performance.now();
const cold = await solveOnce();
const coldMs = performance.now() - t0;
globalThis.gc?.();
t0 = performance.now();
const warm = await solveOnce();
const ms = performance.now() - t0;
if (warm.served !== cold.served || warm.objective !== cold.objective) throw new Error('solver is not deterministic');
const { served, objective } = warm;
const detail = `cold ${Math.round(coldMs)} ms; warm: ${warm.detail}`;
const peakMb = process.resourceUsage().maxRSS / 1024; // maxRSS is in KiB
process.stdout.write(`${JSON.stringify({ ms, coldMs, served, objective, peakMb, baseMb, detail })}\n`);
