import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { renderCatalogue, renderSchema, SCHEMAS_DIR, schemaFileName } from '../scripts/generate-json-schemas';
import { AllocationRoundRequested, ApplicationSubmitted, CapacityDeclared, defineEvent, EVENT_CATALOGUE, EVENT_SOURCE, findEventDefinition, SettlementApproved, VisitRecorded } from './index';

/**
 * Backward-compatibility check between a published JSON Schema and its successor at the same
 * detail-type and version (STYLE.md #11). A consumer written against `published` must still read
 * what `next` allows, and events already on the bus must still satisfy `next`, so:
 * no property removed, no property newly required, no type changed, no enum value dropped.
 * Only the keywords the catalogue uses are compared (properties, required, type, enum, items).
 * Returns one line per break, each with a JSON-path-like location; empty means compatible.
 */
function breakingChanges(published: unknown, next: unknown, at = '$'): string[] {
  if (!isSchema(published)) return [];
  if (!isSchema(next)) return [`${at}: is no longer a schema`];
  const breaks: string[] = [];

  const oldTypes = typesOf(published);
  const newTypes = typesOf(next);
  if (oldTypes && newTypes) {
    // An integer still satisfies a schema widened to number; anything else lost is a change of type.
    const lost = oldTypes.filter((t) => !newTypes.includes(t) && !(t === 'integer' && newTypes.includes('number')));
    if (lost.length > 0) breaks.push(`${at}: type changed from ${oldTypes.join('|')} to ${newTypes.join('|')}`);
  }

  if (Array.isArray(next.enum)) {
    if (!Array.isArray(published.enum)) {
      breaks.push(`${at}: now restricted to an enum`);
    } else {
      const kept = new Set(next.enum.map((v) => JSON.stringify(v)));
      const dropped = published.enum.filter((v) => !kept.has(JSON.stringify(v)));
      if (dropped.length > 0) breaks.push(`${at}: enum no longer allows ${dropped.map((v) => JSON.stringify(v)).join(', ')}`);
    }
  }

  const oldProps = isSchema(published.properties) ? published.properties : {};
  const newProps = isSchema(next.properties) ? next.properties : {};
  for (const [name, schema] of Object.entries(oldProps)) {
    if (!Object.hasOwn(newProps, name)) breaks.push(`${at}.${name}: property removed`);
    else breaks.push(...breakingChanges(schema, newProps[name], `${at}.${name}`));
  }

  const oldRequired = new Set(stringsOf(published.required));
  for (const name of stringsOf(next.required)) {
    if (!oldRequired.has(name)) {
      breaks.push(`${at}.${name}: ${Object.hasOwn(oldProps, name) ? 'optional property made required' : 'new required property'}`);
    }
  }

  if (published.items !== undefined) breaks.push(...breakingChanges(published.items, next.items ?? {}, `${at}[]`));
  return breaks;
}

type Schema = { [key: string]: unknown };
const isSchema = (v: unknown): v is Schema => typeof v === 'object' && v !== null && !Array.isArray(v);
const stringsOf = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);
function typesOf(s: Schema): string[] | undefined {
  if (typeof s.type === 'string') return [s.type];
  return Array.isArray(s.type) ? stringsOf(s.type) : undefined;
}

/** The committed schema files, read once: what consumers were promised. */
const committed = readdirSync(SCHEMAS_DIR)
  .filter((f) => f.endsWith('.json'))
  .sort()
  .map((file) => {
    const text = readFileSync(join(SCHEMAS_DIR, file), 'utf8');
    return { file, text, schema: JSON.parse(text) as Schema };
  });

const rendered = renderCatalogue();

describe('the event catalogue', () => {
  it.each(EVENT_CATALOGUE.map((d) => [d.detailType, d] as const))('%s: its example parses with its own detail schema', (_t, def) => {
    // Act
    const result = def.detail.safeParse(def.example);

    // Assess
    expect(result.error?.issues ?? []).toEqual([]);
    expect(def.example.metadata.schemaVersion).toBe(def.version);
  });

  it('has unique detail-types, PascalCase and in the past tense', () => {
    // Prepare
    const types = EVENT_CATALOGUE.map((d) => d.detailType);

    // Act
    const badlyNamed = types.filter((t) => !/^(?:[A-Z][a-z0-9]+)+ed$/.test(t));

    // Assess
    expect(new Set(types).size).toBe(types.length);
    expect(badlyNamed).toEqual([]);
  });

  it("carries the application's status in every event but CapacityDeclared, AllocationRoundRequested, VisitRecorded and SettlementApproved, whose subjects are a provider, a round, a visit and a statement", () => {
    // Act
    const without = EVENT_CATALOGUE.filter((d) => !Object.hasOwn(d.data.shape, 'applicationStatus')).map((d) => d.detailType);

    // Assess
    expect(without).toEqual([CapacityDeclared.detailType, AllocationRoundRequested.detailType, VisitRecorded.detailType, SettlementApproved.detailType]);
  });

  it('finds each definition by its detail-type, and nothing for an unknown one', () => {
    // Act
    const found = EVENT_CATALOGUE.map((d) => findEventDefinition(d.detailType));

    // Assess
    expect(found).toEqual([...EVENT_CATALOGUE]);
    expect(findEventDefinition('ApplicationTeleported')).toBeUndefined();
  });

  it('refuses a detail without metadata, so no event reaches the bus untraceable', () => {
    // Prepare
    const { data } = ApplicationSubmitted.example;

    // Act
    const result = ApplicationSubmitted.detail.safeParse({ data });

    // Assess
    expect(result.success).toBe(false);
  });
});

describe('the generated JSON Schemas', () => {
  it.each(EVENT_CATALOGUE.map((d) => [schemaFileName(d), d] as const))('%s carries the event’s identity', (_f, def) => {
    // Act
    const schema = renderSchema(def);

    // Assess
    expect(schema).toMatchObject({
      $schema: 'https://json-schema.org/draft/2020-12/schema',
      title: def.detailType,
      description: def.description,
      'x-source': EVENT_SOURCE,
      'x-detail-type': def.detailType,
      'x-version': def.version,
      examples: [def.example],
    });
    expect(schema.$id).toEqual(expect.stringContaining(`${def.detailType}:v${def.version}`));
  });

  it('leaves objects open, so adding an optional field does not break a validating consumer', () => {
    // Act
    const text = [...rendered.values()].join('\n');

    // Assess
    expect(text).not.toContain('"additionalProperties": false');
  });

  it('renders the same bytes every time', () => {
    // Act
    const again = renderCatalogue();

    // Assess
    expect([...again.entries()]).toEqual([...rendered.entries()]);
  });
});

describe('compatibility with the committed schemas (STYLE.md #11)', () => {
  it('has a committed schema for every catalogue entry (run `npm run schemas`)', () => {
    // Act
    const missing = [...rendered.keys()].filter((f) => !committed.some((c) => c.file === f));

    // Assess
    expect(missing).toEqual([]);
  });

  it.each(committed.map((c) => [c.file, c] as const))('%s is still produced, compatibly and byte for byte', (file, { text, schema }) => {
    // Prepare: a committed version with no definition behind it was dropped from the catalogue,
    // which consumers feel as a breaking change (a new version goes beside the old one instead).
    const current = rendered.get(file);
    expect(current, `${file} is no longer produced by the catalogue`).toBeDefined();
    const now = JSON.parse(current ?? '{}') as Schema;

    // Act
    const breaks = breakingChanges(schema, now);

    // Assess: compatible first, so a break is reported as such rather than as a mere diff; then
    // identical, so even a compatible change is regenerated and reviewed.
    expect(breaks, `${file} would change incompatibly: publish a new version beside it instead`).toEqual([]);
    expect(current, `${file} is out of date: run \`npm run schemas\` and review the diff`).toBe(text);
  });

  it('flags a field removed from a real event (the checker against the committed ApplicationSubmitted)', () => {
    // Prepare: the same detail-type and version, without `district`.
    const published = committed.find((c) => c.file === schemaFileName(ApplicationSubmitted));
    const changed = defineEvent({
      detailType: ApplicationSubmitted.detailType,
      version: ApplicationSubmitted.version,
      description: ApplicationSubmitted.description,
      data: ApplicationSubmitted.data.omit({ district: true }),
      exampleData: { applicationId: 'a1', type: 'meal', applicationStatus: 'SUBMITTED' },
    });

    // Act
    const breaks = breakingChanges(published?.schema, renderSchema(changed));

    // Assess
    expect(published).toBeDefined();
    expect(breaks).toEqual(['$.data.district: property removed']);
  });

  it('accepts a new optional field on a real event', () => {
    // Prepare
    const published = committed.find((c) => c.file === schemaFileName(ApplicationSubmitted));
    const changed = defineEvent({
      detailType: ApplicationSubmitted.detailType,
      version: ApplicationSubmitted.version,
      description: ApplicationSubmitted.description,
      data: ApplicationSubmitted.data.extend({ channel: z.enum(['web', 'hotline']).optional() }),
      exampleData: { applicationId: 'a1', type: 'meal', district: '320113', applicationStatus: 'SUBMITTED' },
    });

    // Act
    const breaks = breakingChanges(published?.schema, renderSchema(changed));

    // Assess
    expect(published).toBeDefined();
    expect(breaks).toEqual([]);
  });
});

describe('breakingChanges', () => {
  const person = {
    type: 'object',
    properties: {
      name: { type: 'string' },
      age: { type: 'integer' },
      role: { type: 'string', enum: ['child', 'self'] },
      tags: { type: 'array', items: { type: 'object', properties: { label: { type: 'string' } }, required: ['label'] } },
    },
    required: ['name'],
  };
  const withProps = (props: Schema, required: string[] = ['name']) => ({
    ...person,
    properties: { ...person.properties, ...props },
    required,
  });

  it('finds nothing between a schema and itself', () => {
    // Act
    const breaks = breakingChanges(person, structuredClone(person));

    // Assess
    expect(breaks).toEqual([]);
  });

  it('flags a removed property', () => {
    // Prepare
    const { age: _removed, ...rest } = person.properties;
    const next = { ...person, properties: rest };

    // Act
    const breaks = breakingChanges(person, next);

    // Assess
    expect(breaks).toEqual(['$.age: property removed']);
  });

  it('flags a new required property', () => {
    // Prepare
    const next = withProps({ district: { type: 'string' } }, ['name', 'district']);

    // Act
    const breaks = breakingChanges(person, next);

    // Assess
    expect(breaks).toEqual(['$.district: new required property']);
  });

  it('flags an optional property made required', () => {
    // Prepare
    const next = withProps({}, ['name', 'age']);

    // Act
    const breaks = breakingChanges(person, next);

    // Assess
    expect(breaks).toEqual(['$.age: optional property made required']);
  });

  it('does not flag a new optional property', () => {
    // Prepare
    const next = withProps({ district: { type: 'string' } });

    // Act
    const breaks = breakingChanges(person, next);

    // Assess
    expect(breaks).toEqual([]);
  });

  it('does not flag a required property made optional', () => {
    // Prepare
    const next = withProps({}, []);

    // Act
    const breaks = breakingChanges(person, next);

    // Assess
    expect(breaks).toEqual([]);
  });

  it('flags a changed type but not integer widened to number', () => {
    // Prepare
    const asString = withProps({ age: { type: 'string' } });
    const toNumber = withProps({ age: { type: 'number' } });

    // Act
    const breaks = [breakingChanges(person, asString), breakingChanges(person, toNumber)];

    // Assess
    expect(breaks).toEqual([['$.age: type changed from integer to string'], []]);
  });

  it('flags a narrowed enum and a newly imposed one, not a widened one', () => {
    // Prepare
    const narrowed = withProps({ role: { type: 'string', enum: ['self'] } });
    const widened = withProps({ role: { type: 'string', enum: ['child', 'self', 'spouse'] } });
    const imposed = withProps({ name: { type: 'string', enum: ['王芳'] } });

    // Act
    const breaks = [breakingChanges(person, narrowed), breakingChanges(person, widened), breakingChanges(person, imposed)];

    // Assess
    expect(breaks).toEqual([['$.role: enum no longer allows "child"'], [], ['$.name: now restricted to an enum']]);
  });

  it('looks inside array items', () => {
    // Prepare
    const next = withProps({ tags: { type: 'array', items: { type: 'object', properties: {}, required: [] } } });

    // Act
    const breaks = breakingChanges(person, next);

    // Assess
    expect(breaks).toEqual(['$.tags[].label: property removed']);
  });
});
