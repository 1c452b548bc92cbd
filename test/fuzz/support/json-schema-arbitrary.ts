import fc from 'fast-check';

/**
 * The part of JSON Schema (2020-12) that the published OpenAPI document uses for request bodies,
 * query and path parameters (functions/src/public/openapi/document.ts builds it from the zod schemas).
 */
export interface JsonSchema {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean | JsonSchema;
  items?: JsonSchema;
  enum?: unknown[];
  const?: unknown;
  oneOf?: JsonSchema[];
  anyOf?: JsonSchema[];
  allOf?: JsonSchema[];
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  format?: string;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  minItems?: number;
  maxItems?: number;
  default?: unknown;
  description?: string;
}

/**
 * Values that a field of this name usually needs to pass the refinements a JSON Schema cannot say
 * (a known street, an ID number with its check character, a month near today). Keyed by property
 * name, not by route, so a new route with the same field names gets them without editing the test.
 */
export type FieldHints = (name: string, schema: JsonSchema) => fc.Arbitrary<unknown> | undefined;

const MAX_STRING = 24;

function stringArbitrary(s: JsonSchema): fc.Arbitrary<string> {
  const minLength = s.minLength ?? 0;
  const maxLength = Math.max(minLength, Math.min(s.maxLength ?? MAX_STRING, minLength + MAX_STRING));
  if (s.format === 'date-time') {
    return fc
      .date({ min: new Date('2026-01-01T00:00:00Z'), max: new Date('2027-12-31T00:00:00Z'), noInvalidDate: true })
      .map((d) => d.toISOString());
  }
  if (s.format === 'date') {
    return fc
      .date({ min: new Date('2026-01-01T00:00:00Z'), max: new Date('2027-12-31T00:00:00Z'), noInvalidDate: true })
      .map((d) => d.toISOString().slice(0, 10));
  }
  if (s.pattern) {
    return fc.stringMatching(new RegExp(s.pattern)).filter((v) => v.length >= minLength && v.length <= (s.maxLength ?? Number.POSITIVE_INFINITY));
  }
  // Names and notes are mostly Chinese; some Latin; never blank (fields are trimmed before min length).
  const text = fc.oneof(
    fc.string({ unit: fc.constantFrom(...'王李张刘陈杨赵黄周吴芳秀英明华丽娜一诺'), minLength: Math.max(1, minLength), maxLength }),
    fc.string({ unit: 'grapheme-ascii', minLength: Math.max(1, minLength), maxLength }),
  );
  return text.filter((v) => v.trim().length >= minLength && v.length <= maxLength);
}

function numberArbitrary(s: JsonSchema, integer: boolean): fc.Arbitrary<number> {
  const lowBound = s.minimum ?? (s.exclusiveMinimum !== undefined ? s.exclusiveMinimum : -1_000_000);
  const highBound = s.maximum ?? (s.exclusiveMaximum !== undefined ? s.exclusiveMaximum : 1_000_000);
  if (integer) {
    const min = Math.ceil(s.exclusiveMinimum !== undefined && s.minimum === undefined ? lowBound + 1 : lowBound);
    const max = Math.floor(s.exclusiveMaximum !== undefined && s.maximum === undefined ? highBound - 1 : highBound);
    return fc.integer({ min: Math.max(min, Number.MIN_SAFE_INTEGER), max: Math.min(max, Number.MAX_SAFE_INTEGER) });
  }
  // Two decimals at most: amounts in yuan must be whole fen; coordinates do not mind.
  return fc
    .integer({ min: Math.ceil(lowBound * 100), max: Math.floor(highBound * 100) })
    .map((n) => n / 100)
    .filter((n) => (s.exclusiveMinimum === undefined || n > s.exclusiveMinimum) && (s.exclusiveMaximum === undefined || n < s.exclusiveMaximum));
}

/**
 * A value that looks valid to the schema: the right types, enums, patterns and bounds, with the
 * hinted values where a field needs more than its schema says. Optional properties come and go.
 */
export function validLooking(schema: JsonSchema, hints: FieldHints, name = '', depth = 0): fc.Arbitrary<unknown> {
  const hinted = name ? hints(name, schema) : undefined;
  if (hinted) return hinted;
  if (depth > 8) return fc.constant(null);
  if ('const' in schema) return fc.constant(schema.const);
  if (schema.enum && schema.enum.length > 0) return fc.constantFrom(...schema.enum);
  const alternatives = schema.oneOf ?? schema.anyOf;
  if (alternatives && alternatives.length > 0) return fc.oneof(...alternatives.map((alt) => validLooking(alt, hints, name, depth + 1)));
  if (schema.allOf && schema.allOf.length > 0) {
    const merged: JsonSchema = { type: 'object', properties: {}, required: [] };
    for (const part of schema.allOf) {
      Object.assign(merged.properties!, part.properties ?? {});
      merged.required!.push(...(part.required ?? []));
    }
    return validLooking(merged, hints, name, depth + 1);
  }
  const type = Array.isArray(schema.type) ? (schema.type.find((t) => t !== 'null') ?? 'null') : schema.type;
  switch (type) {
    case 'object': {
      const props = schema.properties ?? {};
      const keys = Object.keys(props);
      if (keys.length === 0) return fc.constant({});
      const model: Record<string, fc.Arbitrary<unknown>> = {};
      for (const key of keys) model[key] = validLooking(props[key]!, hints, key, depth + 1);
      const required = (schema.required ?? []).filter((k) => keys.includes(k));
      return fc.record(model, { requiredKeys: required });
    }
    case 'array': {
      const minLength = schema.minItems ?? 0;
      const maxLength = Math.max(minLength, Math.min(schema.maxItems ?? 4, minLength + 3));
      return fc.array(validLooking(schema.items ?? {}, hints, '', depth + 1), { minLength, maxLength });
    }
    case 'string':
      return stringArbitrary(schema);
    case 'integer':
      return numberArbitrary(schema, true);
    case 'number':
      return numberArbitrary(schema, false);
    case 'boolean':
      return fc.boolean();
    case 'null':
      return fc.constant(null);
    default:
      return fc.jsonValue({ maxDepth: 2 });
  }
}
