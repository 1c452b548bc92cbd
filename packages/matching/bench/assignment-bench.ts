/**
 * The capacitated assignment rows of `npm run bench`: ours against the native anchors (LEMON's
 * NetworkSimplex and CostScaling, native HiGHS through SciPy; bench/anchors.ts), HiGHS in
 * WebAssembly and the npm peers, on the same instance file, one process per run.
 *
 * Repetitions are interleaved: round 1 runs every solver once, round 2 again, … (the fast
 * solvers; the slow ones run in round 1 only), so a burst of load from the shared machine
 * lands on all of them alike. Each process solves 1 + N times: its first solve is "cold", the
 * others "warm". A row's warm time is the median of all its warm solves over the rounds, its
 * cold time the median of the rounds' cold solves, its memory the largest peak RSS.
 *
 * Every row is checked against the reference: LEMON's NetworkSimplex when installed, else HiGHS
 * (WebAssembly), else SSP, else ours. A mismatch anywhere makes `mismatches` non-zero, and
 * `npm run bench` then exits with status 1.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { FAMILIES } from './adversarial';
import { type Anchors, scipyAssignScript } from './anchors';
import { generateInstance } from './generate';
import { type BinaryProblem, writeProblem } from './instance-io';

export type Solver = 'ours' | 'lemon-ns' | 'lemon-cs' | 'scipy-highs' | 'highs' | 'ours-ssp' | 'min-cost-flow' | 'munkres';

export interface Size {
  name: string;
  residents: number;
  providers: number;
  seed: number;
}

/** The figures of a row whose solver did not run (skipped, or failed: the caller says which); a fresh object each time. */
const notRun = () => ({
  ms: null,
  coldMs: null,
  warmTimes: [] as number[],
  ratioToOurs: null,
  ratioToLemon: null,
  peakMb: null,
  served: null,
  objective: null,
  reference: null,
  match: null,
  skipped: true,
});

export interface Row {
  /** Size name, or the adversarial family's. */
  size: string;
  family?: string;
  residents: number;
  providers: number;
  arcs: number;
  solver: Solver;
  ms: number | null;
  coldMs: number | null;
  warmTimes: number[];
  rounds: number;
  ratioToOurs: number | null;
  ratioToLemon: number | null;
  peakMb: number | null;
  served: number | null;
  objective: number | null;
  reference: Solver | null;
  match: boolean | null;
  skipped: boolean;
  /** Failed (not skipped by choice): an error, a crash or the time box. */
  failed?: boolean;
  reason?: string;
  detail?: string;
}

interface WorkerResult {
  ms: number;
  coldMs: number;
  warmTimes?: number[];
  served: number;
  objective: number;
  peakMb: number;
  detail: string;
}

const benchDir = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.resolve(benchDir, '../../..');
const workerPath = path.join(benchDir, 'worker.ts');

/** Solvers slow enough (20× ours and more) that they run in the first round only. */
const ONCE: ReadonlySet<Solver> = new Set(['highs', 'scipy-highs', 'min-cost-flow', 'munkres', 'ours-ssp']);
/** Hard kill per process (generous for ours and LEMON: at 200k on a shared 2-core machine under load 15, one process took minutes). */
const KILL_MS: Record<Solver, number> = {
  ours: 900_000,
  'lemon-ns': 900_000,
  'lemon-cs': 900_000,
  'scipy-highs': 600_000,
  highs: 300_000,
  'ours-ssp': 300_000,
  'min-cost-flow': 120_000,
  munkres: 120_000,
};
/** Growth exponent in the number of residents, for predictions from the previous size. */
const GROWTH: Record<Solver, number> = {
  ours: 1.2,
  'lemon-ns': 1.3,
  'lemon-cs': 1.2,
  'scipy-highs': 1.7,
  highs: 1.7,
  'ours-ssp': 2,
  'min-cost-flow': 2,
  munkres: 3,
};
/** Slow solvers run only when the time predicted from the previous size is under this. */
const PREDICTED_LIMIT_MS: Partial<Record<Solver, number>> = { 'scipy-highs': 120_000, 'min-cost-flow': 60_000, munkres: 60_000 };
/** HiGHS in WebAssembly is kept where it finishes in reasonable time. */
const HIGHS_MAX_RESIDENTS = 10_000;

function runProcess(file: string, solver: Solver, anchors: Anchors, warmRuns: number): Promise<WorkerResult | { error: string }> {
  const warm = String(warmRuns);
  const [command, args]: [string, string[]] =
    solver === 'lemon-ns' || solver === 'lemon-cs'
      ? [anchors.lemon!, [file, solver === 'lemon-ns' ? 'ns' : 'cs', warm]]
      : solver === 'scipy-highs'
        ? [anchors.python!, [scipyAssignScript, file, warm]]
        : [process.execPath, ['--import', 'tsx', '--expose-gc', workerPath, file, solver, warm]];
  return runJsonProcess<WorkerResult>(command, args, KILL_MS[solver]);
}

/**
 * Runs one solver process and reads the JSON line it ends with; a crash, a non-zero exit or the
 * time box (SIGKILL after `killMs`) becomes `{ error }` with the error line of its stderr.
 */
export function runJsonProcess<T>(command: string, args: string[], killMs: number): Promise<T | { error: string }> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let killed = false;
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const timer = setTimeout(() => {
      killed = true;
      child.kill('SIGKILL');
    }, killMs);
    child.on('error', (error) => {
      clearTimeout(timer);
      resolve({ error: String(error) });
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      if (killed) return resolve({ error: `killed at the ${Math.round(killMs / 1000)} s time box` });
      const line = stdout.trim().split('\n').pop() ?? '';
      if (code !== 0 || line === '') {
        const lines = stderr.trim().split('\n');
        const message = lines.find((l) => /^\w*Error\b/.test(l.trim())) ?? lines.slice(-1)[0] ?? '';
        return resolve({ error: `exit code ${code}: ${message.trim()}` });
      }
      resolve(JSON.parse(line) as T);
    });
  });
}

const median = (values: number[]): number | null => {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor((sorted.length - 1) / 2)]!;
};

export interface Plan {
  rounds: number;
  /** Warm solves per process for the fast solvers (slow ones: 1 at 10k and below, else 0). */
  warm: number;
}

export const planFor = (residents: number): Plan =>
  residents <= 10_000 ? { rounds: 3, warm: 3 } : residents <= 50_000 ? { rounds: 3, warm: 1 } : { rounds: 2, warm: 1 };

/** Runs `solvers` on one instance file in interleaved rounds; rows in the order given. */
async function measure(
  file: string,
  label: { size: string; family?: string; residents: number; providers: number; arcs: number },
  solvers: Solver[],
  skipped: Map<Solver, string>,
  anchors: Anchors,
  plan: Plan,
): Promise<Row[]> {
  const acc = new Map<Solver, { warm: number[]; cold: number[]; peak: number; served: number; objective: number; detail: string; rounds: number; error?: string }>();
  for (let round = 0; round < plan.rounds; round++) {
    for (const solver of solvers) {
      if (skipped.has(solver)) continue;
      const seen = acc.get(solver);
      if (seen?.error !== undefined) continue;
      if (round > 0 && ONCE.has(solver)) continue;
      const warm = ONCE.has(solver) ? (label.residents <= 10_000 ? 1 : 0) : plan.warm;
      const out = await runProcess(file, solver, anchors, warm);
      if ('error' in out) {
        acc.set(solver, { warm: [], cold: [], peak: 0, served: 0, objective: 0, detail: '', rounds: 0, error: out.error });
        continue;
      }
      if (seen !== undefined && (seen.served !== out.served || seen.objective !== out.objective)) {
        seen.error = `answers differ between rounds (${seen.served}/${seen.objective} then ${out.served}/${out.objective})`;
        continue;
      }
      const entry = seen ?? { warm: [], cold: [], peak: 0, served: out.served, objective: out.objective, detail: '', rounds: 0 };
      entry.warm.push(...(out.warmTimes ?? []));
      entry.cold.push(out.coldMs);
      entry.peak = Math.max(entry.peak, out.peakMb);
      entry.detail = entry.detail === '' ? out.detail : `${entry.detail} | ${out.detail}`;
      entry.rounds++;
      acc.set(solver, entry);
    }
  }
  const rows: Row[] = solvers.map((solver) => {
    const base: Row = {
      ...label,
      solver,
      ...notRun(),
      rounds: 0,
    };
    const why = skipped.get(solver);
    if (why !== undefined) return { ...base, reason: why };
    const entry = acc.get(solver)!;
    if (entry.error !== undefined) return { ...base, failed: true, reason: `failed: ${entry.error}` };
    const coldMs = median(entry.cold);
    return {
      ...base,
      skipped: false,
      ms: median(entry.warm) ?? coldMs,
      coldMs,
      warmTimes: entry.warm,
      rounds: entry.rounds,
      peakMb: entry.peak,
      served: entry.served,
      objective: entry.objective,
      detail: entry.detail,
    };
  });
  checkRows(rows);
  return rows;
}

const REFERENCE_ORDER: Solver[] = ['lemon-ns', 'highs', 'scipy-highs', 'ours-ssp', 'ours'];

/** Sets ratios, the reference and each row's match. */
export function checkRows(rows: Row[]): void {
  const ran = rows.filter((r) => !r.skipped);
  const ours = ran.find((r) => r.solver === 'ours');
  const lemon = ran.find((r) => r.solver === 'lemon-ns');
  const reference = REFERENCE_ORDER.map((s) => ran.find((r) => r.solver === s)).find((r) => r !== undefined);
  for (const row of ran) {
    if (ours?.ms != null && row.ms !== null) row.ratioToOurs = row.ms / ours.ms;
    if (lemon?.ms != null && row.ms !== null) row.ratioToLemon = row.ms / lemon.ms;
    if (reference === undefined || row === reference) continue;
    row.reference = reference.solver;
    // Instance costs are integers, so every solver's objective is an exact sum: tolerate rounding only.
    const tolerance = Math.max(1e-6, 1e-12 * Math.abs(reference.objective!));
    row.match = row.served === reference.served && Math.abs(row.objective! - reference.objective!) <= tolerance;
  }
}

export const fmt = (x: number | null, digits = 0): string =>
  x === null ? '-' : x.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });

const ratio = (x: number | null): string => (x === null ? '-' : x.toFixed(x < 10 ? 2 : 0));

const checkText = (r: Row): string =>
  r.skipped ? (r.reason ?? '') : r.match === null ? '(reference)' : r.match ? `= ${r.reference}` : `MISMATCH vs ${r.reference}`;

export function printTable(rows: Row[], first: 'size' | 'family'): void {
  const header = [
    ...(first === 'family' ? ['family'] : []),
    'residents',
    'providers',
    'arcs',
    'solver',
    'warm ms',
    '× ours',
    '× lemon-ns',
    'cold ms',
    'peak MB',
    'served',
    'objective',
    'check',
  ];
  const lines = rows.map((r) => [
    ...(first === 'family' ? [r.family ?? r.size] : []),
    fmt(r.residents),
    fmt(r.providers),
    fmt(r.arcs),
    r.solver,
    r.skipped ? 'skipped' : fmt(r.ms, r.ms !== null && r.ms < 100 ? 1 : 0),
    ratio(r.ratioToOurs),
    ratio(r.ratioToLemon),
    fmt(r.coldMs, r.coldMs !== null && r.coldMs < 100 ? 1 : 0),
    fmt(r.peakMb),
    fmt(r.served),
    fmt(r.objective),
    checkText(r),
  ]);
  const left = new Set([first === 'family' ? 0 : -1, header.indexOf('solver'), header.length - 1]);
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i]!.length)));
  const show = (cells: string[]): string =>
    cells
      .map((c, i) => (left.has(i) ? c.padEnd(widths[i]!) : c.padStart(widths[i]!)))
      .join('  ')
      .trimEnd();
  console.log(show(header));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const l of lines) console.log(show(l));
}

/** Rows that disagree with their reference, or that failed where they should not. */
export function badRows(rows: Row[], strict: boolean): Row[] {
  return rows.filter(
    (r) => r.match === false || (r.failed === true && (strict || r.solver === 'ours' || r.solver === 'lemon-ns' || r.solver === 'lemon-cs')),
  );
}

function available(anchors: Anchors, solver: Solver): string | undefined {
  if ((solver === 'lemon-ns' || solver === 'lemon-cs') && anchors.lemon === undefined) return 'skipped: LEMON not installed (apt-get install -y liblemon-dev g++)';
  if (solver === 'scipy-highs' && anchors.python === undefined) return 'skipped: no python3 with scipy (apt-get install -y python3-scipy)';
  return undefined;
}

function describe(name: string, problem: BinaryProblem, ms: number, extra = ''): void {
  const arcs = problem.arcProvider.length;
  let capacity = 0;
  for (let p = 0; p < problem.providerCount; p++) capacity += problem.capacity[p]!;
  console.log(
    `instance ${name}: ${fmt(problem.residentCount)} residents × ${fmt(problem.providerCount)} providers, ${fmt(arcs)} arcs ` +
      `(${(arcs / Math.max(1, problem.residentCount)).toFixed(1)} per resident), capacity ${fmt(capacity)}${extra}, generated in ${fmt(ms)} ms`,
  );
}

/** The district instances at each size: every solver, interleaved rounds, checked against LEMON. */
export async function runSizes(sizes: Size[], quick: boolean, anchors: Anchors, only?: string[]): Promise<Row[]> {
  const all: Solver[] = ['ours', 'lemon-ns', 'lemon-cs', 'scipy-highs', 'highs', 'min-cost-flow', 'munkres'];
  const solvers = only === undefined ? all : all.filter((s) => only.includes(s));
  const dir = mkdtempSync(path.join(os.tmpdir(), 'huimin-bench-'));
  const rows: Row[] = [];
  const lastMeasured = new Map<Solver, { residents: number; ms: number }>();
  const failedAt = new Map<Solver, number>();
  try {
    for (const size of sizes) {
      const t0 = performance.now();
      const { problem } = generateInstance({ residents: size.residents, providers: size.providers, seed: size.seed });
      const file = path.join(dir, `instance-${size.name}.bin`);
      writeProblem(file, problem);
      describe(size.name, problem, performance.now() - t0, ` (${((100 * sumCapacity(problem)) / size.residents).toFixed(0)} % of residents), seed ${size.seed}`);
      const skipped = new Map<Solver, string>();
      for (const solver of solvers) {
        const missing = available(anchors, solver);
        const previous = lastMeasured.get(solver);
        const predicted = previous === undefined ? 0 : previous.ms * (size.residents / previous.residents) ** GROWTH[solver];
        const limit = PREDICTED_LIMIT_MS[solver];
        const failed = failedAt.get(solver);
        if (missing !== undefined) skipped.set(solver, missing);
        else if (failed !== undefined) skipped.set(solver, `skipped: failed at ${fmt(failed)} residents`);
        else if (solver === 'highs' && (size.residents > HIGHS_MAX_RESIDENTS || (quick && size.residents > 1_000))) {
          skipped.set(solver, `skipped (time box)${previous ? `: ${fmt(previous.ms / 1000, 1)} s at ${fmt(previous.residents)} residents, predicted ~${fmt(predicted / 1000)} s` : ''}`);
        } else if (limit !== undefined && predicted > limit) {
          skipped.set(solver, `skipped (time box): predicted ~${fmt(predicted / 1000)} s from ${fmt(previous!.ms / 1000, 1)} s at ${fmt(previous!.residents)} residents (O(n^${GROWTH[solver]}))`);
        } else if (limit !== undefined && previous === undefined && size.residents > 1_000 && solver !== 'scipy-highs') {
          skipped.set(solver, `skipped (time box): no smaller size measured in this run to predict from (O(n^${GROWTH[solver]}))`);
        } else if (quick && (solver === 'munkres' || solver === 'scipy-highs') && size.residents > 10_000) {
          skipped.set(solver, 'skipped (quick)');
        }
      }
      const sizeRows = await measure(
        file,
        { size: size.name, residents: size.residents, providers: size.providers, arcs: problem.arcProvider.length },
        solvers,
        skipped,
        anchors,
        planFor(size.residents),
      );
      for (const row of sizeRows) {
        if (row.failed) failedAt.set(row.solver, size.residents);
        else if (!row.skipped) lastMeasured.set(row.solver, { residents: size.residents, ms: row.coldMs! });
        if (row.detail) console.log(`  ${row.solver}: ${row.detail}`);
      }
      rows.push(...sizeRows);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  console.log('');
  console.log(
    'capacitated assignment (max served, then min total cost), one process per run, rounds interleaved (3 rounds up to 50k, 2 at 200k; ' +
      'HiGHS, SciPy and the npm peers once); time = solve incl. input conversion (graph or LP building); cold = 1st solve in a process ' +
      '(median over rounds), warm = median of all later solves (3 a round at 10k and below, 1 above); × on warm times',
  );
  printTable(rows, 'size');
  return rows;
}

function sumCapacity(problem: BinaryProblem): number {
  let total = 0;
  for (let p = 0; p < problem.providerCount; p++) total += problem.capacity[p]!;
  return total;
}

/** The adversarial families (bench/adversarial.ts) at one size: ours against LEMON. */
export async function runAdversarial(
  residents: number,
  providers: number,
  anchors: Anchors,
  solvers: Solver[],
  plan: Plan,
  only?: string[],
): Promise<Row[]> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'huimin-bench-adv-'));
  const rows: Row[] = [];
  try {
    for (const [i, family] of FAMILIES.entries()) {
      if (only !== undefined && !only.includes(family.name)) continue;
      const t0 = performance.now();
      const problem = family.build(residents, providers, 3001 + i);
      const file = path.join(dir, `${family.name}.bin`);
      writeProblem(file, problem);
      describe(`${family.name} (${family.what})`, problem, performance.now() - t0);
      const skipped = new Map<Solver, string>();
      for (const solver of solvers) {
        const missing = available(anchors, solver);
        if (missing !== undefined) skipped.set(solver, missing);
      }
      const familyRows = await measure(
        file,
        { size: `${residents}`, family: family.name, residents: problem.residentCount, providers: problem.providerCount, arcs: problem.arcProvider.length },
        solvers,
        skipped,
        anchors,
        plan,
      );
      for (const row of familyRows) if (row.detail) console.log(`  ${row.solver}: ${row.detail}`);
      rows.push(...familyRows);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  console.log('');
  console.log(`adversarial families (bench/adversarial.ts) on the ${fmt(residents)} × ${fmt(providers)} district generator; rounds ${plan.rounds}, warm ${plan.warm} a round; × on warm times; goal: ours ≤ 2 × lemon-ns in every family`);
  printTable(rows, 'family');
  const over = rows.filter((r) => r.solver === 'ours' && r.ratioToLemon !== null && r.ratioToLemon > 2);
  const lemonRan = rows.some((r) => r.solver === 'lemon-ns' && !r.skipped);
  console.log(
    !lemonRan
      ? 'no LEMON: ratios to it not measured'
      : over.length === 0
        ? 'every family: ours ≤ 2 × LEMON NetworkSimplex'
        : `over 2 × LEMON NetworkSimplex: ${over.map((r) => `${r.family} (${r.ratioToLemon!.toFixed(2)})`).join(', ')}`,
  );
  return rows;
}

/** Runs a command to its end; stdout lines, or an error. */
function runLines(command: string, args: string[], killMs: number): Promise<string[] | { error: string }> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), killMs);
    child.on('error', (error) => {
      clearTimeout(timer);
      resolve({ error: String(error) });
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      if (code !== 0) return resolve({ error: `exit code ${code}: ${stderr.trim().split('\n').slice(-1)[0] ?? ''}` });
      resolve(stdout.trim().split('\n').filter((l) => l !== ''));
    });
  });
}

interface CheckAnswer {
  served: number;
  objective: number;
  ms: number;
  error?: string;
}

/**
 * `--check`: a small district instance with every solver (SSP and HiGHS in WebAssembly always,
 * LEMON and SciPy when installed, the npm peers), and every adversarial family at a small size
 * with ours, SSP, HiGHS, LEMON and SciPy. The TypeScript solvers run in one process over all
 * the files (bench/check-worker.ts), SciPy in one more, LEMON once per file: a few seconds in
 * all. Each answer is solved once; the times are single solves, not a benchmark. Returns all
 * rows; the caller exits non-zero on any mismatch or failure.
 */
export async function runCheck(anchors: Anchors): Promise<Row[]> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'huimin-bench-check-'));
  const rows: Row[] = [];
  try {
    const instances: { name: string; family?: string; file: string; problem: BinaryProblem }[] = [];
    const { problem } = generateInstance({ residents: 1_000, providers: 100, seed: 1005 });
    instances.push({ name: 'check', file: path.join(dir, 'check.bin'), problem });
    for (const [i, family] of FAMILIES.entries()) {
      instances.push({ name: 'check', family: family.name, file: path.join(dir, `${family.name}.bin`), problem: family.build(400, 40, 3101 + i) });
    }
    for (const x of instances) writeProblem(x.file, x.problem);
    console.log(
      `check instances: district 1,000 residents × 100 providers (seed 1005), and the ${FAMILIES.length} adversarial families at 400 × 40 (${FAMILIES.map((f) => f.name).join(', ')})`,
    );
    const tsAll: Solver[] = ['ours', 'ours-ssp', 'highs', 'min-cost-flow', 'munkres'];
    const tsFamilies: Solver[] = ['ours', 'ours-ssp', 'highs'];
    const answers = new Map<string, CheckAnswer>();
    const key = (file: string, solver: Solver): string => `${file}\t${solver}`;
    const record = (lines: string[] | { error: string }, files: string[], solvers: Solver[]): void => {
      if ('error' in lines) {
        for (const f of files) for (const s of solvers) answers.set(key(f, s), { served: 0, objective: 0, ms: 0, error: lines.error });
        return;
      }
      for (const line of lines) {
        const parsed = JSON.parse(line) as CheckAnswer & { file: string; solver: Solver };
        answers.set(key(parsed.file, parsed.solver), parsed);
      }
    };
    const t0 = performance.now();
    const main = instances[0]!.file;
    const familyFiles = instances.slice(1).map((x) => x.file);
    record(await runLines(process.execPath, ['--import', 'tsx', path.join(benchDir, 'check-worker.ts'), tsAll.join(','), main], 300_000), [main], tsAll);
    record(await runLines(process.execPath, ['--import', 'tsx', path.join(benchDir, 'check-worker.ts'), tsFamilies.join(','), ...familyFiles], 300_000), familyFiles, tsFamilies);
    const lemonSolvers: Solver[] = anchors.lemon === undefined ? [] : ['lemon-ns', 'lemon-cs'];
    for (const x of instances) {
      for (const solver of lemonSolvers) {
        const out = await runProcess(x.file, solver, anchors, 0);
        answers.set(key(x.file, solver), 'error' in out ? { served: 0, objective: 0, ms: 0, error: out.error } : { ...out, ms: out.coldMs });
      }
    }
    if (anchors.python !== undefined) {
      const lines = await runLines(anchors.python, [scipyAssignScript, main, '0', ...familyFiles], 300_000);
      if ('error' in lines) record(lines, [main, ...familyFiles], ['scipy-highs']);
      else
        lines.forEach((line, i) => {
          const parsed = JSON.parse(line) as WorkerResult;
          answers.set(key(instances[i]!.file, 'scipy-highs'), { served: parsed.served, objective: parsed.objective, ms: parsed.coldMs });
        });
    }
    const elapsed = performance.now() - t0;
    for (const [i, x] of instances.entries()) {
      const solvers: Solver[] = [...(i === 0 ? tsAll : tsFamilies), 'lemon-ns', 'lemon-cs', 'scipy-highs'];
      const group: Row[] = solvers.map((solver) => {
        const answer = answers.get(key(x.file, solver));
        const base: Row = {
          size: x.name,
          family: x.family ?? 'district',
          residents: x.problem.residentCount,
          providers: x.problem.providerCount,
          arcs: x.problem.arcProvider.length,
          solver,
          ...notRun(),
          rounds: 1,
        };
        if (answer === undefined) return { ...base, reason: available(anchors, solver) ?? 'not run' };
        if (answer.error !== undefined) return { ...base, failed: true, reason: `failed: ${answer.error}` };
        return { ...base, skipped: false, coldMs: answer.ms, served: answer.served, objective: answer.objective };
      });
      checkRows(group);
      rows.push(...group);
    }
    console.log(`solved in ${fmt(elapsed / 1000, 1)} s (single solves; times are not benchmarks)`);
    console.log('');
    printTable(rows, 'family');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return rows;
}
