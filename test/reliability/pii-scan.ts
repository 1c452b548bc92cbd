/**
 * A scanner of log lines for personal data (issue 12, "no PII in logs"): resident ID numbers,
 * mobile numbers, house numbers of street addresses, a home's coordinates, and the names of the
 * people a test's fixtures used. Masked forms (`[ID]`, `[PHONE]`, `[REDACTED]`, `王*英`) pass.
 */

export type FindingKind = 'id-number' | 'mobile' | 'house-number' | 'coordinates' | 'name' | 'fixture-text';

export interface Finding {
  kind: FindingKind;
  match: string;
  line: string;
}

export interface Fixtures {
  /** Names of applicants and subjects. */
  names: readonly string[];
  /** Home coordinates as they would print (for example "32.10517"). */
  coordinates: readonly string[];
  /** Other literal strings that must never appear: address lines, ID numbers, phones. */
  literals: readonly string[];
}

// Not inside a longer run of letters or digits (a UUID's last group has 12 characters, an epoch-ms
// timestamp 13 digits: neither can hold one of these on its own).
const ID_NUMBER = /(?<![0-9A-Za-z])\d{17}[\dXx](?![0-9A-Za-z])/g;
const MOBILE = /(?<![0-9A-Za-z])1[3-9]\d{9}(?![0-9A-Za-z])/g;
/** 12号, 3栋, 2幢, 1单元, 201室, 5号楼: the part of an address that finds a door. */
const HOUSE_NUMBER = /\d+\s*(?:号楼|号院|号|栋|幢|单元|室)/g;

const literals = new Map<string, RegExp>();
/** A literal on its own: a phone number inside a longer id is not that phone number. */
function literal(text: string): RegExp {
  let re = literals.get(text);
  if (!re) {
    re = new RegExp(`(?<![0-9A-Za-z])${text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?![0-9A-Za-z])`);
    literals.set(text, re);
  }
  return re;
}

export function scanLine(line: string, fixtures: Fixtures): Finding[] {
  const found: Finding[] = [];
  const add = (kind: FindingKind, match: string) => found.push({ kind, match, line });
  for (const m of line.matchAll(ID_NUMBER)) add('id-number', m[0]);
  for (const m of line.matchAll(MOBILE)) add('mobile', m[0]);
  for (const m of line.matchAll(HOUSE_NUMBER)) add('house-number', m[0]);
  for (const c of fixtures.coordinates) if (line.includes(c)) add('coordinates', c);
  for (const n of fixtures.names) if (line.includes(n)) add('name', n);
  for (const l of fixtures.literals) if (literal(l).test(line)) add('fixture-text', l);
  return found;
}

/** Every write to stdout and stderr and every console call, as lines, until `stop()`. */
export function captureOutput(): { lines: string[]; stop(): void } {
  const lines: string[] = [];
  let partial = { out: '', err: '' };
  const take = (which: 'out' | 'err', chunk: unknown) => {
    const text = partial[which] + (typeof chunk === 'string' ? chunk : Buffer.isBuffer(chunk) ? chunk.toString('utf8') : String(chunk));
    const parts = text.split('\n');
    partial = { ...partial, [which]: parts.pop() ?? '' };
    for (const p of parts) if (p.trim()) lines.push(p);
  };
  const stdoutWrite = process.stdout.write;
  const stderrWrite = process.stderr.write;
  const patch = (stream: NodeJS.WriteStream, which: 'out' | 'err') => {
    stream.write = ((chunk: unknown, ...rest: unknown[]) => {
      take(which, chunk);
      const cb = rest.find((r) => typeof r === 'function') as (() => void) | undefined;
      cb?.();
      return true;
    }) as NodeJS.WriteStream['write'];
  };
  patch(process.stdout, 'out');
  patch(process.stderr, 'err');
  const methods = ['log', 'info', 'warn', 'error', 'debug', 'trace'] as const;
  const saved = methods.map((m) => [m, console[m]] as const);
  for (const m of methods) {
    console[m] = (...args: unknown[]) => {
      for (const l of args.map((a) => (typeof a === 'string' ? a : a instanceof Error ? `${a.message}\n${a.stack}` : JSON.stringify(a))).join(' ').split('\n')) {
        if (l.trim()) lines.push(l);
      }
    };
  }
  return {
    lines,
    stop() {
      process.stdout.write = stdoutWrite;
      process.stderr.write = stderrWrite;
      for (const [m, f] of saved) console[m] = f;
      for (const p of [partial.out, partial.err]) if (p.trim()) lines.push(p);
    },
  };
}
