import { createHash } from 'node:crypto';
import { Agent, request } from 'node:http';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { ERROR_CODES } from '@huimin/domain';
import { OUTBOX_PREFIX, WRITE_ACTIONS } from '@huimin/store';
import fc from 'fast-check';
import { buildOpenApiDocument } from '../../../functions/src/public/openapi/document';
import { FUNCTION_SPECS, type FunctionName, type FunctionSpec, type HttpMethod, type HttpRoute, ROLES, type Role, routeKeyOf } from '../../../functions/src/wiring';
import { localCredentials, localRegion } from '../../../packages/local/src/dynamo';
import type { LocalStack } from '../../../packages/local/src/stack';
import {
  contentType,
  forgedNextToken,
  garbageHeaders,
  hostileId,
  hostileQueryValue,
  idempotencyKey,
  invalidJsonText,
  type Labelled,
  mutatedOnce,
  POLLUTION_MARKER,
  randomJsonText,
  toJsonText,
} from './hostile';
import { type FieldHints, type JsonSchema, validLooking } from './json-schema-arbitrary';

// ---- routes, from the wiring table and the OpenAPI document built from the routes' zod schemas ----

export interface Param {
  name: string;
  schema: JsonSchema;
  required: boolean;
}

export interface Route {
  fn: FunctionName;
  key: string;
  method: HttpMethod;
  path: string;
  roles: readonly Role[] | 'public';
  /** The wiring says whether the function may write at all. */
  writes: boolean;
  pathParams: Param[];
  query: Param[];
  body: JsonSchema | undefined;
}

interface OpenApiOperation {
  parameters?: { name: string; in: string; required?: boolean; schema: JsonSchema }[];
  requestBody?: { content: Record<string, { schema: JsonSchema }> };
}

/**
 * Whether the wiring lets the function write: by its declared data access (write actions on any
 * entity), or the older `table: 'read' | 'readWrite'`. When it says neither, assume it may.
 */
function mayWrite(spec: FunctionSpec): boolean {
  const s = spec as unknown as { data?: Record<string, readonly string[] | undefined>; table?: string };
  if (s.data) return Object.values(s.data).some((actions) => (actions ?? []).some((a) => (WRITE_ACTIONS as readonly string[]).includes(a)));
  return s.table !== 'read';
}

/** Every HTTP route of the wiring, with its parameters and body schema as the OpenAPI document publishes them. */
export function routesFromWiring(): Route[] {
  const doc = buildOpenApiDocument() as unknown as { paths: Record<string, Record<string, OpenApiOperation>> };
  return FUNCTION_SPECS.flatMap(([fn, spec]: [FunctionName, FunctionSpec]) =>
    ((spec.http ?? []) as readonly HttpRoute[]).map((route) => {
      const op = doc.paths[route.path]?.[route.method.toLowerCase()];
      if (!op) throw new Error(`${routeKeyOf(route)} is in the wiring but not in the OpenAPI document`);
      const params = (op.parameters ?? []).map((p) => ({ where: p.in, name: p.name, schema: p.schema, required: p.required === true }));
      const templateParams = [...route.path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!);
      return {
        fn,
        key: routeKeyOf(route),
        method: route.method,
        path: route.path,
        roles: route.roles,
        writes: mayWrite(spec),
        pathParams: templateParams.map((name) => params.find((p) => p.where === 'path' && p.name === name) ?? { name, schema: { type: 'string' }, required: true }),
        query: params.filter((p) => p.where === 'query'),
        body: op.requestBody?.content['application/json']?.schema,
      };
    }),
  );
}

// ---- the world the cases draw from --------------------------------------------------------------

export type TokenKind = 'allowed' | 'odd-claims' | 'wrong-role' | 'bad-token' | 'public';

export interface FuzzWorld {
  stack: LocalStack;
  /** Valid tokens per role (several identities), and tokens of a role with unusual but signed claims. */
  tokens: Record<Role, Labelled<string>[]>;
  oddTokens: Record<Role, Labelled<string>[]>;
  /** Authorization header values that must be refused with 401 (none, forged, expired, malformed). */
  badAuthorization: Labelled<string | undefined>[];
  /** Ids the API answered with (applications, assignments, subsidies, providers, statements, rounds…), with what each names. */
  ids: (Labelled<string> & { kind: string })[];
  /** Page tokens the API issued, each labelled with the list and the identity it was issued to. */
  issuedTokens: Labelled<string>[];
  /** Mangled copies of issued tokens. */
  tamperedTokens: Labelled<string>[];
  hints: FieldHints;
  /** How the world was made, for the run's summary. */
  note: string;
}

export interface CaseSpec {
  /** The Authorization header; `role` when it carries a token signed by the stack's key. */
  auth: Labelled<string | undefined> & { kind: TokenKind; role?: Role };
  params: Record<string, Labelled<string>>;
  suffix: Labelled<string>;
  query: Labelled<string>;
  headers: Labelled<Record<string, string>>;
  idempotencyKey: Labelled<string> | undefined;
  contentType: Labelled<string | undefined>;
  body: Labelled<string | undefined>;
}

const none = <T>(value: T, label = '-'): Labelled<T> => ({ value, label });

function encodeQueryValue(v: Labelled<string>): string {
  // Malformed percent-encoding is sent as is; everything else as a browser would encode it.
  return /malformed percent/.test(v.label) ? v.value : encodeURIComponent(v.value);
}

function queryArbitrary(route: Route, world: FuzzWorld): fc.Arbitrary<Labelled<string>> {
  if (route.query.length === 0) {
    return fc.oneof(
      { weight: 8, arbitrary: fc.constant(none('')) },
      { weight: 1, arbitrary: hostileQueryValue.map((v) => ({ value: `x=${encodeQueryValue(v)}`, label: `unknown parameter x=${v.label}` })) },
    );
  }
  const tokenPool = [...world.issuedTokens, ...world.tamperedTokens];
  const validValue = (p: Param): fc.Arbitrary<Labelled<string>> =>
    p.name === 'nextToken' && world.issuedTokens.length > 0
      ? fc.constantFrom(...world.issuedTokens)
      : validLooking(p.schema, world.hints, p.name).map((v) => ({ value: String(v), label: `valid ${String(v).slice(0, 20)}` }));
  const hostileValue = (p: Param): fc.Arbitrary<Labelled<string>> =>
    p.name === 'nextToken'
      ? fc.oneof(
          ...(tokenPool.length > 0 ? [{ weight: 3, arbitrary: fc.constantFrom(...tokenPool) }] : []),
          { weight: 3, arbitrary: forgedNextToken.map((t) => ({ value: t.value, label: `forged (${t.label})` })) },
        )
      : fc.oneof({ weight: 2, arbitrary: validValue(p) }, { weight: 2, arbitrary: hostileQueryValue });
  const queryOf = (value: (p: Param) => fc.Arbitrary<Labelled<string>>) =>
    fc.tuple(
      ...route.query.map((p) =>
        // Required parameters are mostly present; optional ones come and go.
        fc.oneof(
          { weight: p.required ? 9 : 3, arbitrary: value(p).map((v) => [p.name, v] as const) },
          { weight: p.required ? 1 : 2, arbitrary: fc.constant(undefined) },
        ),
      ),
    );
  const extras = fc.oneof(
    { weight: 6, arbitrary: fc.constant([] as (readonly [string, Labelled<string>])[]) },
    {
      weight: 1,
      arbitrary: fc
        .tuple(fc.constantFrom('__proto__', 'constructor', 'toString', 'limit[]', 'x', ...route.query.map((p) => p.name)), hostileQueryValue)
        .map(([k, v]) => [[k, { value: v.value, label: `extra ${k}=${v.label}` }] as const]),
    },
  );
  const asQuery = (pairs: (readonly [string, Labelled<string>])[]): Labelled<string> => ({
    value: pairs.map(([k, v]) => `${encodeURIComponent(k)}=${encodeQueryValue(v)}`).join('&'),
    label: pairs.map(([k, v]) => `${k}: ${v.label}`).join('; ') || '-',
  });
  const present = (ps: readonly (readonly [string, Labelled<string>] | undefined)[]) => ps.filter((p): p is readonly [string, Labelled<string>] => p !== undefined);
  return fc.oneof(
    { weight: 2, arbitrary: queryOf(validValue).map((ps) => asQuery(present(ps))) },
    { weight: 3, arbitrary: fc.tuple(queryOf(hostileValue), extras).map(([ps, extra]) => asQuery([...present(ps), ...extra])) },
  );
}

/** What a path lists or holds, singular: `/subsidies/{id}/approve` → `subsidy`, `/allocation-rounds` → `allocation-round`. */
export function resourceOf(path: string): string {
  const first = path.split('/')[1] ?? '';
  return first.replace(/ies$/, 'y').replace(/s$/, '');
}

function paramArbitrary(route: Route, p: Param, world: FuzzWorld): fc.Arbitrary<Labelled<string>> {
  if (p.schema.enum && p.schema.enum.length > 0) {
    return fc.oneof(
      { weight: 5, arbitrary: fc.constantFrom(...p.schema.enum.map((v) => ({ value: encodeURIComponent(String(v)), label: `valid ${String(v)}` }))) },
      { weight: 2, arbitrary: hostileId },
    );
  }
  // Mostly ids of what the path names (an assignment's id for /assignments/{id}/…), some of anything else.
  const resource = resourceOf(route.path);
  const relevant = world.ids.filter((id) => id.kind !== '' && (resource.endsWith(id.kind) || id.kind.endsWith(resource)));
  const asParam = (id: Labelled<string>) => ({ value: id.value, label: id.label });
  return fc.oneof(
    ...(relevant.length > 0 ? [{ weight: 4, arbitrary: fc.constantFrom(...relevant.map(asParam)) }] : []),
    ...(world.ids.length > 0 ? [{ weight: 2, arbitrary: fc.constantFrom(...world.ids.map(asParam)) }] : []),
    { weight: 1, arbitrary: validLooking(p.schema, world.hints).map((v) => ({ value: encodeURIComponent(String(v)), label: 'random valid-looking id' })) },
    { weight: 3, arbitrary: hostileId },
  );
}

function authArbitrary(route: Route, world: FuzzWorld): fc.Arbitrary<CaseSpec['auth']> {
  const bad = fc.constantFrom(...world.badAuthorization).map((a) => ({ ...a, kind: 'bad-token' as const }));
  const bearer = (t: Labelled<string> & { role: Role }, kind: TokenKind) => ({ value: `Bearer ${t.value}`, label: t.label, kind, role: t.role });
  const withRole = (roles: readonly Role[], of: Record<Role, Labelled<string>[]>) => roles.flatMap((role) => of[role].map((t) => ({ ...t, role })));
  const allTokens = withRole(ROLES, world.tokens);
  if (route.roles === 'public') {
    return fc.oneof(
      { weight: 3, arbitrary: fc.constant({ value: undefined, label: 'no token', kind: 'public' as const }) },
      { weight: 1, arbitrary: bad.map((a) => ({ ...a, kind: 'public' as const })) },
      { weight: 1, arbitrary: fc.constantFrom(...allTokens).map((t) => bearer(t, 'public')) },
    );
  }
  const allowed = withRole(route.roles, world.tokens);
  const odd = withRole(route.roles, world.oddTokens);
  const wrong = withRole(
    ROLES.filter((r) => !(route.roles as readonly Role[]).includes(r)),
    world.tokens,
  );
  return fc.oneof(
    { weight: 80, arbitrary: fc.constantFrom(...allowed).map((t) => bearer(t, 'allowed')) },
    ...(odd.length > 0 ? [{ weight: 5, arbitrary: fc.constantFrom(...odd).map((t) => bearer(t, 'odd-claims')) }] : []),
    ...(wrong.length > 0 ? [{ weight: 5, arbitrary: fc.constantFrom(...wrong).map((t) => bearer(t, 'wrong-role')) }] : []),
    { weight: 10, arbitrary: bad },
  );
}

const PADDING = ' '.repeat(70_000);

function bodyArbitrary(route: Route, world: FuzzWorld): fc.Arbitrary<Labelled<string | undefined>> {
  if (!route.body) {
    return fc.oneof(
      { weight: 16, arbitrary: fc.constant(none<string | undefined>(undefined, 'no body')) },
      { weight: 1, arbitrary: randomJsonText },
      { weight: 1, arbitrary: invalidJsonText(fc.constant('{"a":1}')) },
      { weight: 1, arbitrary: fc.constant({ value: `{"a":1}${PADDING}`, label: 'body past 64 KiB' }) },
    );
  }
  const valid = validLooking(route.body, world.hints);
  const validText = valid.map((v) => toJsonText(v));
  return fc.oneof(
    { weight: 3, arbitrary: validText.map((t) => ({ value: t, label: 'valid-looking body' })) },
    {
      weight: 12,
      arbitrary: mutatedOnce(valid).map((m) => ({ value: m.value === undefined ? undefined : toJsonText(m.value), label: `body ${m.label}` })),
    },
    { weight: 1, arbitrary: randomJsonText },
    { weight: 2, arbitrary: invalidJsonText(validText) },
    { weight: 1, arbitrary: fc.constantFrom(none<string | undefined>(undefined, 'no body'), { value: ' \n\t', label: 'whitespace body' }) },
    { weight: 1, arbitrary: validText.map((t) => ({ value: `${t}${PADDING}`, label: 'valid-looking body padded past 64 KiB' })) },
  );
}

const SUFFIXES: Labelled<string>[] = [
  { value: '/', label: 'trailing slash' },
  { value: '/extra', label: 'extra segment' },
  { value: '//', label: 'double slash' },
  { value: '/..', label: 'dot-dot segment' },
  { value: '/%2e%2e', label: 'encoded dot-dot segment' },
  { value: '%00', label: 'encoded NUL appended' },
];

/** One case: who calls, which path, query, headers and body; each part labelled. */
export function caseArbitrary(route: Route, world: FuzzWorld): fc.Arbitrary<CaseSpec> {
  const params: Record<string, fc.Arbitrary<Labelled<string>>> = {};
  for (const p of route.pathParams) params[p.name] = paramArbitrary(route, p, world);
  return fc.record({
    auth: authArbitrary(route, world),
    params: fc.record(params),
    suffix: fc.oneof({ weight: 30, arbitrary: fc.constant(none('')) }, { weight: 1, arbitrary: fc.constantFrom(...SUFFIXES) }),
    query: queryArbitrary(route, world),
    headers: fc.oneof({ weight: 5, arbitrary: fc.constant(none<Record<string, string>>({})) }, { weight: 1, arbitrary: garbageHeaders }),
    idempotencyKey: fc.oneof({ weight: 6, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: idempotencyKey }),
    contentType,
    body: bodyArbitrary(route, world),
  });
}

/** The plainest value of each part, for shrinking a failing case to what it needs. */
export function plainParts(route: Route, world: FuzzWorld, sample: CaseSpec): Partial<CaseSpec> {
  const role = route.roles === 'public' ? undefined : route.roles[0];
  const allowed = role ? world.tokens[role][0] : undefined;
  return {
    auth: role && allowed ? { value: `Bearer ${allowed.value}`, label: allowed.label, kind: 'allowed', role } : { value: undefined, label: 'no token', kind: 'public' },
    suffix: none(''),
    query: none(''),
    headers: none({}),
    idempotencyKey: undefined,
    contentType: none('application/json', 'application/json'),
    body: route.body ? { value: '{}', label: 'body {}' } : none(undefined, 'no body'),
    params: Object.fromEntries(
      route.pathParams.map((p) => [
        p.name,
        p.schema.enum?.length ? { value: String(p.schema.enum[0]), label: `valid ${String(p.schema.enum[0])}` } : (sample.params[p.name] ?? none('x')),
      ]),
    ),
  };
}

// ---- sending ------------------------------------------------------------------------------------

export interface Rendered {
  method: string;
  path: string;
  headers: Record<string, string>;
  body: string | undefined;
}

const MAX_HEADER_BYTES = 12_000;

export function render(route: Route, c: CaseSpec): Rendered {
  let path = route.path.replace(/\{(\w+)\}/g, (_m, name: string) => c.params[name]?.value ?? 'x') + c.suffix.value;
  if (c.query.value) path += `?${c.query.value}`;
  const headers: Record<string, string> = {};
  // Node's server refuses a header section over 16 KiB before any route runs; stay below it.
  let budget = MAX_HEADER_BYTES - path.length - (c.auth.value?.length ?? 0) - (c.idempotencyKey?.value.length ?? 0);
  for (const [k, v] of Object.entries(c.headers.value)) {
    if (k.length + v.length > budget) continue;
    budget -= k.length + v.length;
    headers[k] = v;
  }
  if (c.auth.value !== undefined) headers.authorization = c.auth.value;
  if (c.idempotencyKey) headers['idempotency-key'] = c.idempotencyKey.value;
  if (c.body.value !== undefined && c.contentType.value !== undefined) headers['content-type'] = c.contentType.value;
  return { method: route.method, path, headers, body: c.body.value };
}

export interface Answer {
  status: number;
  contentType: string;
  text: string;
  /** Set when no HTTP answer came (connection reset, timeout). */
  transportError?: string;
}

const agent = new Agent({ keepAlive: true, maxSockets: 32 });

export function send(port: number, r: Rendered, timeoutMs = 30_000, fresh = false): Promise<Answer> {
  return new Promise((resolve) => {
    const headers: Record<string, string | number> = { ...r.headers };
    if (r.body !== undefined) headers['content-length'] = Buffer.byteLength(r.body, 'utf8');
    let req: ReturnType<typeof request>;
    try {
      req = request({ host: '127.0.0.1', port, method: r.method, path: r.path, headers, agent: fresh ? false : agent, timeout: timeoutMs }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, contentType: String(res.headers['content-type'] ?? ''), text: Buffer.concat(chunks).toString('utf8') }),
        );
        res.on('error', (e) => resolve({ status: 0, contentType: '', text: '', transportError: e.message }));
      });
    } catch (e) {
      // The client itself refused to send it (an invalid header or path): a bug in the generator.
      resolve({ status: -1, contentType: '', text: '', transportError: `unsendable: ${(e as Error).message}` });
      return;
    }
    req.on('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    req.on('error', (e: NodeJS.ErrnoException) => {
      // A kept-alive socket the server closed as it idled out, just as we reused it: Node's documented
      // race, not the server's answer. Once more on a new connection; a reset there is a finding.
      if (!fresh && req.reusedSocket && (e.code === 'ECONNRESET' || e.code === 'EPIPE')) {
        void send(port, r, timeoutMs, true).then(resolve);
        return;
      }
      resolve({ status: 0, contentType: '', text: '', transportError: e.message });
    });
    req.end(r.body);
  });
}

export function portOf(stack: LocalStack): number {
  return Number(new URL(stack.url).port);
}

// ---- checks -------------------------------------------------------------------------------------

export type ViolationKind =
  | 'server-error-5xx'
  | 'no-answer'
  | 'unexpected-status'
  | 'error-body-shape'
  | 'error-code-status-mismatch'
  | 'error-not-bilingual'
  | 'issue-not-bilingual'
  | 'bad-token-not-401'
  | 'wrong-role-not-403'
  | 'write-on-refusal'
  | 'prototype-pollution';

export interface Violation {
  kind: ViolationKind;
  route: string;
  status: number;
  detail: string;
  spec: CaseSpec;
  rendered: Rendered;
}

const HAN = /\p{Script=Han}/u;
const LATIN_WORD = /[A-Za-z]{2,}/;
const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/** The route (of the same method) the local server would match the path to, as its router does. */
export function matchRoute(routes: readonly { route: Route; regex: RegExp }[], r: Rendered): Route | undefined {
  // A raw non-ASCII byte in the request line is refused by the HTTP parser (400) before any route.
  if ([...r.path].some((c) => c.charCodeAt(0) > 0x7f)) return undefined;
  let pathname: string;
  try {
    pathname = new URL(r.path, 'http://localhost').pathname;
  } catch {
    return undefined;
  }
  return routes.find((c) => c.route.method === r.method && c.regex.test(pathname))?.route;
}

export function compile(routes: readonly Route[]) {
  return routes.map((route) => ({
    route,
    regex: new RegExp(`^${route.path.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{(\w+)\}/g, '([^/]+)')}$`),
  }));
}

/** CONTRACT.md "Errors": `{"error":{"code","message","messageZh","issues"?:[{"path","message"}],"requestId"}}`, Chinese and English. */
export function checkAnswer(spec: CaseSpec, matched: Route | undefined, a: Answer): { kind: ViolationKind; detail: string }[] {
  const out: { kind: ViolationKind; detail: string }[] = [];
  if (a.transportError) return [{ kind: 'no-answer', detail: a.transportError }];
  if (a.status >= 500) out.push({ kind: 'server-error-5xx', detail: a.text.slice(0, 300) });
  else if (a.status < 200 || (a.status >= 300 && a.status < 400)) out.push({ kind: 'unexpected-status', detail: `${a.status} ${a.text.slice(0, 200)}` });
  if (a.status >= 400) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(a.text);
    } catch {
      parsed = undefined;
    }
    const error = isObject(parsed) ? parsed.error : undefined;
    if (!/^application\/json\b/i.test(a.contentType) || !isObject(error)) {
      out.push({ kind: 'error-body-shape', detail: `content-type ${a.contentType || '(none)'}: ${a.text.slice(0, 200)}` });
    } else {
      const { code, message, messageZh, issues, requestId } = error;
      const problems: string[] = [];
      if (typeof code !== 'string' || !(code in ERROR_CODES)) problems.push(`code ${JSON.stringify(code)} is not in ERROR_CODES`);
      if (typeof message !== 'string' || message === '') problems.push('no message');
      if (typeof messageZh !== 'string' || messageZh === '') problems.push('no messageZh');
      if (typeof requestId !== 'string' || requestId === '') problems.push('no requestId');
      if (issues !== undefined && !(Array.isArray(issues) && issues.every((i) => isObject(i) && typeof i.path === 'string' && typeof i.message === 'string'))) {
        problems.push(`issues ${JSON.stringify(issues).slice(0, 120)} are not [{path, message}]`);
      }
      if (problems.length > 0) out.push({ kind: 'error-body-shape', detail: `${problems.join('; ')}: ${a.text.slice(0, 200)}` });
      if (typeof code === 'string' && code in ERROR_CODES && ERROR_CODES[code as keyof typeof ERROR_CODES].status !== a.status) {
        out.push({ kind: 'error-code-status-mismatch', detail: `${code} documented as ${ERROR_CODES[code as keyof typeof ERROR_CODES].status}, answered ${a.status}` });
      }
      if (typeof message === 'string' && typeof messageZh === 'string' && !(HAN.test(messageZh) && LATIN_WORD.test(message))) {
        out.push({ kind: 'error-not-bilingual', detail: `message ${JSON.stringify(message)}, messageZh ${JSON.stringify(messageZh)}` });
      }
      if (Array.isArray(issues)) {
        const monolingual = issues.filter((i) => isObject(i) && typeof i.message === 'string' && !(HAN.test(i.message) && LATIN_WORD.test(i.message)));
        if (monolingual.length > 0) out.push({ kind: 'issue-not-bilingual', detail: JSON.stringify(monolingual).slice(0, 300) });
      }
    }
  }
  // Who may call: the local server matches the route first (404 otherwise), then checks the token
  // (401) and the handler the role (403), before it reads the body.
  if (matched && matched.roles !== 'public') {
    if (spec.auth.kind === 'bad-token' && a.status !== 401) out.push({ kind: 'bad-token-not-401', detail: `${spec.auth.label} answered ${a.status}` });
    const role = spec.auth.role;
    if (spec.auth.kind !== 'bad-token' && role && !matched.roles.includes(role) && a.status !== 403) {
      out.push({ kind: 'wrong-role-not-403', detail: `${role} token (${spec.auth.label}) on ${matched.key} answered ${a.status}` });
    }
  }
  return out;
}

// ---- the table: nothing written for a refused request --------------------------------------------

function canonical(v: unknown): unknown {
  if (v instanceof Set) return [...v].map(canonical).sort();
  if (v instanceof Uint8Array) return Buffer.from(v).toString('base64');
  if (Array.isArray(v)) return v.map(canonical);
  if (isObject(v)) return Object.fromEntries(Object.keys(v).sort().map((k) => [k, canonical(v[k])]));
  return v;
}

export interface Snapshot {
  hash: string;
  items: Map<string, string>;
  /** Outbox items: each becomes one event on the bus. */
  outbox: number;
}

/**
 * Reads the table as it is: every item (a consistent Scan) keyed by pk and sk, and counts what the
 * stream has put on the local bus, so "the consumers are done" can be known rather than waited for.
 */
export class TableWatch {
  private readonly doc: DynamoDBDocumentClient;
  private puts = 0;
  /** Whole-table reads made, their total time, and the size of the last. */
  reads = 0;
  readMs = 0;
  lastSize = 0;

  constructor(private readonly stack: LocalStack) {
    this.doc = DynamoDBDocumentClient.from(new DynamoDBClient({ endpoint: stack.dynamoEndpoint, region: localRegion, credentials: localCredentials }));
    // Every new outbox item is put on the bus once by the stream poller (the Pipe's filter).
    const put = stack.bus.put.bind(stack.bus);
    stack.bus.put = (entry) => {
      this.puts++;
      return put(entry);
    };
  }

  async snapshot(): Promise<Snapshot> {
    const started = Date.now();
    const items = new Map<string, string>();
    let outbox = 0;
    // A parallel Scan: DynamoDB Local reads the segments at once.
    const segments = 4;
    await Promise.all(
      Array.from({ length: segments }, async (_, segment) => {
        let start: Record<string, unknown> | undefined;
        do {
          const out = await this.doc.send(
            new ScanCommand({ TableName: this.stack.tableName, ConsistentRead: true, ExclusiveStartKey: start, Segment: segment, TotalSegments: segments }),
          );
          for (const item of out.Items ?? []) {
            const pk = String(item.pk);
            if (pk.startsWith(OUTBOX_PREFIX)) outbox++;
            items.set(`${pk} | ${String(item.sk)}`, JSON.stringify(canonical(item)));
          }
          start = out.LastEvaluatedKey;
        } while (start);
      }),
    );
    const hash = createHash('sha256');
    for (const k of [...items.keys()].sort()) hash.update(k).update(items.get(k)!);
    this.reads++;
    this.readMs += Date.now() - started;
    this.lastSize = items.size;
    return { hash: hash.digest('hex'), items, outbox };
  }

  /**
   * Waits until the consumers are done: every outbox item put on the bus, no delivery in flight,
   * and the table the same on two reads. Falls back to a second of stillness if the counts never meet.
   */
  async quiesce(timeoutMs = 15_000): Promise<Snapshot> {
    const deadline = Date.now() + timeoutMs;
    let previous: Snapshot | undefined;
    for (;;) {
      await this.stack.settle();
      const puts = this.puts;
      const current = await this.snapshot();
      await this.stack.settle();
      const still = previous !== undefined && previous.hash === current.hash;
      if (still && current.outbox === puts && this.puts === puts) return current;
      if (still && Date.now() > deadline) {
        await sleep(1_000);
        await this.stack.settle();
        const later = await this.snapshot();
        if (later.hash === current.hash) return later;
      }
      previous = current;
      await sleep(20);
    }
  }

  destroy() {
    this.doc.destroy();
  }
}

export function diff(before: Snapshot, after: Snapshot): string[] {
  const out: string[] = [];
  for (const [k, v] of after.items) {
    if (!before.items.has(k)) out.push(`added ${k}`);
    else if (before.items.get(k) !== v) out.push(`changed ${k}`);
  }
  for (const k of before.items.keys()) if (!after.items.has(k)) out.push(`deleted ${k}`);
  return out;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export function polluted(): boolean {
  return Object.hasOwn(Object.prototype, POLLUTION_MARKER) || Object.hasOwn(Array.prototype, POLLUTION_MARKER);
}

export function cleanPollution() {
  delete (Object.prototype as Record<string, unknown>)[POLLUTION_MARKER];
  delete (Array.prototype as unknown as Record<string, unknown>)[POLLUTION_MARKER];
}

/** A reproduction a person can paste into a terminal (long values shortened). */
export function describeCase(r: Rendered): string {
  const cut = (s: string, n = 160) => (s.length > n ? `${s.slice(0, n)}…(${s.length} chars)` : s);
  const headers = Object.entries(r.headers)
    .map(([k, v]) => `-H ${JSON.stringify(`${k}: ${k === 'authorization' ? cut(v, 40) : cut(v, 80)}`)}`)
    .join(' ');
  return `curl -X ${r.method} ${JSON.stringify(`$API${cut(r.path)}`)} ${headers}${r.body !== undefined ? ` --data-raw ${JSON.stringify(cut(r.body, 300))}` : ''}`;
}

export function describeSpec(c: CaseSpec): string {
  const parts = [
    `auth=${c.auth.kind}:${c.auth.label}`,
    ...Object.entries(c.params).map(([k, v]) => `${k}=${v.label}`),
    c.suffix.value ? `suffix=${c.suffix.label}` : '',
    c.query.value ? `query=${c.query.label}` : '',
    Object.keys(c.headers.value).length ? c.headers.label : '',
    c.idempotencyKey ? c.idempotencyKey.label : '',
    c.body.value !== undefined ? `content-type=${c.contentType.label}` : '',
    c.body.label,
  ];
  return parts.filter(Boolean).join(' | ');
}
