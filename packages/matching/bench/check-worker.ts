/**
 * `npm run bench -- --check`: the TypeScript solvers (ours, SSP, HiGHS in WebAssembly, the npm
 * peers) on several instance files in one process, so the check takes seconds, not a process
 * start per (instance, solver). Usage: check-worker.ts <solver,solver,…> <instance.bin>…
 * Prints one JSON line per (file, solver): { file, solver, served, objective, ms } or { file, solver, error }.
 */
import { solveAssignment } from '../src/assignment';
import { readProblem } from './instance-io';

const [list, ...files] = process.argv.slice(2);
if (list === undefined || files.length === 0) throw new Error('usage: check-worker.ts <solvers> <instance.bin>…');
const solvers = list.split(',');

async function solve(solver: string, problem: ReturnType<typeof readProblem>): Promise<{ served: number; objective: number }> {
  if (solver === 'ours') return solveAssignment(problem);
  if (solver === 'ours-ssp') return solveAssignment(problem, { algorithm: 'ssp' });
  if (solver === 'highs') {
    const { solveWithHighs } = await import('./highs-lp');
    const outcome = await solveWithHighs(problem);
    if (outcome.status !== 'Optimal') throw new Error(`HiGHS status ${outcome.status}`);
    return outcome;
  }
  if (solver === 'min-cost-flow') return (await import('./peers')).solveWithMinCostFlow(problem);
  if (solver === 'munkres') return (await import('./peers')).solveWithMunkres(problem);
  throw new Error(`unknown solver ${solver}`);
}

for (const file of files) {
  const problem = readProblem(file);
  for (const solver of solvers) {
    const t0 = performance.now();
    try {
      const { served, objective } = await solve(solver, problem);
      process.stdout.write(`${JSON.stringify({ file, solver, served, objective, ms: performance.now() - t0 })}\n`);
    } catch (error) {
      process.stdout.write(`${JSON.stringify({ file, solver, error: String(error).split('\n')[0] })}\n`);
    }
  }
}
