import { checkCharFor, QIXIA_STREETS } from '@huimin/domain';
import fc from 'fast-check';
import type { Role } from '../../../functions/src/wiring';
import type { LocalStack } from '../../../packages/local/src/stack';
import { LocalTokens } from '../../../packages/local/src/tokens';
import { type FuzzWorld, portOf, type Route, resourceOf, send } from './harness';
import { type Labelled, tamperedTokens } from './hostile';
import type { FieldHints } from './json-schema-arbitrary';

// biome-ignore lint/suspicious/noExplicitAny: response bodies are read field by field, as a client would
type Json = Record<string, any>;

const DISTRICT = '320113';
const b64url = (s: string) => Buffer.from(s, 'utf8').toString('base64url');

/** Today (or `offset` days away) in China, `YYYY-MM-DD`. */
export function chinaDate(offsetDays = 0): string {
  return new Date(Date.now() + 8 * 3_600_000 + offsetDays * 86_400_000).toISOString().slice(0, 10);
}

/** A valid ID number of a person of the demo district born on `birth` (YYYYMMDD). */
export function idNumber(birth: string, sequence: number): string {
  const first17 = `${DISTRICT}${birth}${String(sequence % 1000).padStart(3, '0')}`;
  return first17 + checkCharFor(first17);
}

/** The people the fixture applies for; hints reuse them, so most valid-looking submissions meet a duplicate. */
export const PEOPLE = {
  aged82: idNumber('19440315', 711),
  aged65: idNumber('19610520', 712),
  aged75: idNumber('19510101', 713),
  aged68: idNumber('19580808', 714),
};

export function application(type: string, subjectId: string, needs?: Json, street = '仙林街道') {
  const centre = QIXIA_STREETS.find((s) => s.name === street) ?? { lat: 32.105, lng: 118.93 };
  return {
    type,
    applicant: { name: '王芳', phone: '13912345678' },
    subject: { name: '王秀英', idNumber: subjectId, address: { district: DISTRICT, street, location: { lat: centre.lat, lng: centre.lng } } },
    ...(needs ? { needs } : {}),
  };
}

export function apiCall(stack: LocalStack) {
  const port = portOf(stack);
  return async (method: string, path: string, token: string | undefined, body?: unknown): Promise<{ status: number; body: Json }> => {
    const headers: Record<string, string> = {};
    if (token) headers.authorization = `Bearer ${token}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    const a = await send(port, { method, path, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    let parsed: Json = {};
    try {
      parsed = a.text ? (JSON.parse(a.text) as Json) : {};
    } catch {
      parsed = { text: a.text };
    }
    return { status: a.status, body: parsed };
  };
}

async function eventually<T>(what: string, check: () => Promise<T | undefined>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`fixture: timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const l = <T>(value: T, label: string): Labelled<T> => ({ value, label });

/**
 * The world the fuzz cases draw from: tokens of every role (several identities each), records
 * made through the API as clients would (applications in several states, an active meal place with
 * a day recorded, an active home-visit assignment, rounds, a statement), then every id and page
 * token the GET routes of the wiring answer with.
 */
export async function buildWorld(stack: LocalStack, routes: readonly Route[]): Promise<FuzzWorld> {
  const call = apiCall(stack);
  const started = Date.now();
  const sign = (r: Parameters<LocalTokens['sign']>[0], ttl?: number) => stack.tokens.sign(r, ttl);
  const { demo } = stack;
  const familyB = await sign({ role: 'family', sub: 'fuzz-family-b' });
  const staffElsewhere = await sign({ role: 'staff', sub: 'fuzz-staff-320102', district: '320102' });
  const gridElsewhere = await sign({ role: 'grid', sub: 'fuzz-grid-maqun', district: DISTRICT, street: '马群街道' });

  // ---- records, through the API ----------------------------------------------------------------
  const submit = async (token: string, body: Json) => {
    const r = await call('POST', '/applications', token, body);
    if (r.status !== 202) throw new Error(`fixture: POST /applications answered ${r.status} ${JSON.stringify(r.body)}`);
    return r.body.id as string;
  };
  const statusOf = (id: string, token: string, want: string) =>
    eventually(`application ${id} to be ${want}`, async () => {
      const r = await call('GET', `/applications/${id}`, token);
      return r.body.status === want ? r.body : undefined;
    });

  const awaiting = await submit(demo.family, application('meal', PEOPLE.aged82));
  const young = await submit(demo.family, application('meal', PEOPLE.aged65));
  const homeVisit = await submit(demo.family, application('home-visit', PEOPLE.aged82, { services: ['cleaning'], careLevel: 2 }));
  await submit(familyB, application('meal', PEOPLE.aged75));
  await submit(demo.grid, application('meal', PEOPLE.aged68));

  await statusOf(awaiting, demo.family, 'AWAITING_APPROVAL');
  const offered = await statusOf(young, demo.family, 'OFFERED');
  const mealPoint = await sign({ role: 'provider', sub: 'fuzz-meal-point', providerId: offered.assignment.providerId });
  const accepted = await call('POST', `/assignments/${offered.assignment.id}/accept`, mealPoint, {});
  if (accepted.status !== 200) throw new Error(`fixture: accept answered ${accepted.status} ${JSON.stringify(accepted.body)}`);
  const meals = await call('POST', `/assignments/${offered.assignment.id}/meals`, mealPoint, { date: chinaDate(), count: 1 });
  if (meals.status !== 201) throw new Error(`fixture: meals answered ${meals.status} ${JSON.stringify(meals.body)}`);

  const hv = await statusOf(homeVisit, demo.family, 'AWAITING_APPROVAL');
  const approved = await call('POST', `/subsidies/${hv.subsidy.id}/approve`, demo.staff, { note: '材料齐全' });
  if (approved.status !== 200) throw new Error(`fixture: approve answered ${approved.status} ${JSON.stringify(approved.body)}`);
  const hvOffered = await statusOf(homeVisit, demo.family, 'OFFERED');
  const hvProvider = await sign({ role: 'provider', sub: 'fuzz-home-visit', providerId: hvOffered.assignment.providerId });
  await call('POST', `/assignments/${hvOffered.assignment.id}/accept`, hvProvider, {});

  for (const type of ['childcare', 'meal']) await call('POST', '/allocation-rounds', demo.staff, { type });
  await call('POST', '/settlements', demo.staff, { type: 'meal', month: chinaDate().slice(0, 7) });
  await stack.settle();

  const fixtureMs = Date.now() - started;

  // ---- tokens ------------------------------------------------------------------------------------
  const tokens: Record<Role, Labelled<string>[]> = {
    family: [l(demo.family, 'family who owns the fixtures'), l(familyB, 'family B'), l(await sign({ role: 'family', sub: 'fuzz-family-new' }), 'family with nothing')],
    provider: [
      l(mealPoint, `provider ${offered.assignment.providerId} (an active meal place)`),
      l(hvProvider, `provider ${hvOffered.assignment.providerId} (an active home visit)`),
      l(demo.nursery, 'provider nursery'),
      l(demo.provider, `provider ${demo.providerId}`),
    ],
    staff: [l(demo.staff, 'staff of 320113'), l(staffElsewhere, 'staff of another district (320102)')],
    grid: [l(demo.grid, 'grid worker of 仙林街道'), l(gridElsewhere, 'grid worker of another street (马群街道)')],
  };
  const oddTokens: Record<Role, Labelled<string>[]> = {
    family: [l(await sign({ role: 'family', sub: '王'.repeat(100) }), 'family with a 100-character Chinese sub'), l(await sign({ role: 'family', sub: 'APP#x' }), 'family with sub APP#x')],
    provider: [l(await sign({ role: 'provider', sub: 'fuzz-ghost', providerId: 'no-such-provider' }), 'provider of an unknown provider id'), l(await sign({ role: 'provider', sub: 'fuzz-hash', providerId: 'x#y' }), 'provider id x#y')],
    staff: [l(await sign({ role: 'staff', sub: 'fuzz-staff-unknown', district: '110101' }), 'staff of a district not served (110101)')],
    grid: [l(await sign({ role: 'grid', sub: 'fuzz-grid-odd', district: '320102', street: '不存在街道' }), 'grid worker of an unknown street')],
  };
  const foreign = LocalTokens.create();
  const [, familyPayload = ''] = demo.family.split('.');
  const staffClaims = b64url(JSON.stringify({ ...JSON.parse(Buffer.from(familyPayload, 'base64url').toString('utf8')), 'cognito:groups': ['staff'], 'custom:district': DISTRICT }));
  const [head = '', , signature = ''] = demo.family.split('.');
  const badAuthorization: Labelled<string | undefined>[] = [
    l(undefined, 'no Authorization header'),
    l('', 'empty Authorization'),
    l('Bearer', 'Bearer without a token'),
    l('Bearer garbage', 'Bearer garbage'),
    l('Bearer a.b.c', 'Bearer a.b.c'),
    l('Basic dXNlcjpwYXNz', 'Basic credentials'),
    l(demo.family, 'token without Bearer'),
    l(`Token ${demo.family}`, 'Token scheme'),
    l(`Bearer ${demo.family}x`, 'token with an extra character'),
    l(`Bearer ${await sign({ role: 'staff', sub: 'fuzz-expired', district: DISTRICT }, -120)}`, 'expired staff token'),
    l(`Bearer ${await foreign.sign({ role: 'staff', sub: 'fuzz-forged', district: DISTRICT })}`, 'staff token signed by another key'),
    l(`Bearer ${b64url('{"alg":"none","typ":"JWT"}')}.${staffClaims}.`, 'alg none staff token'),
    l(`Bearer ${head}.${staffClaims}.${signature}`, 'family token with staff claims pasted in'),
  ];

  // ---- ids and page tokens the API hands out -----------------------------------------------------
  // What each id names, by the field it came in: `assignment.id` and `assignmentId` name an
  // assignment; an `id` at the top of an answer or in its `items` names what the route lists.
  const ids = new Map<string, { label: string; kind: string }>();
  const codes = new Set<string>();
  const issued: Labelled<string>[] = [];
  const collect = (v: unknown, route: Route, parent = '') => {
    if (Array.isArray(v)) for (const x of v) collect(x, route, parent);
    else if (v !== null && typeof v === 'object') {
      for (const [k, x] of Object.entries(v)) {
        if (typeof x === 'string' && (k === 'id' || k.endsWith('Id')) && /^[A-Za-z0-9-]{1,64}$/.test(x) && !ids.has(x)) {
          const kind = k !== 'id' ? k.slice(0, -2) : parent === '' || parent === 'items' ? resourceOf(route.path) : parent;
          ids.set(x, { kind, label: `${parent ? `${parent}.` : ''}${k} from ${route.key}` });
        } else if (typeof x === 'string' && k === 'code') codes.add(x);
        else collect(x, route, k);
      }
    }
  };
  const hintsSoFar = hintsFor([...ids.keys()], [...codes]);
  const requiredQuery = (route: Route) =>
    route.query
      .filter((p) => p.required)
      .map((p) => `${p.name}=${encodeURIComponent(String(fc.sample(hintsSoFar(p.name, p.schema) ?? fc.constant(DISTRICT), { numRuns: 1, seed: 1 })[0]))}`);
  const harvestStarted = Date.now();
  for (const pass of [1, 2]) {
    for (const route of routes) {
      if (route.method !== 'GET' || route.roles === 'public') continue;
      if ((pass === 1) !== (route.pathParams.length === 0)) continue;
      // Lists with every identity (whose page tokens differ); single records with one identity per role.
      const roleTokens = route.roles.flatMap((r) => (pass === 1 ? tokens[r] : tokens[r].slice(0, 1)));
      const pathsFor = (): string[] => {
        if (route.pathParams.length === 0) return [route.path];
        // Every id that is not a provider's (the district has dozens of those), and a few providers.
        const known = [...ids.keys()];
        const some = [...known.filter((id) => !/^(meal|home-visit|retrofit|childcare)-/.test(id)).slice(0, 12), ...known.filter((id) => /^(meal|home-visit|retrofit|childcare)-/.test(id)).slice(0, 2)];
        const values = route.pathParams.map((p) => (p.schema.enum ? p.schema.enum.map(String) : some));
        return (values[0] ?? []).map((v) => route.path.replace(/\{\w+\}/, encodeURIComponent(v)));
      };
      const q = requiredQuery(route);
      const hasLimit = route.query.some((p) => p.name === 'limit');
      const withQuery = (path: string, extra: string[]) => (q.length + extra.length > 0 ? `${path}?${[...q, ...extra].join('&')}` : path);
      await Promise.all(
        pathsFor().map(async (path) => {
          for (const t of roleTokens) {
            const all = await call('GET', withQuery(path, hasLimit ? ['limit=100'] : []), t.value);
            if (all.status === 200) collect(all.body, route);
            if (!hasLimit) continue;
            const first = await call('GET', withQuery(path, ['limit=1']), t.value);
            if (typeof first.body.nextToken === 'string') issued.push(l(first.body.nextToken, `issued by ${route.key} to ${t.label}`));
          }
        }),
      );
    }
  }
  const idList = [...ids.entries()].map(([value, { label, kind }]) => ({ value, label, kind }));
  if (idList.length < 10) throw new Error(`fixture: only ${idList.length} ids harvested`);
  if (issued.length < 3) throw new Error(`fixture: only ${issued.length} page tokens issued`);
  const tampered = issued.slice(0, 6).flatMap((t) => tamperedTokens(t.value).map((x) => l(x.value, `${x.label} (${t.label})`)));
  // The signature of one list's token on another list's payload.
  if (issued.length >= 2) {
    const [a, b] = [issued[0]!, issued[issued.length - 1]!];
    const [pa] = a.value.split('.');
    const [, ...sb] = b.value.split('.');
    if (sb.length > 0) tampered.push(l([pa, ...sb].join('.'), `payload of ${a.label} with the signature of ${b.label}`));
  }

  return {
    stack,
    tokens,
    oddTokens,
    badAuthorization,
    ids: idList,
    issuedTokens: issued,
    tamperedTokens: tampered,
    hints: hintsFor([...ids.keys()], [...codes]),
    note: `records made in ${(fixtureMs / 1000).toFixed(1)} s, ids and page tokens read in ${((Date.now() - harvestStarted) / 1000).toFixed(1)} s`,
  };
}

/**
 * Values for fields whose validity a JSON Schema cannot say: by field name, so any route with a
 * field of that name gets them. People are the fixture's own (most submissions meet a duplicate).
 */
export function hintsFor(ids: readonly string[], codes: readonly string[]): FieldHints {
  const streets = QIXIA_STREETS.map((s) => s.name);
  const near = fc.record({
    lat: fc.integer({ min: 32_040, max: 32_200 }).map((n) => n / 1000),
    lng: fc.integer({ min: 118_790, max: 119_050 }).map((n) => n / 1000),
  });
  const months = [-2, -1, 0, 1, 2].map((m) => {
    const d = new Date(Date.now() + 8 * 3_600_000);
    return new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + m, 1)).toISOString().slice(0, 7);
  });
  const recentTime = fc.integer({ min: -72 * 60, max: 10 }).map((min) => new Date(Date.now() + min * 60_000).toISOString());
  const providerIds = ids.filter((id) => /^(meal|home-visit|retrofit|childcare)-/.test(id));
  return (name) => {
    switch (name) {
      case 'idNumber':
        return fc.constantFrom(...Object.values(PEOPLE));
      case 'street':
        return fc.constantFrom(...streets, '不存在街道');
      case 'streets':
        return fc.subarray(streets, { minLength: 1 });
      case 'district':
        return fc.constantFrom(DISTRICT, DISTRICT, '320102');
      case 'location':
        return near;
      case 'month':
      case 'startMonth':
        return fc.constantFrom(...months);
      case 'date':
        return fc.integer({ min: -40, max: 1 }).map((d) => chinaDate(d));
      case 'startedAt':
      case 'endedAt':
        return recentTime;
      case 'preferences':
        return providerIds.length > 0 ? fc.uniqueArray(fc.constantFrom(...providerIds), { minLength: 1, maxLength: 5 }) : undefined;
      case 'providerId':
        return providerIds.length > 0 ? fc.constantFrom(...providerIds) : undefined;
      case 'code':
        return codes.length > 0 ? fc.constantFrom(...codes) : undefined;
      default:
        return undefined;
    }
  };
}
