/**
 * Matching benchmarks: `npm run bench [-- --json out.json] [-- --sizes 1k,10k] [-- --quick] [-- --childcare-round N | --childcare-round-only]`.
 *
 * Each (instance, solver) runs in its own child process, one at a time. The child solves the
 * instance 1 + N times and reports the median of the last N (warm) as `ms` and the first as
 * `coldMs` (N = 5 up to 10k residents, 3 at 50k, 1 at 200k), both
 * its own measurement around the solve (instance loading excluded, conversion to the
 * solver's input form — LP text, edge lists, matrices — included). Memory is the child's
 * peak RSS (the whole process: Node itself, the instance and the solver). The parent kills
 * a child at its time box.
 *
 * Home-visit rows (`hv1k`, `hv10k`, `hv200k`; `--home-visit` runs only those): residents need
 * several hours each, served wholly by one organisation. Ours reports the integral answer and
 * the LP relaxation's optimum (its bound); HiGHS (WebAssembly) and, when `import scipy` works,
 * native HiGHS through scipy solve the same LP relaxation, and the check column compares our
 * bound with their optimum.
 *
 * The assignment rows themselves (anchors, interleaved rounds, checks) are in
 * bench/assignment-bench.ts. `--check`: a small instance and the adversarial families at a small
 * size, every solver against the references (SSP and HiGHS in WebAssembly always, LEMON and
 * SciPy when installed), nothing else; `--solvers ours,lemon-ns` limits the assignment rows to those; `--adversarial` runs only the adversarial families
 * (`--adversarial-size 10k` by default: 10,000 × 500; `--families a,b` for some of them). The bench exits with status 1 when
 * any row disagrees with its reference.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { deferredAcceptance } from '../src/deferred-acceptance';
import { createSpatialIndex } from '../src/spatial';
import { findAnchors } from './anchors';
import { badRows, fmt, planFor, type Row, runAdversarial, runCheck, runJsonProcess, runSizes, type Solver } from './assignment-bench';
import { generateChildcareRound, qixiaSampler } from './generate';
import { generateHomeVisitInstance } from './generate-home-visit';
import { writeDemandProblem } from './instance-io';

interface Size {
  name: string;
  residents: number;
  providers: number;
  seed: number;
}

const ALL_SIZES: Size[] = [
  { name: '1k', residents: 1_000, providers: 100, seed: 1001 },
  { name: '10k', residents: 10_000, providers: 500, seed: 1002 },
  { name: '50k', residents: 50_000, providers: 2_000, seed: 1003 },
  { name: '200k', residents: 200_000, providers: 5_000, seed: 1004 },
];

/** Home-visit instances (bench/generate-home-visit.ts). */
const HV_SIZES: Size[] = [
  { name: 'hv1k', residents: 1_000, providers: 100, seed: 2001 },
  { name: 'hv10k', residents: 10_000, providers: 500, seed: 2002 },
  { name: 'hv200k', residents: 200_000, providers: 5_000, seed: 2004 },
];
/** What a run without --sizes includes. */
const HV_DEFAULT = ['hv10k', 'hv200k'];

/** Growth exponent of HiGHS's time in the number of residents, for predictions. */
const HIGHS_GROWTH = 1.7;
/** HiGHS is the reference only where it finishes in reasonable time. */
const HIGHS_MAX_RESIDENTS = 10_000;

/**
 * The childcare round end to end through its use case on DynamoDB Local (functions/bench/childcare-round.ts),
 * in its own process: by default 10,000 children × 200 nurseries (about two minutes); `--childcare-round N`
 * runs N children × N/50 nurseries (100000 is the province-sized round: about an hour, DynamoDB Local's
 * throughput being what bounds it); `--childcare-round 0` skips it.
 */
const CHILDCARE_ROUND_DEFAULT = 10_000;

interface Args {
  json?: string;
  sizes: Size[];
  hvSizes: Size[];
  quick: boolean;
  childcareRound: number;
  check: boolean;
  /** Adversarial families' size, or undefined to skip them. */
  adversarial?: Size;
  /** Deferred acceptance and candidate search rows. */
  others: boolean;
  /** `--solvers a,b`: only these assignment solvers (default: all). */
  solvers?: string[];
  /** `--families a,b`: only these adversarial families (default: all). */
  families?: string[];
}

function parseArgs(argv: string[]): Args {
  let json: string | undefined;
  let childcareRound: number = CHILDCARE_ROUND_DEFAULT;
  let childcareOnly = false;
  let childcareGiven = false;
  let sizes = ALL_SIZES;
  let hvSizes = HV_SIZES.filter((s) => HV_DEFAULT.includes(s.name));
  let quick = false;
  let homeVisitOnly = false;
  let sizesGiven = false;
  let check = false;
  let adversarialOnly = false;
  let adversarialSize = '10k';
  let solvers: string[] | undefined;
  let families: string[] | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--json') json = argv[++i];
    else if (arg === '--quick') quick = true;
    else if (arg === '--home-visit') homeVisitOnly = true;
    else if (arg === '--check') check = true;
    else if (arg === '--adversarial') adversarialOnly = true;
    else if (arg === '--solvers') solvers = (argv[++i] ?? '').split(',');
    else if (arg === '--families') families = (argv[++i] ?? '').split(',');
    else if (arg === '--adversarial-size') {
      adversarialSize = (argv[++i] ?? '').toLowerCase();
      if (!ALL_SIZES.some((x) => x.name === adversarialSize)) throw new Error(`--adversarial-size takes one of ${ALL_SIZES.map((x) => x.name).join(', ')}`);
    }
    else if (arg === '--childcare-round') {
      childcareRound = Number(argv[++i]);
      childcareGiven = true;
      if (!Number.isInteger(childcareRound) || childcareRound < 0) throw new Error('--childcare-round takes a number of children (0 skips it)');
    } else if (arg === '--childcare-round-only') childcareOnly = true;
    else if (arg === '--sizes') {
      sizesGiven = true;
      const wanted = (argv[++i] ?? '').split(',').map((s) => s.trim().toLowerCase());
      sizes = ALL_SIZES.filter((s) => wanted.includes(s.name));
      hvSizes = HV_SIZES.filter((s) => wanted.includes(s.name));
      const known = [...ALL_SIZES, ...HV_SIZES].map((s) => s.name);
      const unknown = wanted.filter((w) => !known.includes(w));
      if (unknown.length > 0) throw new Error(`unknown size(s) ${unknown.join(', ')}; known: ${known.join(', ')}`);
    } else if (arg !== '--') throw new Error(`unknown argument ${arg}`);
  }
  if (quick && !sizesGiven) {
    sizes = ALL_SIZES.slice(0, 2);
    hvSizes = HV_SIZES.slice(0, 2);
  }
  if (homeVisitOnly) {
    sizes = [];
    if (!sizesGiven && !quick) hvSizes = HV_SIZES.filter((s) => HV_DEFAULT.includes(s.name));
  }
  // The other focused runs leave it out unless it is asked for.
  if ((homeVisitOnly || quick) && !childcareGiven && !childcareOnly) childcareRound = 0;
  if (childcareOnly) {
    sizes = [];
    hvSizes = [];
  }
  const adversarialAt = ALL_SIZES.find((x) => x.name === adversarialSize);
  if (check) return { json, sizes: [], hvSizes: [], quick, childcareRound: 0, check, others: false };
  if (adversarialOnly) return { json, sizes: [], hvSizes: [], quick, childcareRound: 0, check, adversarial: adversarialAt, others: false, solvers, families };
  const others = sizes.length > 0;
  const adversarial = sizes.length > 0 && !quick && !sizesGiven ? adversarialAt : undefined;
  return { json, sizes, hvSizes, quick, childcareRound, check, adversarial, others, solvers, families };
}

const benchDir = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.resolve(benchDir, '../../..');
const workerPath = path.join(benchDir, 'worker.ts');
const scipyScript = path.join(benchDir, 'scipy-hv.py');

interface WorkerResult {
  /** Warm median; null when only the cold run was made. */
  ms: number;
  coldMs: number;
  served: number;
  objective: number;
  servedDemand?: number;
  boundDemand?: number;
  boundObjective?: number;
  peakMb: number;
  baseMb: number;
  detail: string;
}

/** Repeated warm solves per size: enough for a median where a solve is quick. */
const warmRunsFor = (residents: number) => (residents <= 10_000 ? 5 : residents <= 50_000 ? 3 : 1);

function runWorker(file: string, solver: string, killMs: number, warmRuns: number): Promise<WorkerResult | { error: string }> {
  const [command, args] =
    solver === 'hv-scipy'
      ? ['python3', [scipyScript, file, String(warmRuns)]]
      : [process.execPath, ['--import', 'tsx', '--expose-gc', workerPath, file, solver, String(warmRuns)]];
  return runJsonProcess<WorkerResult>(command, args, killMs);
}

function percentile(sorted: Float64Array, q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const { json, sizes, hvSizes, quick, childcareRound } = args;
  const cpu = os.cpus();
  console.log(
    `machine: ${cpu[0]?.model ?? 'unknown CPU'}, ${cpu.length} cores, ${(os.totalmem() / 2 ** 30).toFixed(1)} GB RAM, ` +
      `node ${process.version}, ${os.platform()} ${os.release()}, load average ${os
        .loadavg()
        .map((x) => x.toFixed(1))
        .join(' ')}`,
  );
  const anchors = findAnchors();
  for (const line of anchors.found) console.log(`anchor: ${line}`);
  for (const line of anchors.missing) console.log(`missing: ${line}; the bench goes on without it`);
  const what = args.check ? ['check'] : [...sizes, ...hvSizes].map((s) => s.name);
  if (args.adversarial !== undefined) what.push(`adversarial ${args.adversarial.name}`);
  console.log(`sizes: ${what.join(', ')}${quick ? ' (quick)' : ''}`);
  console.log('');
  const rows: (Row | HvRow)[] = [];
  let bad: Row[] = [];
  if (args.check) {
    const checked = await runCheck(anchors);
    rows.push(...checked);
    bad = badRows(checked, true);
  }
  if (sizes.length > 0) {
    const sized = await runSizes(sizes, quick, anchors, args.solvers);
    rows.push(...sized);
    bad.push(...badRows(sized, false));
  }
  if (args.adversarial !== undefined) {
    console.log('');
    const { residents, providers } = args.adversarial;
    const wanted: Solver[] = ['ours', 'lemon-ns', 'lemon-cs'];
    const solvers = args.solvers === undefined ? wanted : wanted.filter((s) => args.solvers!.includes(s));
    const adversarial = await runAdversarial(residents, providers, anchors, solvers, planFor(residents), args.families);
    rows.push(...adversarial);
    bad.push(...badRows(adversarial, false));
  }
  if (args.others) await runOtherRows();
  if (sizes.length > 0 && hvSizes.length > 0) console.log('');
  let hvBad = 0;
  if (hvSizes.length > 0) {
    const hv = await runHomeVisitSizes(hvSizes, quick);
    rows.push(...hv);
    hvBad = hv.filter((r) => r.check.includes('MISMATCH')).length;
  }
  if (childcareRound > 0) await runChildcareRound(childcareRound);

  if (json !== undefined) {
    writeFileSync(json, `${JSON.stringify(rows, null, 2)}\n`);
    console.log(`\nrows written to ${json}`);
  }
  if (bad.length > 0 || hvBad > 0) {
    console.log('');
    for (const r of bad) console.log(`FAILED CHECK: ${r.family ?? r.size} ${r.solver}: ${r.match === false ? `served ${r.served}, objective ${r.objective} ≠ ${r.reference}` : r.reason}`);
    if (hvBad > 0) console.log(`FAILED CHECK: ${hvBad} home-visit row(s) disagree with an LP solver`);
    process.exitCode = 1;
  } else if (args.check) {
    console.log('\ncheck passed: every solver that ran agrees with the references');
  }
}

/** The childcare round through its use case on DynamoDB Local, in its own process, its lines as it prints them. */
async function runChildcareRound(children: number): Promise<void> {
  console.log('');
  const script = path.join(repoRoot, 'functions/bench/childcare-round.ts');
  const args = ['--import', 'tsx', '--expose-gc', script, '--children', String(children), '--nurseries', String(Math.max(1, Math.round(children / 50)))];
  const code = await new Promise<number>((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd: repoRoot, stdio: ['ignore', 'inherit', 'inherit'], env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' } });
    child.on('error', reject);
    child.on('exit', (c) => resolve(c ?? 1));
  });
  if (code !== 0) throw new Error(`the childcare round bench exited with ${code}`);
}

/** Deferred acceptance and candidate search. */
async function runOtherRows(): Promise<void> {
  console.log('');
  // Deferred acceptance at province scale, with per-nursery priorities (nearby, sibling).
  console.log('');
  const round = generateChildcareRound(77, 100_000, 2_000, 5);
  const daTimes: number[] = [];
  let placed = 0;
  let proposals = 0;
  let full = 0;
  for (let run = 0; run < 5; run++) {
    const t0 = performance.now();
    const result = deferredAcceptance(round);
    daTimes.push(performance.now() - t0);
    placed = result.placed;
    proposals = result.proposals;
    full = result.cutoff.reduce((count, child) => count + (child >= 0 ? 1 : 0), 0);
  }
  const daSorted = [...daTimes].sort((x, y) => x - y);
  console.log(
    `deferred acceptance: 100,000 children × 5 preferences × 2,000 nurseries × 3 age bands, per-nursery priorities: ` +
      `first run ${fmt(daTimes[0]!, 1)} ms, median of 5 ${fmt(daSorted[2]!, 1)} ms; ` +
      `${fmt(placed)} placed, ${fmt(proposals)} proposals, ${fmt(full)} of ${fmt(2_000 * 3)} (nursery, band) full`,
  );

  // Candidate search for the one-at-a-time path.
  const sampler = qixiaSampler(4242);
  const providers = Array.from({ length: 5_000 }, (_, i) => {
    const [lat, lng] = sampler.provider();
    return { id: `provider-${i}`, lat, lng };
  });
  const tBuild = performance.now();
  const index = createSpatialIndex(providers);
  const buildMs = performance.now() - tBuild;
  const queries = 10_000;
  const warmup = 1_000;
  const radius = 3_000;
  const times = new Float64Array(queries);
  let found = 0;
  for (let q = 0; q < warmup + queries; q++) {
    const [lat, lng] = sampler.resident();
    const t0 = process.hrtime.bigint();
    const hits = index.withinRadius(lat, lng, radius);
    const t1 = process.hrtime.bigint();
    if (q >= warmup) {
      times[q - warmup] = Number(t1 - t0) / 1000;
      found += hits.length;
    }
  }
  times.sort();
  console.log(
    `candidate search: 5,000 providers (index built in ${fmt(buildMs, 1)} ms), ${fmt(queries)} queries within ${fmt(radius)} m ` +
      `after ${fmt(warmup)} warm-up: p50 ${fmt(percentile(times, 0.5), 1)} µs, p99 ${fmt(percentile(times, 0.99), 1)} µs, ` +
      `max ${fmt(times[queries - 1]!, 1)} µs; ${fmt(found / queries, 1)} candidates per query, sorted nearest first`,
  );
}

type HvSolver = 'hv-ours' | 'hv-highs' | 'hv-scipy';
const HV_SOLVERS: HvSolver[] = ['hv-ours', 'hv-highs', 'hv-scipy'];
const HV_KILL_MS: Record<HvSolver, number> = { 'hv-ours': 300_000, 'hv-highs': 300_000, 'hv-scipy': 900_000 };
const HV_LABEL: Record<HvSolver, string> = { 'hv-ours': 'ours', 'hv-highs': 'highs (LP)', 'hv-scipy': 'scipy-highs (LP)' };

interface HvRow {
  kind: 'home-visit';
  size: string;
  residents: number;
  providers: number;
  arcs: number;
  totalDemand: number;
  totalCapacity: number;
  solver: HvSolver;
  ms: number | null;
  coldMs: number | null;
  ratioToOurs: number | null;
  peakMb: number | null;
  /** Ours: residents served and hours served by the integral answer, its cost. */
  served: number | null;
  servedDemand: number | null;
  objective: number | null;
  /** The LP relaxation's optimum: ours' bound, or the LP solver's answer. */
  boundDemand: number | null;
  boundObjective: number | null;
  gapPct: number | null;
  check: string;
  skipped: boolean;
  detail?: string;
}

function scipyAvailable(): boolean {
  const probe = spawnSync('python3', ['-c', 'import scipy, numpy'], { stdio: 'ignore' });
  return probe.status === 0;
}

const sameLp = (a: HvRow, b: HvRow): boolean =>
  Math.abs(a.boundDemand! - b.boundDemand!) <= 1e-6 * Math.max(1, Math.abs(b.boundDemand!)) &&
  Math.abs(a.boundObjective! - b.boundObjective!) <= 1e-6 * Math.max(1, Math.abs(b.boundObjective!));

/** Home-visit rows: ours (integral answer + its LP bound) against LP solvers on the relaxation. */
async function runHomeVisitSizes(sizes: Size[], quick: boolean): Promise<HvRow[]> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'huimin-bench-hv-'));
  const rows: HvRow[] = [];
  const hasScipy = scipyAvailable();
  const lastMeasured = new Map<HvSolver, { residents: number; ms: number }>();
  try {
    for (const size of sizes) {
      const t0 = performance.now();
      const instance = generateHomeVisitInstance({ residents: size.residents, providers: size.providers, seed: size.seed });
      const problem = instance.problem;
      const arcs = problem.arcProvider.length;
      const file = path.join(dir, `home-visit-${size.name}.bin`);
      writeDemandProblem(file, problem);
      console.log(
        `home-visit instance ${size.name}: ${fmt(size.residents)} residents × ${fmt(size.providers)} organisations, ${fmt(arcs)} arcs ` +
          `(${(arcs / size.residents).toFixed(1)} per resident), ${fmt(instance.totalDemand)} hours entitled, ` +
          `${fmt(instance.totalCapacity)} declared (${((100 * instance.totalCapacity) / instance.totalDemand).toFixed(0)} %), ` +
          `seed ${size.seed}, generated in ${fmt(performance.now() - t0)} ms`,
      );
      const sizeRows: HvRow[] = [];
      for (const solver of HV_SOLVERS) {
        const base: HvRow = {
          kind: 'home-visit',
          size: size.name,
          residents: size.residents,
          providers: size.providers,
          arcs,
          totalDemand: instance.totalDemand,
          totalCapacity: instance.totalCapacity,
          solver,
          ms: null,
          coldMs: null,
          ratioToOurs: null,
          peakMb: null,
          served: null,
          servedDemand: null,
          objective: null,
          boundDemand: null,
          boundObjective: null,
          gapPct: null,
          check: '',
          skipped: true,
        };
        const previous = lastMeasured.get(solver);
        const predicted = previous === undefined ? 0 : previous.ms * (size.residents / previous.residents) ** HIGHS_GROWTH;
        let skip: string | undefined;
        if (solver === 'hv-highs' && (size.residents > HIGHS_MAX_RESIDENTS || (quick && size.residents > 1_000))) {
          skip = `skipped (time box)${previous ? `: ${fmt(previous.ms / 1000, 1)} s at ${fmt(previous.residents)} residents, predicted ~${fmt(predicted / 1000)} s` : ''}`;
        } else if (solver === 'hv-scipy' && !hasScipy) {
          skip = 'skipped: python3 cannot import scipy (optional; nothing is installed for it)';
        } else if (solver === 'hv-scipy' && quick && size.residents > 10_000) {
          skip = 'skipped (quick)';
        }
        if (skip !== undefined) {
          sizeRows.push({ ...base, check: skip });
          continue;
        }
        // Native HiGHS needs minutes for the 200k LP: there it runs once (cold only).
        const warmRuns = solver === 'hv-scipy' && size.residents > 10_000 ? 0 : warmRunsFor(size.residents);
        const outcome = await runWorker(file, solver, HV_KILL_MS[solver], warmRuns);
        if ('error' in outcome) {
          sizeRows.push({ ...base, check: `failed: ${outcome.error}` });
          continue;
        }
        lastMeasured.set(solver, { residents: size.residents, ms: outcome.coldMs });
        const ours = solver === 'hv-ours';
        sizeRows.push({
          ...base,
          skipped: false,
          ms: outcome.ms,
          coldMs: outcome.coldMs,
          peakMb: outcome.peakMb,
          served: ours ? outcome.served : null,
          servedDemand: ours ? (outcome.servedDemand ?? null) : null,
          objective: ours ? outcome.objective : null,
          boundDemand: outcome.boundDemand ?? null,
          boundObjective: outcome.boundObjective ?? null,
          gapPct:
            ours && outcome.boundDemand
              ? (100 * (outcome.boundDemand - (outcome.servedDemand ?? 0))) / outcome.boundDemand
              : null,
          detail: outcome.detail,
        });
      }
      const ours = sizeRows.find((r) => r.solver === 'hv-ours' && !r.skipped);
      const peers = sizeRows.filter((r) => r.solver !== 'hv-ours' && !r.skipped);
      for (const row of sizeRows) {
        if (row.skipped) continue;
        if (ours?.ms != null && row.ms !== null) row.ratioToOurs = row.ms / ours.ms;
        if (row === ours) {
          const agree = peers.filter((peer) => sameLp(row, peer)).map((peer) => HV_LABEL[peer.solver]);
          const disagree = peers.filter((peer) => !sameLp(row, peer)).map((peer) => HV_LABEL[peer.solver]);
          row.check =
            peers.length === 0
              ? 'no LP peer ran'
              : disagree.length > 0
                ? `BOUND MISMATCH vs ${disagree.join(', ')}`
                : `bound = ${agree.join(' = ')} (hours, cost)`;
        } else if (ours !== undefined) {
          row.check = sameLp(row, ours) ? 'LP optimum = our bound' : 'MISMATCH vs our bound';
        }
      }
      for (const row of sizeRows) if (row.detail) console.log(`  ${HV_LABEL[row.solver]}: ${row.detail}`);
      rows.push(...sizeRows);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  console.log('');
  console.log(
    'home visits (unsplittable hours: max hours served, then min total cost). ours = integral answer; "bound" = the LP relaxation ' +
      '(hours may split), for ours the bound it computes, for the LP solvers their optimum of the same LP; gap = (bound hours − served hours) / bound hours. ' +
      'warm = median of the next 5 (10k and below) or 1 (200k) calls after the cold (1st) one, both incl. input conversion; scipy-highs at 200k: cold run only',
  );
  const header = ['residents', 'orgs', 'solver', 'warm ms', '× ours', 'cold ms', 'peak MB', 'served', 'hours', 'objective', 'bound hours', 'bound objective', 'gap %', 'check'];
  const lines = rows.map((r) => [
    fmt(r.residents),
    fmt(r.providers),
    HV_LABEL[r.solver],
    r.skipped ? 'skipped' : fmt(r.ms, r.ms !== null && r.ms < 100 ? 1 : 0),
    r.ratioToOurs === null ? '-' : r.ratioToOurs.toFixed(r.ratioToOurs < 10 ? 2 : 0),
    fmt(r.coldMs, r.coldMs !== null && r.coldMs < 100 ? 1 : 0),
    fmt(r.peakMb),
    fmt(r.served),
    fmt(r.servedDemand),
    fmt(r.objective),
    fmt(r.boundDemand),
    fmt(r.boundObjective, r.boundObjective === null ? 0 : 1),
    r.gapPct === null ? '-' : r.gapPct.toFixed(2),
    r.check,
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i]!.length)));
  const show = (cells: string[]): string =>
    cells.map((c, i) => (i === 2 || i === 13 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ').trimEnd();
  console.log(show(header));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const l of lines) console.log(show(l));
  console.log('');
  return rows;
}

await main();
