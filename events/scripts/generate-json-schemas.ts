/**
 * Writes one JSON Schema per published event to events/schemas/<DetailType>.v<version>.json, so
 * teams that do not read TypeScript (and the schema registry) get the contract, and so a change to
 * the catalogue shows up in review as a change to a committed file.
 *
 *   npm run schemas             regenerate the files
 *   npm run schemas -- --check  exit 1, listing the files that differ, without writing (for CI)
 *
 * The compatibility test (events/src/catalogue.test.ts) compares what this renders with the
 * committed files, so the rendering functions are exported and the script only runs when invoked.
 */

import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { publishedJsonSchema } from '@huimin/domain';
import { z } from 'zod';
import { EVENT_CATALOGUE, EVENT_SOURCE, type EventDefinition } from '../src/index';

export const SCHEMAS_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../schemas');

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

export function schemaFileName(def: Pick<EventDefinition, 'detailType' | 'version'>): string {
  return `${def.detailType}.v${def.version}.json`;
}

/** Recursively sorted keys, so the bytes depend on the schema, not on zod's or the author's key order. */
function canonical(value: unknown): Json {
  if (Array.isArray(value)) return value.map(canonical);
  if (value !== null && typeof value === 'object') {
    const out: { [key: string]: Json } = {};
    for (const key of Object.keys(value).sort()) out[key] = canonical((value as Record<string, unknown>)[key]);
    return out;
  }
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' || value === null) return value;
  throw new TypeError(`Cannot write ${typeof value} to JSON`);
}

export function renderSchema(def: EventDefinition): Record<string, Json> {
  const generated = publishedJsonSchema(def.detail, 'output');
  const { $schema, ...body } = canonical(generated) as Record<string, Json>;
  // Header first, in a fixed order, because it is what a reader looks for; the body is sorted.
  return {
    $schema: $schema ?? 'https://json-schema.org/draft/2020-12/schema',
    $id: `urn:${EVENT_SOURCE}:event:${def.detailType}:v${def.version}`,
    title: def.detailType,
    description: def.description,
    'x-source': EVENT_SOURCE,
    'x-detail-type': def.detailType,
    'x-version': def.version,
    ...body,
    examples: [canonical(def.example)],
  };
}

export function renderSchemaFile(def: EventDefinition): string {
  return `${JSON.stringify(renderSchema(def), null, 2)}\n`;
}

/** File name → content for the whole catalogue; throws if two definitions would share a file. */
export function renderCatalogue(catalogue: readonly EventDefinition[] = EVENT_CATALOGUE): Map<string, string> {
  const files = new Map<string, string>();
  for (const def of catalogue) {
    const name = schemaFileName(def);
    if (files.has(name)) throw new Error(`Two catalogue entries would both write ${name}`);
    files.set(name, renderSchemaFile(def));
  }
  return files;
}

function readIfPresent(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

function committedFileNames(dir: string): string[] {
  try {
    return readdirSync(dir).filter((f) => f.endsWith('.json'));
  } catch {
    return [];
  }
}

function main(argv: readonly string[]): number {
  const check = argv.includes('--check');
  const files = renderCatalogue();
  const differing: string[] = [];
  for (const [name, content] of files) {
    if (readIfPresent(join(SCHEMAS_DIR, name)) !== content) differing.push(name);
  }
  // A committed schema with no definition behind it means a published event version was dropped,
  // which consumers feel as a breaking change; it is reported, never deleted silently.
  const orphans = committedFileNames(SCHEMAS_DIR).filter((f) => !files.has(f));

  if (check) {
    for (const name of differing) console.error(`out of date: events/schemas/${name}`);
    for (const name of orphans) console.error(`not in the catalogue: events/schemas/${name}`);
    if (differing.length > 0 || orphans.length > 0) {
      console.error('Run `npm run schemas`, review the diff, and commit the result.');
      return 1;
    }
    console.log(`events/schemas: ${files.size} schemas up to date`);
    return 0;
  }

  mkdirSync(SCHEMAS_DIR, { recursive: true });
  for (const name of differing) writeFileSync(join(SCHEMAS_DIR, name), files.get(name)!);
  for (const name of orphans) console.warn(`warning: events/schemas/${name} is not in the catalogue; left in place`);
  console.log(`events/schemas: wrote ${differing.length} of ${files.size} schemas`);
  return 0;
}

const invokedDirectly = process.argv[1] !== undefined && import.meta.url === pathToFileURL(resolve(process.argv[1])).href;
if (invokedDirectly) process.exitCode = main(process.argv.slice(2));
