/**
 * Cold start, per function: each wiring entry bundled as the CDK stack bundles it (esbuild, ESM,
 * minified, the SDK inside; infra/src/constructs/node-function.ts), its size, the three inputs that
 * weigh most, and its module init (the time `import()` of the bundle takes in a fresh Node process,
 * median of --runs, default 5). Node here is the machine's, not Lambda's; the figures compare
 * functions and changes, they are not Lambda's INIT duration.
 *
 *   node --import tsx scripts/cold-start.ts [--runs 5] [--only name,name] [--json FILE]
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { parseArgs } from 'node:util';
import { FUNCTION_SPECS } from '@huimin/functions/wiring';
import { build } from 'esbuild';
import { ESM_REQUIRE_BANNER } from '../infra/src/constructs/node-function';
import { REPO_ROOT } from '../infra/src/paths';

const { values: args } = parseArgs({
  options: { runs: { type: 'string', default: '5' }, only: { type: 'string' }, json: { type: 'string' } },
});
const runs = Number(args.runs);
const only = args.only ? new Set(args.only.split(',')) : undefined;
const out = mkdtempSync(join(tmpdir(), 'huimin-cold-'));

// What a function's configuration sets before its module runs (no AWS call is made at init).
const env = { ...process.env, TABLE_NAME: 'huimin', AWS_REGION: 'cn-north-1', POWERTOOLS_SERVICE_NAME: 'huimin', POWERTOOLS_METRICS_DISABLED: 'true' };
const INIT = `const t = performance.now(); await import(process.argv[1]); process.stdout.write(String(performance.now() - t));`;

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? Number.NaN;

interface Row {
  fn: string;
  kib: number;
  initMs: number;
  heaviest: string;
}
const rows: Row[] = [];
try {
  for (const [fn, spec] of FUNCTION_SPECS) {
    if (only && !only.has(fn)) continue;
    const outfile = join(out, `${fn}.mjs`);
    const result = await build({
      entryPoints: [join(REPO_ROOT, spec.entry)],
      bundle: true,
      platform: 'node',
      target: 'node20',
      format: 'esm',
      mainFields: ['module', 'main'],
      banner: { js: ESM_REQUIRE_BANNER },
      minify: true,
      metafile: true,
      outfile,
      logLevel: 'error',
    });
    const inputs = Object.values(result.metafile.outputs)[0]?.inputs ?? {};
    const byPackage = new Map<string, number>();
    for (const [path, { bytesInOutput }] of Object.entries(inputs)) {
      const m = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(path);
      const key = m?.[1] ?? relative(REPO_ROOT, path).split('/').slice(0, 2).join('/');
      byPackage.set(key, (byPackage.get(key) ?? 0) + bytesInOutput);
    }
    const heaviest = [...byPackage]
      .sort((a, b) => b[1] - a[1])
      .slice(0, 3)
      .map(([k, b]) => `${k} ${Math.round(b / 1024)}`)
      .join(', ');
    const times: number[] = [];
    for (let i = 0; i < runs; i++) {
      times.push(Number(execFileSync(process.execPath, ['--input-type=module', '-e', INIT, outfile], { env, encoding: 'utf8' })));
    }
    rows.push({ fn, kib: statSync(outfile).size / 1024, initMs: median(times), heaviest });
  }
} finally {
  rmSync(out, { recursive: true, force: true });
}

console.log(`cold start per function: bundle minified (KiB), module init median of ${runs} (ms), Node ${process.version}`);
console.log(`${'function'.padEnd(24)} ${'KiB'.padStart(6)} ${'init ms'.padStart(8)}  heaviest inputs (KiB)`);
for (const r of rows) console.log(`${r.fn.padEnd(24)} ${r.kib.toFixed(0).padStart(6)} ${r.initMs.toFixed(1).padStart(8)}  ${r.heaviest}`);
const all = rows.map((r) => r.kib);
console.log(`median ${median(all).toFixed(0)} KiB, largest ${Math.max(...all).toFixed(0)} KiB; median init ${median(rows.map((r) => r.initMs)).toFixed(1)} ms`);
if (args.json) writeFileSync(args.json, `${JSON.stringify(rows, null, 2)}\n`);
