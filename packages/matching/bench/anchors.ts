/**
 * Native anchors of the matching benchmark, each run in its own process on the same instance
 * files as ours:
 * - LEMON's NetworkSimplex and CostScaling (Debian `liblemon-dev`, header-only) through
 *   bench/lemon-driver.cpp, compiled here with g++ once per version of the driver into a cache
 *   folder under the system's temporary directory;
 * - native HiGHS through SciPy (`scipy.optimize.linprog(method="highs")`, Debian
 *   `python3-scipy`), bench/scipy-assign.py.
 * When a tool is missing, `findAnchors` says how to install it and the bench goes on without.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const benchDir = path.dirname(fileURLToPath(import.meta.url));
export const lemonSource = path.join(benchDir, 'lemon-driver.cpp');
export const scipyAssignScript = path.join(benchDir, 'scipy-assign.py');

export interface Anchors {
  /** The compiled LEMON driver, or undefined. */
  lemon?: string;
  /** A python3 that imports scipy and numpy (Debian's /usr/bin/python3 first), or undefined. */
  python?: string;
  /** One line per missing tool: what is missing and how to install it. */
  missing: string[];
  /** What was found, for the header. */
  found: string[];
}

const LEMON_HEADER = '/usr/include/lemon/network_simplex.h';

/** Compiles the LEMON driver if needed; returns its path or why not. */
function buildLemon(): { path?: string; why?: string } {
  if (!existsSync(LEMON_HEADER)) return { why: 'LEMON is not installed (apt-get install -y liblemon-dev g++)' };
  const gpp = spawnSync('g++', ['--version'], { stdio: 'ignore' });
  if (gpp.status !== 0) return { why: 'g++ is not installed (apt-get install -y g++ liblemon-dev)' };
  const source = readFileSync(lemonSource);
  const hash = createHash('sha256').update(source).digest('hex').slice(0, 12);
  const dir = path.join(os.tmpdir(), 'huimin-bench-lemon');
  const binary = path.join(dir, `lemon-driver-${hash}`);
  if (existsSync(binary)) return { path: binary };
  mkdirSync(dir, { recursive: true });
  const partial = `${binary}.${process.pid}.tmp`;
  const build = spawnSync('g++', ['-O2', '-std=c++14', '-o', partial, lemonSource], { encoding: 'utf8' });
  if (build.status !== 0) return { why: `g++ could not build bench/lemon-driver.cpp: ${(build.stderr ?? '').split('\n').slice(0, 3).join(' ')}` };
  renameSync(partial, binary);
  return { path: binary };
}

function findPython(): string | undefined {
  for (const candidate of ['/usr/bin/python3', 'python3']) {
    const probe = spawnSync(candidate, ['-c', 'import scipy, numpy'], { stdio: 'ignore' });
    if (probe.status === 0) return candidate;
  }
  return undefined;
}

export function findAnchors(): Anchors {
  const missing: string[] = [];
  const found: string[] = [];
  const t0 = performance.now();
  const lemon = buildLemon();
  if (lemon.path !== undefined) found.push(`LEMON driver ${path.basename(lemon.path)} (built or cached in ${Math.round(performance.now() - t0)} ms)`);
  else missing.push(`lemon-ns, lemon-cs skipped: ${lemon.why}`);
  const python = findPython();
  if (python !== undefined) {
    const version = spawnSync(python, ['-c', 'import scipy; print(scipy.__version__)'], { encoding: 'utf8' }).stdout.trim();
    found.push(`native HiGHS via ${python} (scipy ${version})`);
  } else missing.push('scipy-highs skipped: python3 cannot import scipy (apt-get install -y python3-scipy)');
  return { lemon: lemon.path, python, missing, found };
}
