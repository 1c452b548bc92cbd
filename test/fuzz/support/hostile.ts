import fc from 'fast-check';

/**
 * Hostile inputs: JSON values and texts, ids, page tokens, query values and headers, each with a
 * short label saying what is odd about it (the labels group failures and make reproductions readable).
 */
export interface Labelled<T> {
  value: T;
  label: string;
}

/** A JSON text fragment written as is (numbers JSON.stringify cannot write, deep nesting, NaN). */
export class RawJson {
  constructor(readonly text: string) {}
}

/** An object written with these entries in order: duplicate keys and `__proto__` as an own key. */
export class JsonEntries {
  constructor(readonly entries: readonly (readonly [string, unknown])[]) {}
}

/** JSON text of a value that may hold RawJson and JsonEntries parts. */
export function toJsonText(v: unknown): string {
  if (v instanceof RawJson) return v.text;
  if (v instanceof JsonEntries) return `{${v.entries.map(([k, x]) => `${JSON.stringify(k)}:${toJsonText(x)}`).join(',')}}`;
  if (Array.isArray(v)) return `[${v.map((x) => (x === undefined ? 'null' : toJsonText(x))).join(',')}]`;
  if (v !== null && typeof v === 'object') {
    const parts: string[] = [];
    for (const k of Object.keys(v)) {
      const x = (v as Record<string, unknown>)[k];
      if (x !== undefined) parts.push(`${JSON.stringify(k)}:${toJsonText(x)}`);
    }
    return `{${parts.join(',')}}`;
  }
  return JSON.stringify(v) ?? 'null';
}

/** The marker a prototype-pollution attempt sets; the test checks Object.prototype never gets it. */
export const POLLUTION_MARKER = 'fuzzPolluted';

const l = <T>(value: T, label: string): Labelled<T> => ({ value, label });
const oneOfLabelled = <T>(...items: Labelled<T>[]) => fc.constantFrom(...items);

const nested = (depth: number, open: string, close: string) => new RawJson(open.repeat(depth) + close.repeat(depth));

/** A value that replaces one field: wrong types, extremes, NaN-ish, odd text, nesting, prototype keys. */
export const hostileValue: fc.Arbitrary<Labelled<unknown>> = fc.oneof(
  // wrong type
  oneOfLabelled<unknown>(
    l(null, 'null'),
    l(true, 'boolean'),
    l(0, 'zero'),
    l(1, 'number 1'),
    l('', 'empty string'),
    l(' ', 'blank string'),
    l([], 'empty array'),
    l({}, 'empty object'),
    l('x', 'short string'),
    l(['x'], 'array of string'),
    l({ value: 'x' }, 'wrapped object'),
  ),
  // negative and extreme numbers
  oneOfLabelled<unknown>(
    l(-1, 'negative'),
    l(-999_999, 'large negative'),
    l(-1e308, '-1e308'),
    l(new RawJson('-0'), 'negative zero'),
    l(Number.MIN_SAFE_INTEGER, 'MIN_SAFE_INTEGER'),
    l(1e308, '1e308'),
    l(new RawJson('9007199254740993'), 'beyond MAX_SAFE_INTEGER'),
    l(new RawJson('1e400'), '1e400 (parses to Infinity)'),
    l(new RawJson('-1e400'), '-1e400 (parses to -Infinity)'),
    l(new RawJson('123456789012345678901234567890'), '30-digit integer'),
    l(0.1 + 0.2, '0.30000000000000004'),
    l(1.005, '1.005'),
    l(5e-324, 'smallest double'),
  ),
  // NaN-ish and numbers as text
  oneOfLabelled<unknown>(
    l('NaN', '"NaN"'),
    l('Infinity', '"Infinity"'),
    l('-Infinity', '"-Infinity"'),
    l('1e400', '"1e400"'),
    l('0x1F', '"0x1F"'),
    l(' 5 ', '" 5 "'),
    l('5', '"5"'),
    l('３２０１１３', 'full-width digits'),
    l(new RawJson('NaN'), 'bare NaN (invalid JSON)'),
  ),
  // huge strings (64 KiB is the body limit)
  fc.constantFrom(501, 2_001, 10_000, 70_000).map((n) => l<unknown>('a'.repeat(n), `string of ${n} chars`)),
  fc.constant(l<unknown>('王'.repeat(25_000), '25,000 Chinese characters (75 KB)')),
  // unicode and control characters
  fc.string({ unit: 'grapheme', minLength: 1, maxLength: 40 }).map((s) => l<unknown>(s, 'random graphemes')),
  fc.string({ unit: 'binary', minLength: 1, maxLength: 40 }).map((s) => l<unknown>(s, 'random code points')),
  oneOfLabelled<unknown>(
    l('\u0000', 'NUL'),
    l('a\u0000b', 'embedded NUL'),
    l('\ud800', 'lone high surrogate'),
    l('\udfff\ud800', 'reversed surrogates'),
    l('\u202eevil', 'right-to-left override'),
    l('\u200b', 'zero-width space'),
    l('\ufeff', 'byte-order mark'),
    l('👨‍👩‍👧‍👦', 'emoji family'),
    l('e\u0301'.repeat(20), 'combining marks'),
    l('\r\n\t', 'CR LF TAB'),
  ),
  // injection-looking text
  oneOfLabelled<unknown>(
    l("' OR '1'='1", 'SQL-ish'),
    l('{"$ne":null}', 'NoSQL-ish text'),
    l({ $ne: null }, 'NoSQL-ish object'),
    l('<script>alert(1)</script>', 'HTML'),
    l('../../etc/passwd', 'path traversal'),
    l('\u0024{7*7}{{7*7}}', 'template'),
    l('APP#x', 'key-prefix text'),
    l('OPENAPP#meal#', 'key-prefix text 2'),
    l('#', 'hash'),
  ),
  // dates
  oneOfLabelled<unknown>(
    l('2026-02-30', 'impossible date'),
    l('2026-13-01', 'month 13'),
    l('9999-12-31T23:59:59Z', 'far future'),
    l('0000-01-01T00:00:00Z', 'year zero'),
    l('2026-12-03T25:00:00Z', 'hour 25'),
    l(1_764_720_000_000, 'epoch millis'),
    l('1970-01-01', 'epoch day'),
  ),
  // nesting and size
  fc.constantFrom(50, 1_000, 5_000).map((d) => l<unknown>(nested(d, '[', ']'), `arrays nested ${d} deep`)),
  fc.constantFrom(50, 1_000).map((d) => l<unknown>(new RawJson(`${'{"a":'.repeat(d)}1${'}'.repeat(d)}`), `objects nested ${d} deep`)),
  fc.constantFrom(1_000, 10_000).map((n) => l<unknown>(new RawJson(`[${Array(n).fill('1').join(',')}]`), `array of ${n} numbers`)),
  fc.constant(l<unknown>(new RawJson(`[${Array(300).fill('{}').join(',')}]`), 'array of 300 objects')),
  // prototype keys
  oneOfLabelled<unknown>(
    l(new JsonEntries([['__proto__', { [POLLUTION_MARKER]: true }]]), '{"__proto__":{…}}'),
    l(new JsonEntries([['constructor', { prototype: { [POLLUTION_MARKER]: true } }]]), '{"constructor":{"prototype":{…}}}'),
    l(new JsonEntries([['__proto__', null]]), '{"__proto__":null}'),
  ),
);

const EXTRA_KEYS = [
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'hasOwnProperty',
  'valueOf',
  'id',
  'ownerSub',
  'status',
  'version',
  'pk',
  'sk',
  'gsi1pk',
  'district',
  'providerId',
  'filedBy',
  'role',
  'isAdmin',
  'amount',
  'reserved',
];

export const extraKey: fc.Arbitrary<string> = fc.oneof(fc.constantFrom(...EXTRA_KEYS), fc.string({ unit: 'grapheme', minLength: 1, maxLength: 12 }));

type PathKey = string | number;

function pathsOf(v: unknown, at: PathKey[] = [], out: PathKey[][] = []): PathKey[][] {
  out.push(at);
  if (Array.isArray(v)) {
    for (const [i, x] of v.entries()) pathsOf(x, [...at, i], out);
  }
  else if (v !== null && typeof v === 'object' && !(v instanceof RawJson) && !(v instanceof JsonEntries)) {
    for (const [k, x] of Object.entries(v)) pathsOf(x, [...at, k], out);
  }
  return out;
}

function structuredCopy(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(structuredCopy);
  if (v !== null && typeof v === 'object' && !(v instanceof RawJson) && !(v instanceof JsonEntries)) {
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, structuredCopy(x)]));
  }
  return v;
}

const dotted = (p: PathKey[]) => (p.length === 0 ? '(root)' : p.join('.'));

type Mutation =
  | { kind: 'set'; replacement: Labelled<unknown> }
  | { kind: 'delete' }
  | { kind: 'extra'; key: string; replacement: Labelled<unknown> }
  | { kind: 'duplicate'; replacement: Labelled<unknown> }
  | { kind: 'wrap' };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  { weight: 6, arbitrary: hostileValue.map((replacement) => ({ kind: 'set' as const, replacement })) },
  { weight: 1, arbitrary: fc.constant({ kind: 'delete' as const }) },
  { weight: 2, arbitrary: fc.record({ key: extraKey, replacement: hostileValue }).map((r) => ({ kind: 'extra' as const, ...r })) },
  { weight: 1, arbitrary: hostileValue.map((replacement) => ({ kind: 'duplicate' as const, replacement })) },
  { weight: 1, arbitrary: fc.constant({ kind: 'wrap' as const }) },
);

/** Applies one mutation at one path of a copy of `base`. */
function mutate(base: unknown, path: PathKey[], m: Mutation): Labelled<unknown> {
  const root = structuredCopy(base);
  const where = dotted(path);
  const parentPath = path.slice(0, -1);
  const last = path[path.length - 1];
  let parent: unknown = root;
  for (const k of parentPath) parent = (parent as Record<PathKey, unknown>)[k];
  const current = path.length === 0 ? root : (parent as Record<PathKey, unknown>)[last!];
  const replaceAt = (value: unknown): unknown => {
    if (path.length === 0) return value;
    (parent as Record<PathKey, unknown>)[last!] = value;
    return root;
  };
  switch (m.kind) {
    case 'set':
      return l(replaceAt(m.replacement.value), `${where} := ${m.replacement.label}`);
    case 'delete':
      if (path.length === 0) return l(undefined, 'no body');
      if (Array.isArray(parent)) parent.splice(last as number, 1);
      else delete (parent as Record<string, unknown>)[last as string];
      return l(root, `${where} deleted`);
    case 'wrap':
      return l(replaceAt([current]), `${where} wrapped in an array`);
    case 'extra':
    case 'duplicate': {
      const isObject = current !== null && typeof current === 'object' && !Array.isArray(current) && !(current instanceof RawJson) && !(current instanceof JsonEntries);
      if (!isObject) return l(replaceAt(m.replacement.value), `${where} := ${m.replacement.label}`);
      const entries = Object.entries(current as Record<string, unknown>);
      if (m.kind === 'extra') {
        return l(replaceAt(new JsonEntries([...entries, [m.key, m.replacement.value]])), `${where} + extra field ${JSON.stringify(m.key)} = ${m.replacement.label}`);
      }
      const first = entries[0];
      if (!first) return l(replaceAt(new JsonEntries([['__proto__', { [POLLUTION_MARKER]: true }]])), `${where} := {"__proto__":{…}}`);
      return l(replaceAt(new JsonEntries([...entries, [first[0], m.replacement.value]])), `${where} + duplicate key ${JSON.stringify(first[0])} = ${m.replacement.label}`);
    }
  }
}

/** A valid-looking value with exactly one field (or the whole) mutated. */
export function mutatedOnce(valid: fc.Arbitrary<unknown>): fc.Arbitrary<Labelled<unknown>> {
  return valid.chain((base) => {
    const paths = pathsOf(base);
    return fc.record({ i: fc.nat({ max: paths.length - 1 }), m: mutation }).map(({ i, m }) => mutate(base, paths[i]!, m));
  });
}

/** Texts that are not JSON, or not the JSON the route wants. */
export function invalidJsonText(validText: fc.Arbitrary<string>): fc.Arbitrary<Labelled<string>> {
  return fc.oneof(
    validText.chain((t) => fc.nat({ max: Math.max(0, t.length - 1) }).map((n) => l(t.slice(0, n), 'truncated JSON'))),
    validText.map((t) => l(`\ufeff${t}`, 'JSON after a byte-order mark')),
    validText.map((t) => l(`${t}}`, 'JSON with a trailing brace')),
    validText.map((t) => l(`${t}${t}`, 'two JSON texts')),
    validText.map((t) => l(t.replace(/"/g, "'"), 'single-quoted JSON')),
    oneOfLabelled(
      l('undefined', 'undefined'),
      l('{', 'lone brace'),
      l('{"a":1,}', 'trailing comma'),
      l('{a:1}', 'unquoted key'),
      l('"unterminated', 'unterminated string'),
      l('NaN', 'NaN'),
      l('\u0000', 'NUL'),
      l('[1,2', 'unterminated array'),
      l('{"a":"\\x41"}', 'bad escape'),
      l('{"a":"\\ud800"}', 'escaped lone surrogate'),
    ),
    fc.string({ unit: 'grapheme', minLength: 1, maxLength: 60 }).map((s) => l(s, 'random text')),
  );
}

/** JSON that parses but is not an object of the route's shape. */
export const randomJsonText: fc.Arbitrary<Labelled<string>> = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }).map((v) => l(JSON.stringify(v), 'random JSON')),
  oneOfLabelled(
    l('null', 'null'),
    l('[]', 'empty array'),
    l('""', 'empty string'),
    l('0', 'zero'),
    l('true', 'true'),
    l('"{}"', 'JSON string holding an object'),
    l('{"__proto__":{"fuzzPolluted":true}}', 'only __proto__'),
    l('{"constructor":{"prototype":{"fuzzPolluted":true}}}', 'only constructor.prototype'),
  ),
);

/** Path segments for an `{id}`: malformed and odd percent-encoding, very long, unicode, key-like. */
export const hostileId: fc.Arbitrary<Labelled<string>> = fc.oneof(
  oneOfLabelled(
    l('%ZZ', 'malformed percent-encoding %ZZ'),
    l('%', 'lone %'),
    l('%2', 'truncated %2'),
    l('a%G1', 'malformed %G1'),
    l('%E4%B8', 'truncated UTF-8'),
    l('%C0%AF', 'overlong UTF-8'),
    l('%FF%FE', 'invalid UTF-8 bytes'),
    l('%00', 'encoded NUL'),
    l('%2F', 'encoded slash'),
    l('%252F', 'double-encoded slash'),
    l('%2e%2e', 'encoded dot-dot'),
    l('%20', 'encoded space'),
    l('%E7%8E%8B%E8%8A%B3', 'encoded Chinese'),
    l('%F0%9F%98%80', 'encoded emoji'),
    l('__proto__', '__proto__'),
    l('constructor', 'constructor'),
    l('hasOwnProperty', 'hasOwnProperty'),
    l('APP%23x', 'encoded key prefix APP#x'),
    l('x%23y', 'encoded #'),
    l('null', 'null'),
    l('undefined', 'undefined'),
    l('-1', 'negative'),
    l('1e999', '1e999'),
    l("'", 'quote'),
    l('"', 'double quote'),
    l('*', 'star'),
    l('%2A', 'encoded star'),
    l(';x=1', 'matrix parameter'),
    l('\u00e9', 'raw Latin-1 byte'),
  ),
  fc.constantFrom(65, 300, 2_000, 6_000).map((n) => l('a'.repeat(n), `id of ${n} chars`)),
  fc.string({ unit: 'grapheme', minLength: 1, maxLength: 20 }).map((s) => l(encodeURIComponent(s), 'encoded random graphemes')),
  fc.stringMatching(/^[A-Za-z0-9-]{1,64}$/).map((s) => l(s, 'random id')),
  fc.stringMatching(/^(%[0-9A-Fa-f]{2}){1,12}$/).map((s) => l(s, 'random percent bytes')),
);

/** Query parameter values that a `limit`, `status` or other parameter should refuse. */
export const hostileQueryValue: fc.Arbitrary<Labelled<string>> = fc.oneof(
  oneOfLabelled(
    l('', 'empty'),
    l(' ', 'blank'),
    l('-1', '-1'),
    l('0', '0'),
    l('101', '101'),
    l('1000000', '1000000'),
    l('99999999999999999999999', 'huge number'),
    l('1e3', '1e3'),
    l('1.5', '1.5'),
    l('NaN', 'NaN'),
    l('Infinity', 'Infinity'),
    l('0x10', '0x10'),
    l('abc', 'abc'),
    l('１０', 'full-width 10'),
    l('%ZZ', 'malformed percent-encoding'),
    l('null', 'null'),
    l('[1]', '[1]'),
    l('__proto__', '__proto__'),
  ),
  fc.constant(l('x'.repeat(3_000), '3000-char value')),
  fc.string({ unit: 'grapheme', minLength: 1, maxLength: 20 }).map((s) => l(s, 'random graphemes')),
);

const b64url = (s: string) => Buffer.from(s, 'utf8').toString('base64url');

/** Page tokens the API did not issue (issued ones are added by the test from real list answers). */
export const forgedNextToken: fc.Arbitrary<Labelled<string>> = fc.oneof(
  oneOfLabelled(
    l(b64url('{"pk":"x"}'), 'base64url of {"pk":"x"}'),
    l(b64url('{"pk":"x","sk":"y"}'), 'base64url of {"pk":"x","sk":"y"}'),
    l(b64url('{"pk":"APP#x","sk":"APP#x","gsi1pk":"OWNER#x","gsi1sk":"x"}'), 'base64url of a made-up key'),
    l(b64url('{}'), 'base64url of {}'),
    l(b64url('[]'), 'base64url of []'),
    l(b64url('null'), 'base64url of null'),
    l(b64url('"x"'), 'base64url of a JSON string'),
    l(b64url('{"pk":1e400}'), 'base64url of {"pk":1e400}'),
    l(b64url('{"pk":123456789012345678901234567890}'), 'base64url of a key with a 30-digit number'),
    l(b64url('{"pk":{"S":"x"}}'), 'base64url of an attribute-value key'),
    l(b64url('{"pk":null}'), 'base64url of {"pk":null}'),
    l(b64url('{"__proto__":{"fuzzPolluted":true}}'), 'base64url of {"__proto__":…}'),
    l(b64url(`{"pk":"${'x'.repeat(1_400)}"}`), 'base64url of a 1400-char key'),
    l('9'.repeat(40), '40-digit number'),
    l('1e400', '1e400'),
    l('-1', '-1'),
    l('0', '0'),
    l('%ZZ', 'malformed percent-encoding'),
    l('x'.repeat(2_001), '2001 chars'),
  ),
  fc.stringMatching(/^[A-Za-z0-9_-]{1,120}$/).map((s) => l(s, 'random base64url')),
  fc.jsonValue({ maxDepth: 2 }).map((v) => l(b64url(JSON.stringify(v)), 'base64url of random JSON')),
  fc.string({ unit: 'grapheme', minLength: 1, maxLength: 20 }).map((s) => l(s, 'random graphemes')),
);

/**
 * Mangled copies of a page token the API issued. A token may be opaque (`payload.signature`, both
 * base64url) or a bare base64url key; the payload is edited either way and the rest kept.
 */
export function tamperedTokens(issued: string): Labelled<string>[] {
  const out: Labelled<string>[] = [
    l(`${issued}x`, 'issued token + x'),
    l(issued.slice(0, -2), 'issued token truncated'),
    l(issued.split('').reverse().join(''), 'issued token reversed'),
    l(`${issued}.x`, 'issued token + .x'),
  ];
  const [payload = '', ...rest] = issued.split('.');
  const withPayload = (p: string) => [p, ...rest].join('.');
  out.push(l(withPayload(b64url('{"pk":"x"}')), 'issued signature on the payload {"pk":"x"}'));
  try {
    const key: unknown = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
    if (key && typeof key === 'object' && !Array.isArray(key)) {
      const entries = Object.entries(key as Record<string, unknown>);
      const first = entries[0];
      if (first) {
        out.push(l(withPayload(b64url(JSON.stringify({ ...key, [first[0]]: `${String(first[1])}x` }))), `issued token with key ${first[0]} changed`));
        out.push(l(withPayload(b64url(`{${entries.map(([k]) => `${JSON.stringify(k)}:1e400`).join(',')}}`)), 'issued token with every key value 1e400'));
        out.push(l(withPayload(b64url(JSON.stringify(Object.fromEntries(entries.slice(1))))), `issued token without key ${first[0]}`));
        out.push(l(b64url(JSON.stringify(key)), 'issued key without its signature'));
      }
    }
  } catch {
    // Not JSON inside: the edits above are enough.
  }
  return out;
}

/** Content types for a body: JSON (usually), JSON-ish, and not JSON at all. */
export const contentType: fc.Arbitrary<Labelled<string | undefined>> = fc.oneof(
  { weight: 12, arbitrary: fc.constant(l<string | undefined>('application/json', 'application/json')) },
  {
    weight: 4,
    arbitrary: oneOfLabelled<string | undefined>(
      l('application/json; charset=utf-8', 'json; charset=utf-8'),
      l('APPLICATION/JSON', 'upper-case json'),
      l('application/vnd.huimin+json', 'vendor +json'),
      l('application/json; charset=latin1', 'json; charset=latin1'),
      l('text/plain', 'text/plain'),
      l('application/x-www-form-urlencoded', 'form-urlencoded'),
      l('multipart/form-data; boundary=x', 'multipart'),
      l('application/jsonx', 'application/jsonx'),
      l('application/json-seq', 'application/json-seq'),
      l('', 'empty content-type'),
      l(undefined, 'no content-type'),
    ),
  },
);

const headerName = fc.stringMatching(/^[a-z][a-z0-9-]{0,24}$/);
const headerValue = fc.oneof(
  fc.stringMatching(/^[\x21-\x7e]{0,60}$/),
  fc.string({ unit: fc.integer({ min: 0x80, max: 0xff }).map((c) => String.fromCharCode(c)), maxLength: 20 }),
  fc.constantFrom('x'.repeat(4_000), '', ' ', 'null', '../../', '%ZZ'),
);

/** Extra headers: garbage names and values, and real header names with odd values. */
export const garbageHeaders: fc.Arbitrary<Labelled<Record<string, string>>> = fc
  .array(
    fc.oneof(
      fc.tuple(headerName, headerValue),
      fc.tuple(
        fc.constantFrom(
          'x-forwarded-for',
          'x-request-id',
          'x-amzn-trace-id',
          'accept',
          'accept-language',
          'accept-encoding',
          'content-encoding',
          'cookie',
          'origin',
          'user-agent',
          'x-http-method-override',
          'x-api-key',
        ),
        headerValue,
      ),
    ),
    { minLength: 1, maxLength: 4 },
  )
  .map((pairs) => l(Object.fromEntries(pairs), `headers ${pairs.map(([k]) => k).join(',')}`));

/** Idempotency-Key values: a few reused keys (so one is replayed with another body), odd and long ones. */
export const idempotencyKey: fc.Arbitrary<Labelled<string>> = fc.oneof(
  fc.constantFrom('fuzz-key-1', 'fuzz-key-2', 'fuzz-key-3').map((k) => l(k, 'reused Idempotency-Key')),
  fc.uuid().map((k) => l(k, 'fresh Idempotency-Key')),
  oneOfLabelled(
    l('', 'empty Idempotency-Key'),
    l('k'.repeat(129), '129-char Idempotency-Key'),
    l('k'.repeat(2_000), '2000-char Idempotency-Key'),
    l('\u00e9\u00ff', 'Latin-1 Idempotency-Key'),
    l('a b', 'Idempotency-Key with a space'),
  ),
);
