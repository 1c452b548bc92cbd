import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { APPLICATION_TYPES } from './index';

/**
 * "No use case, entity, view or page branches on a type name": the spine asks the programme
 * registry instead. This test reads every source file the product ships (handlers, use cases,
 * store, events, infrastructure, the local stack and its pages) and finds application-type names
 * written as string literals. Only the programme modules (this folder) and the demo seed may name
 * a programme; tests may too, since they exercise one.
 */
const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
const SOURCE_ROOTS = ['functions/src', 'packages/domain/src', 'packages/store/src', 'packages/matching/src', 'packages/local/src', 'packages/local/public', 'events/src', 'infra/src', 'scripts'];
const ALLOWED = [/^packages\/domain\/src\/programmes\//, /^packages\/local\/src\/seed\.ts$/];

function sourceFiles(dir: string): string[] {
  return readdirSync(join(ROOT, dir)).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(join(ROOT, path)).isDirectory()) return name === 'node_modules' ? [] : sourceFiles(path);
    return /\.(ts|js|html)$/.test(name) && !/\.test\.ts$/.test(name) ? [path] : [];
  });
}

/** Quoted type names, e.g. 'meal' or "home-visit" (a word inside a longer string does not count). */
const literal = new RegExp(`(['"\`])(${APPLICATION_TYPES.map((t) => t.replace('-', '\\-')).join('|')})\\1`);

describe('programme names in source code', () => {
  it('appear as literals only in the programme modules and the demo seed', () => {
    // Act
    const offenders = SOURCE_ROOTS.flatMap(sourceFiles)
      .map((path) => relative(ROOT, join(ROOT, path)))
      .filter((path) => !ALLOWED.some((a) => a.test(path)))
      .flatMap((path) =>
        readFileSync(join(ROOT, path), 'utf8')
          .split('\n')
          .flatMap((line, i) => (literal.test(line) ? [`${path}:${i + 1}: ${line.trim()}`] : [])),
      );

    // Assess
    expect(offenders).toEqual([]);
  });

  it('would catch one (the pattern is not vacuous)', () => {
    expect(literal.test(`if (app.type === 'meal') {`)).toBe(true);
    expect(literal.test(`const t = "home-visit";`)).toBe(true);
    expect(literal.test(`'meal-subsidy/2026.1'`)).toBe(false);
  });
});
