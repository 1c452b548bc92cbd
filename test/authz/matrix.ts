import type { HttpRoute } from '@huimin/functions/wiring';
import { chinaDate, chinaMonth, hoursFromNow, type Json, OTHER_DISTRICT, OTHER_DISTRICT_STREET, OTHER_STREET, PROGRAMMES, type Principal, type Programme, THIS_DISTRICT, THIS_STREET, type World } from './world';

/**
 * What the matrix asks of each route: the records it is tried on, the body it sends, and for writes
 * what a refused request must leave unchanged. The expected answer of each cell comes from
 * `expectedFor` — the route's roles in the wiring table and CONTRACT.md's ownership rules — never
 * from what the API answered.
 */

/** A record a cell is tried on, with what decides whose it is. */
export type Target =
  | { kind: 'application'; label: string; programme: Programme; id: string; ownerSub: string; district: string }
  | { kind: 'assignment'; label: string; programme: Programme; id: string; providerId: string; district: string; appOwnerSub: string; appId: string }
  | { kind: 'subsidy'; label: string; programme: Programme; id: string; district: string; appId: string }
  | { kind: 'settlement'; label: string; programme: Programme; id: string; district: string }
  | { kind: 'round'; label: string; programme: Programme; id: string; district: string }
  | { kind: 'provider'; label: string; programme: Programme; id: string; district: string }
  /** POST /applications: the resident the application is for (grid workers: residents of their street only). */
  | { kind: 'subject'; label: string; programme: Programme; district: string; street: string }
  /** GET /programmes/{type}/providers: a public directory, no owner. */
  | { kind: 'programme'; label: string; programme: Programme };

export type Expected = { allow: true; why: string } | { allow: false; status: 401 | 403 | 404; why: string };

/**
 * The rule, from CONTRACT.md:
 * - public routes (/health, /openapi.json) answer anyone;
 * - no, forged or expired token: 401 ("no or bad token");
 * - a role the route's wiring does not admit: 403 ("wrong role");
 * - staff and another district's record: 403 ("someone else's district");
 * - a family, grid worker or provider and a record that is not theirs: 404 ("not found or not yours"),
 *   which hides whether it exists. A family or grid worker owns the applications they filed (and
 *   reads those applications' assignments); a provider owns the assignments made to it and its own
 *   provider record; a grid worker files only for residents of their own street (403 otherwise).
 */
export function expectedFor(route: HttpRoute, p: Principal, t: Target | undefined): Expected {
  if (route.roles === 'public') return { allow: true, why: 'public route' };
  if (p.auth !== 'valid') return { allow: false, status: 401, why: `${p.auth} token` };
  if (!p.role || !route.roles.includes(p.role)) return { allow: false, status: 403, why: `role ${p.role} not in [${route.roles.join(', ')}]` };
  if (!t) return { allow: true, why: `role ${p.role} admitted` };
  const own = (yes: boolean, otherwise: 403 | 404, why: string): Expected => (yes ? { allow: true, why: `own: ${why}` } : { allow: false, status: otherwise, why: `not own: ${why}` });
  const providerOf = (programme: Programme) => p.providerIds?.[programme];
  switch (t.kind) {
    case 'programme':
      return { allow: true, why: 'public directory for any signed-in role' };
    case 'subject':
      if (p.role === 'grid') return own(p.district === t.district && p.street === t.street, 403, 'grid workers file for residents of their street');
      return { allow: true, why: 'a family applies for anyone' };
    case 'application':
      if (p.role === 'staff') return own(p.district === t.district, 403, "staff: their district's applications");
      return own(p.sub === t.ownerSub, 404, 'the applications they filed');
    case 'assignment':
      if (p.role === 'staff') return own(p.district === t.district, 403, "staff: their district's assignments");
      if (p.role === 'provider') return own(providerOf(t.programme) === t.providerId, 404, 'assignments made to them');
      return own(p.sub === t.appOwnerSub, 404, "the assignments of their applications");
    case 'provider':
      if (p.role === 'staff') return own(p.district === t.district, 403, "staff: their district's providers");
      return own(providerOf(t.programme) === t.id, 404, 'their own provider record');
    case 'subsidy':
    case 'settlement':
    case 'round':
      return own(p.district === t.district, 403, `staff: their district's ${t.kind}s`);
  }
}

/** A status an admitted caller may get: success, or the business refusals 409 and 422 — never 401, 403 or 404. */
export function isAllowedStatus(status: number): boolean {
  return (status >= 200 && status < 300) || status === 409 || status === 422;
}

export interface RouteSpec {
  /** The records the route is tried on; without it, one cell per principal. */
  targets?: (w: World) => Target[];
  query?: string;
  body?: (w: World, p: Principal, t: Target | undefined) => unknown | Promise<unknown>;
  /** For writes: what a refused request must leave as it was. */
  snapshot?: (w: World, t: Target | undefined, body: unknown) => Promise<unknown>;
}

// ---- targets --------------------------------------------------------------------------------

function applications(w: World): Target[] {
  const out: Target[] = [];
  for (const [side, s] of [['A', w.A], ['B', w.B]] as const) {
    for (const programme of PROGRAMMES) {
      const app = s.apps[programme];
      out.push({ kind: 'application', label: `${side}·${programme}`, programme, id: app.id, ownerSub: s.familySub, district: s.district });
    }
  }
  for (const [label, app, who] of [['G·this', w.grid.mine, w.principals.gridThis], ['G·other', w.grid.other, w.principals.gridOther]] as const) {
    out.push({ kind: 'application', label, programme: 'meal', id: app.id, ownerSub: who.sub!, district: THIS_DISTRICT });
  }
  return out;
}

function assignments(w: World): Target[] {
  const out: Target[] = [];
  for (const [side, s] of [['A', w.A], ['B', w.B]] as const) {
    for (const programme of PROGRAMMES) {
      const app = s.apps[programme];
      out.push({ kind: 'assignment', label: `${side}·${programme}`, programme, id: app.assignment.id, providerId: app.assignment.providerId, district: s.district, appOwnerSub: s.familySub, appId: app.id });
    }
  }
  for (const [label, app, who] of [['G·this', w.grid.mine, w.principals.gridThis], ['G·other', w.grid.other, w.principals.gridOther]] as const) {
    out.push({ kind: 'assignment', label, programme: 'meal', id: app.assignment.id, providerId: app.assignment.providerId, district: THIS_DISTRICT, appOwnerSub: who.sub!, appId: app.id });
  }
  return out;
}

const sides = (w: World) => [['A', w.A], ['B', w.B]] as const;
const subsidies = (w: World): Target[] => sides(w).map(([l, s]) => ({ kind: 'subsidy', label: l, programme: 'meal', id: s.pending.subsidy.id, district: s.district, appId: s.pending.id }));
const settlements = (w: World): Target[] => sides(w).map(([l, s]) => ({ kind: 'settlement', label: l, programme: 'meal', id: s.settlementId, district: s.district }));
const rounds = (w: World): Target[] => sides(w).map(([l, s]) => ({ kind: 'round', label: l, programme: 'childcare', id: s.roundId, district: s.district }));
const providers = (w: World): Target[] =>
  sides(w).flatMap(([l, s]) => PROGRAMMES.map((programme): Target => ({ kind: 'provider', label: `${l === 'A' ? 'X' : 'Y'}·${programme}`, programme, id: s.providerIds[programme], district: s.district })));
const subjects = (): Target[] => [
  { kind: 'subject', label: 'this street', programme: 'retrofit', district: THIS_DISTRICT, street: THIS_STREET },
  { kind: 'subject', label: 'another street', programme: 'retrofit', district: THIS_DISTRICT, street: OTHER_STREET },
  { kind: 'subject', label: 'another district', programme: 'retrofit', district: OTHER_DISTRICT, street: OTHER_DISTRICT_STREET },
];
const programmeTargets = (): Target[] => PROGRAMMES.map((programme) => ({ kind: 'programme', label: programme, programme }));

const SUBJECT_LOCATIONS: Record<string, { lat: number; lng: number }> = {
  [THIS_STREET]: { lat: 32.105, lng: 118.93 },
  [OTHER_STREET]: { lat: 32.045, lng: 118.88 },
  [OTHER_DISTRICT_STREET]: { lat: 32.07, lng: 118.8 },
};

// ---- snapshots ------------------------------------------------------------------------------

async function allPages<T>(read: (nextToken?: string) => Promise<{ items: T[]; nextToken?: string }>): Promise<T[]> {
  const out: T[] = [];
  let token: string | undefined;
  do {
    const page = await read(token);
    out.push(...page.items);
    token = page.nextToken;
  } while (token);
  return out;
}

async function applicationSnapshot(w: World, appId: string) {
  const { store } = w.stack;
  const app = await store.getApplication(appId);
  const assignment = app?.assignment ? await store.getAssignment(app.assignment.id) : undefined;
  const subsidy = app?.subsidy ? await store.getSubsidy(app.subsidy.id) : undefined;
  return { app, assignment, subsidy };
}

async function assignmentSnapshot(w: World, t: Target | undefined) {
  if (t?.kind !== 'assignment') throw new Error(`an assignment route tried on ${t?.kind}`);
  const { store } = w.stack;
  return {
    ...(await applicationSnapshot(w, t.appId)),
    direct: await store.getAssignment(t.id),
    records: await allPages((nextToken) => store.listServiceRecordsOf(t.id, { limit: 100, ...(nextToken ? { nextToken } : {}) })),
    visits: await allPages((nextToken) => store.listVisits(t.id, { limit: 100, ...(nextToken ? { nextToken } : {}) })),
  };
}

const snapApplication = (w: World, t: Target | undefined) => {
  if (t?.kind !== 'application') throw new Error(`an application route tried on ${t?.kind}`);
  return applicationSnapshot(w, t.id);
};

async function districtApplications(w: World) {
  const { store } = w.stack;
  const count = async (district: string) => (await allPages((nextToken) => store.listApplicationsByDistrict(district, { limit: 100, ...(nextToken ? { nextToken } : {}) }))).length;
  return { [THIS_DISTRICT]: await count(THIS_DISTRICT), [OTHER_DISTRICT]: await count(OTHER_DISTRICT) };
}

// ---- bodies ---------------------------------------------------------------------------------

function capacityBody(w: World, t: Target | undefined): Promise<Json> {
  if (t?.kind !== 'provider') throw new Error('capacity needs a provider');
  return w.stack.store.getProvider(t.id).then((p) => {
    if (!p) throw new Error(`provider ${t.id} missing`);
    // The figure it already has: an admitted caller changes nothing that matters to other cells.
    switch (t.programme) {
      case 'meal':
        return { capacity: p.capacity };
      case 'home-visit':
        return { hoursPerMonth: p.capacity };
      case 'retrofit':
        return { concurrentJobs: p.capacity };
      case 'childcare':
        return { places: Object.fromEntries(Object.entries(p.pools ?? {}).map(([code, pool]) => [code, pool.capacity])) };
    }
  });
}

/** The routes, in the order the matrix runs them: reads first, then writes in the order a flow takes them, destructive ones last. */
export const ROUTE_SPECS: Record<string, RouteSpec> = {
  'GET /health': {},
  'GET /openapi.json': {},
  'GET /programmes': {},
  'GET /programmes/{type}/providers': { targets: programmeTargets, query: `district=${THIS_DISTRICT}` },
  'GET /applications': {},
  'GET /applications/{id}': { targets: applications },
  'GET /assignments': {},
  'GET /assignments/{id}/records': { targets: assignments },
  'GET /assignments/{id}/visits': { targets: assignments },
  'GET /subsidies': {},
  'GET /settlements': {},
  'GET /settlements/{id}': { targets: settlements },
  'GET /providers': {},
  'GET /allocation-rounds': {},
  'GET /allocation-rounds/{id}': { targets: rounds },
  'GET /reports/supply-demand': { query: 'type=meal' },
  'GET /notifications': {},

  'PUT /providers/{id}/capacity': {
    targets: providers,
    body: (w, _p, t) => capacityBody(w, t),
    snapshot: async (w, t) => w.stack.store.getProvider((t as Extract<Target, { kind: 'provider' }>).id),
  },
  'POST /providers': {
    body: (_w, p) => ({
      kind: 'meal',
      name: '矩阵测试助餐点',
      street: p.district === OTHER_DISTRICT ? OTHER_DISTRICT_STREET : THIS_STREET,
      location: p.district === OTHER_DISTRICT ? { lat: 32.07, lng: 118.8 } : { lat: 32.106, lng: 118.931 },
      capacity: 0,
      diets: [],
    }),
    snapshot: async (w) => ({
      [THIS_DISTRICT]: (await w.stack.store.listAllProvidersByDistrict(THIS_DISTRICT, 'meal')).length,
      [OTHER_DISTRICT]: (await w.stack.store.listAllProvidersByDistrict(OTHER_DISTRICT, 'meal')).length,
    }),
  },
  'POST /allocation-rounds': {
    body: () => ({ type: 'meal' }),
    snapshot: async (w) => ({
      [THIS_DISTRICT]: (await allPages((nextToken) => w.stack.store.listRoundsByDistrict(THIS_DISTRICT, { limit: 100, ...(nextToken ? { nextToken } : {}) }))).length,
      [OTHER_DISTRICT]: (await allPages((nextToken) => w.stack.store.listRoundsByDistrict(OTHER_DISTRICT, { limit: 100, ...(nextToken ? { nextToken } : {}) }))).length,
    }),
  },
  'POST /applications': {
    targets: subjects,
    body: (w, _p, t) => {
      const s = t as Extract<Target, { kind: 'subject' }>;
      // Care level 0 and no other ground: assessed INELIGIBLE at once, so an admitted cell reserves nothing.
      return {
        type: 'retrofit',
        applicant: { name: '王芳', phone: '13912345678' },
        subject: { name: '王秀英', idNumber: w.nextId('19440601'), address: { district: s.district, street: s.street, location: SUBJECT_LOCATIONS[s.street] } },
        needs: { careLevel: 0 },
      };
    },
    snapshot: async (w, _t, body) => {
      const idNumber = (body as Json).subject.idNumber as string;
      return { open: await w.stack.store.getOpenApplication('retrofit', w.stack.store.openApplicationKey(idNumber)), counts: await districtApplications(w) };
    },
  },
  'POST /subsidies/{id}/approve': { targets: subsidies, body: () => ({ note: '矩阵测试' }), snapshot: (w, t) => applicationSnapshot(w, (t as Extract<Target, { kind: 'subsidy' }>).appId) },
  'POST /subsidies/{id}/reject': { targets: subsidies, body: () => ({ reason: '矩阵测试' }), snapshot: (w, t) => applicationSnapshot(w, (t as Extract<Target, { kind: 'subsidy' }>).appId) },
  'POST /assignments/{id}/accept': { targets: assignments, body: () => ({}), snapshot: assignmentSnapshot },
  'POST /assignments/{id}/meals': { targets: assignments, body: () => ({ date: chinaDate(), count: 1 }), snapshot: assignmentSnapshot },
  'POST /assignments/{id}/visits': {
    targets: assignments,
    body: (w, _p, t) => {
      const a = t as Extract<Target, { kind: 'assignment' }>;
      const home = a.label.startsWith('B') ? w.B.home : w.A.home;
      return { startedAt: hoursFromNow(-1.5), endedAt: hoursFromNow(-1), services: ['cleaning'], location: { lat: home.lat + 0.0001, lng: home.lng + 0.0001 } };
    },
    snapshot: assignmentSnapshot,
  },
  'POST /assignments/{id}/plan': { targets: assignments, body: () => ({ items: [{ code: 'grab-bar', quantity: 3, unitPrice: 150 }] }), snapshot: assignmentSnapshot },
  'POST /applications/{id}/plan/confirm': { targets: applications, body: () => ({}), snapshot: snapApplication },
  'POST /assignments/{id}/complete': { targets: assignments, body: () => ({ note: '矩阵测试' }), snapshot: assignmentSnapshot },
  'POST /applications/{id}/inspection': { targets: applications, body: () => ({ passed: true }), snapshot: snapApplication },
  'POST /applications/{id}/offer/accept': { targets: applications, body: () => ({}), snapshot: snapApplication },
  'POST /applications/{id}/offer/decline': { targets: applications, body: () => ({}), snapshot: snapApplication },
  'POST /settlements': {
    body: () => ({ type: 'meal', month: chinaMonth() }),
    snapshot: async (w) => ({
      months: [await w.stack.store.getSettlementMonth(THIS_DISTRICT, 'meal', chinaMonth()), await w.stack.store.getSettlementMonth(OTHER_DISTRICT, 'meal', chinaMonth())],
      statements: [(await w.stack.store.listSettlements(THIS_DISTRICT, { limit: 100 })).items.length, (await w.stack.store.listSettlements(OTHER_DISTRICT, { limit: 100 })).items.length],
    }),
  },
  'POST /settlements/{id}/approve': { targets: settlements, body: () => ({}), snapshot: (w, t) => w.stack.store.getSettlement((t as Extract<Target, { kind: 'settlement' }>).id) },
  'GET /settlements/{id}/export': { targets: settlements },
  'POST /assignments/{id}/decline': { targets: assignments, body: () => ({ reason: '矩阵测试' }), snapshot: assignmentSnapshot },
  'POST /applications/{id}/cancel': { targets: applications, body: () => ({}), snapshot: snapApplication },
};

/** The request path of a route for one target: `{id}` is the record's id, `{type}` its programme. */
export function pathFor(path: string, t: Target | undefined): string {
  return path.replace('{id}', t && 'id' in t ? encodeURIComponent(t.id) : '{id}').replace('{type}', t ? t.programme : '{type}');
}
