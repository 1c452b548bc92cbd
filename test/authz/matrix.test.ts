import { randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FUNCTION_SPECS, type HttpRoute, routeKeyOf } from '@huimin/functions/wiring';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { type LocalStack, startLocalStack } from '../../packages/local/src/stack';
import { type Expected, expectedFor, isAllowedStatus, pathFor, ROUTE_SPECS, type Target } from './matrix';
import { buildWorld, type Json, OTHER_DISTRICT, PRINCIPALS, PROGRAMMES, type PrincipalName, type Programme, THIS_DISTRICT, type World } from './world';

/**
 * The authorisation matrix (issue 12): every route of the wiring table × eleven principals × the
 * records the route acts on (own and someone else's, in every programme where the route differs),
 * each cell checked against the rule in `matrix.ts` (the route's roles + CONTRACT.md's ownership
 * rules). A refused write must leave the record as it was; lists never show another principal's
 * records. The summary printed at the end is what the closing note quotes.
 */

let stack: LocalStack;
let w: World;
let openapi: Json;

const WIRING: { key: string; route: HttpRoute }[] = FUNCTION_SPECS.flatMap(([, spec]) => ((spec.http ?? []) as readonly HttpRoute[]).map((route) => ({ key: routeKeyOf(route), route })));

interface Cell {
  route: string;
  target: string;
  principal: PrincipalName;
  status: number;
  expected: Expected;
  ok: boolean;
  problem?: string;
  request: { method: string; path: string; body?: unknown };
}
const cells: Cell[] = [];

beforeAll(async () => {
  stack = await startLocalStack({ port: 0, dynamoEndpoint: inject('dynamoEndpoint'), tableName: `authz-${randomUUID().slice(0, 8)}`, retryDelaysMs: [20, 50, 200] });
  w = await buildWorld(stack);
  const doc = await fetch(`${stack.url}/openapi.json`);
  expect(doc.status).toBe(200);
  openapi = (await doc.json()) as Json;
}, 180_000);

afterAll(async () => {
  try {
    if (cells.length) printSummary();
  } finally {
    await stack?.stop();
  }
});

/** One request as a client sends it; bodies that are not JSON (the CSV export) are kept as text. */
async function send(method: string, path: string, token: string | undefined, body: unknown): Promise<{ status: number; json: Json | undefined }> {
  const headers: Record<string, string> = {};
  if (token) headers.authorization = `Bearer ${token}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(`${stack.url}${path}`, { method, headers, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
  const text = await res.text();
  let json: Json | undefined;
  try {
    json = text ? (JSON.parse(text) as Json) : undefined;
  } catch {
    json = undefined;
  }
  return { status: res.status, json };
}

/** Waits for the stack's consumers to finish what earlier cells started, so a snapshot sees only this cell. */
async function quiesce() {
  await stack.settle();
  await new Promise((r) => setTimeout(r, 400));
  await stack.settle();
}

async function inBatches<T>(items: T[], size: number, run: (item: T) => Promise<void>) {
  for (let i = 0; i < items.length; i += size) await Promise.all(items.slice(i, i + size).map(run));
}

async function runRoute(key: string, route: HttpRoute) {
  const spec = ROUTE_SPECS[key]!;
  const targets: (Target | undefined)[] = spec.targets ? spec.targets(w) : [undefined];
  const planned = targets.flatMap((t) => PRINCIPALS.map((name) => ({ t, name, expected: expectedFor(route, w.principals[name], t) })));
  await quiesce();

  // "404 not found or not yours" hides existence: a 404 for someone else's record must read exactly as
  // the 404 for an id that does not exist (same code and messages), asked by the same principal.
  const ghosts = new Map<string, Promise<Json | undefined>>();
  const ghostError = (name: PrincipalName, t: Target, body: unknown) => {
    const key = `${name}:${t.programme}`;
    if (!ghosts.has(key)) {
      const path = route.path.replace('{id}', `ghost-${randomUUID()}`) + (spec.query ? `?${spec.query}` : '');
      ghosts.set(
        key,
        send(route.method, path, w.token(name, t.programme), body).then((r) => (r.status === 404 ? r.json?.error : { status: r.status })),
      );
    }
    return ghosts.get(key)!;
  };

  const runCell = async ({ t, name, expected }: (typeof planned)[number]) => {
    const principal = w.principals[name];
    const body = spec.body ? await spec.body(w, principal, t) : route.method === 'GET' ? undefined : {};
    const path = pathFor(route.path, t) + (spec.query ? `?${spec.query}` : '');
    const before = !expected.allow && spec.snapshot ? JSON.stringify(await spec.snapshot(w, t, body)) : undefined;
    const res = await send(route.method, path, w.token(name, t?.programme as Programme | undefined), body);
    const problems: string[] = [];
    if (expected.allow) {
      if (!isAllowedStatus(res.status)) problems.push(`expected 2xx/409/422 (${expected.why}), got ${res.status} ${res.json?.error?.code ?? ''}`.trim());
    } else {
      if (res.status !== expected.status) problems.push(`expected ${expected.status} (${expected.why}), got ${res.status} ${res.json?.error?.code ?? ''}`.trim());
      const error = res.json?.error as Json | undefined;
      if (!error?.code || !error.messageZh || !error.message || !error.requestId) problems.push('refusal body is not the contract error shape');
      if (expected.status === 404 && res.status === 404 && t && route.path.includes('{id}')) {
        const ghost = await ghostError(name, t, body);
        const seen = { code: error?.code, message: error?.message, messageZh: error?.messageZh };
        const missing = { code: ghost?.code, message: ghost?.message, messageZh: ghost?.messageZh };
        if (JSON.stringify(seen) !== JSON.stringify(missing)) problems.push(`the 404 for another's record differs from the 404 for a missing one: ${JSON.stringify(seen)} vs ${JSON.stringify(ghost)}`);
      }
      if (before !== undefined) {
        const after = JSON.stringify(await spec.snapshot!(w, t, body));
        if (after !== before) problems.push('a refused write changed the record');
      }
    }
    cells.push({
      route: key,
      target: t?.label ?? '-',
      principal: name,
      status: res.status,
      expected,
      ok: problems.length === 0,
      ...(problems.length ? { problem: problems.join('; ') } : {}),
      request: { method: route.method, path, ...(body !== undefined ? { body } : {}) },
    });
  };

  // Refusals first (they must not depend on the record's state), then the admitted calls one by one.
  await inBatches(
    planned.filter((c) => !c.expected.allow),
    4,
    runCell,
  );
  for (const c of planned.filter((c) => c.expected.allow)) await runCell(c);

  const wrong = cells.filter((c) => c.route === key && !c.ok).map((c) => `${c.principal} on ${c.target}: ${c.problem}`);
  expect(wrong, `${key}: cells that break the rule`).toEqual([]);
}

// ---- coverage -------------------------------------------------------------------------------

describe('the matrix covers every route', () => {
  it('has a row for every HTTP route of the wiring table, and no row the wiring lacks', () => {
    const wiring = WIRING.map((r) => r.key).sort();
    const matrix = Object.keys(ROUTE_SPECS).sort();
    expect(
      wiring.filter((k) => !matrix.includes(k)),
      'routes in functions/src/wiring.ts that the authorisation matrix does not cover: add them to ROUTE_SPECS in test/authz/matrix.ts',
    ).toEqual([]);
    expect(
      matrix.filter((k) => !wiring.includes(k)),
      'matrix rows with no route in the wiring',
    ).toEqual([]);
  });

  it('finds the same routes and roles in the served OpenAPI document', () => {
    const documented: string[] = [];
    for (const [path, ops] of Object.entries(openapi.paths as Json)) {
      for (const method of Object.keys(ops as Json)) documented.push(`${method.toUpperCase()} ${path}`);
    }
    expect(documented.sort()).toEqual(WIRING.map((r) => r.key).sort());
    for (const { route } of WIRING) {
      const op = openapi.paths[route.path][route.method.toLowerCase()] as Json;
      if (route.roles === 'public') expect(op.security, routeKeyOf(route)).toEqual([]);
      else expect([...op['x-roles']].sort(), routeKeyOf(route)).toEqual([...route.roles].sort());
    }
  });
});

// ---- lists ----------------------------------------------------------------------------------

/** Every item of a list, following `nextToken`. */
async function listAll(path: string, token: string | undefined): Promise<Json[]> {
  const items: Json[] = [];
  let next: string | undefined;
  do {
    const sep = path.includes('?') ? '&' : '?';
    const res = await send('GET', next ? `${path}${sep}nextToken=${encodeURIComponent(next)}` : path, token, undefined);
    expect(res.status, `GET ${path}: ${JSON.stringify(res.json)}`).toBe(200);
    items.push(...(res.json!.items as Json[]));
    next = res.json!.nextToken as string | undefined;
  } while (next);
  return items;
}
const ids = (items: Json[]) => items.map((i) => i.id as string);
const sideApps = (s: World['A']) => [...PROGRAMMES.map((p) => s.apps[p].id as string), s.pending.id as string];

describe('lists never show another principal’s records', () => {
  it("GET /applications: a family sees its own only, a grid worker what they filed, staff their district's", async () => {
    const a = ids(await listAll('/applications', w.token('familyA')));
    const b = ids(await listAll('/applications', w.token('familyB')));
    const gThis = ids(await listAll('/applications', w.token('gridThis')));
    const gOther = ids(await listAll('/applications', w.token('gridOther')));
    const sThis = ids(await listAll('/applications', w.token('staffThis')));
    const sOther = ids(await listAll('/applications', w.token('staffOther')));

    expect(a).toEqual(expect.arrayContaining(sideApps(w.A)));
    expect(b).toEqual(expect.arrayContaining(sideApps(w.B)));
    expect(b.filter((id) => a.includes(id)), "family B's list holds family A's applications").toEqual([]);
    expect(gThis).toContain(w.grid.mine.id);
    expect(gOther).toContain(w.grid.other.id);
    expect(gOther.filter((id) => gThis.includes(id) || a.includes(id)), "the other street's grid worker sees this street's applications").toEqual([]);
    expect(gThis.filter((id) => gOther.includes(id) || a.includes(id)), "this street's grid worker sees others' applications").toEqual([]);
    expect(sThis).toEqual(expect.arrayContaining([...sideApps(w.A), w.grid.mine.id, w.grid.other.id]));
    expect(sOther).toEqual(expect.arrayContaining(sideApps(w.B)));
    expect(sOther.filter((id) => sThis.includes(id)), "the other district's staff see this district's applications").toEqual([]);
    // Every item, read from the table: whose it is.
    const owners = async (list: string[]) => Promise.all(list.map(async (id) => (await stack.store.getApplication(id))!));
    for (const [list, sub] of [[a, w.A.familySub], [b, w.B.familySub], [gThis, w.principals.gridThis.sub], [gOther, w.principals.gridOther.sub]] as const) {
      expect((await owners(list)).filter((app) => app.ownerSub !== sub).map((app) => app.id)).toEqual([]);
    }
    for (const [list, district] of [[sThis, THIS_DISTRICT], [sOther, OTHER_DISTRICT]] as const) {
      expect((await owners(list)).filter((app) => app.district !== district).map((app) => app.id)).toEqual([]);
    }
  });

  it("GET /assignments: provider Y sees none of provider X's assignments, in every programme", async () => {
    for (const programme of PROGRAMMES) {
      const x = await listAll('/assignments', w.token('providerX', programme));
      const y = await listAll('/assignments', w.token('providerY', programme));
      expect(ids(x), programme).toContain(w.A.apps[programme].assignment.id);
      expect(ids(y), programme).toContain(w.B.apps[programme].assignment.id);
      expect(ids(y).filter((id) => ids(x).includes(id)), `${programme}: provider Y sees provider X's assignments`).toEqual([]);
      expect(x.filter((i) => i.providerId !== w.A.providerIds[programme]).map((i) => i.id), `${programme}: X's list`).toEqual([]);
      expect(y.filter((i) => i.providerId !== w.B.providerIds[programme]).map((i) => i.id), `${programme}: Y's list`).toEqual([]);
      for (const id of ids(y)) expect((await stack.store.getAssignment(id))?.providerId, id).toBe(w.B.providerIds[programme]);
    }
  });

  it("GET /subsidies, /settlements, /providers, /allocation-rounds: staff of another district see none of this district's", async () => {
    const reads = {
      '/subsidies': async (id: string) => (await stack.store.getSubsidy(id))?.district,
      '/settlements': async (id: string) => (await stack.store.getSettlement(id))?.district,
      '/providers': async (id: string) => (await stack.store.getProvider(id))?.district,
      '/allocation-rounds': async (id: string) => (await stack.store.getRound(id))?.district,
    };
    const known = {
      '/subsidies': [w.A.pending.subsidy.id, w.B.pending.subsidy.id],
      '/settlements': [w.A.settlementId, w.B.settlementId],
      '/providers': [w.A.providerIds.meal, w.B.providerIds.meal],
      '/allocation-rounds': [w.A.roundId, w.B.roundId],
    } as const;
    for (const [path, districtOf] of Object.entries(reads) as [keyof typeof reads, (id: string) => Promise<string | undefined>][]) {
      const mine = ids(await listAll(path, w.token('staffThis')));
      const theirs = ids(await listAll(path, w.token('staffOther')));
      const [a, b] = known[path];
      expect(mine, `${path}: this district's own record`).toContain(a);
      expect(theirs, `${path}: the other district's own record`).toContain(b);
      expect(mine, `${path}: this district's staff see the other district's`).not.toContain(b);
      expect(theirs, `${path}: the other district's staff see this district's`).not.toContain(a);
      expect((await Promise.all(theirs.map(districtOf))).filter((d) => d !== OTHER_DISTRICT), `${path}: items of the other district's list from elsewhere`).toEqual([]);
      expect((await Promise.all(mine.map(districtOf))).filter((d) => d !== THIS_DISTRICT), `${path}: items of this district's list from elsewhere`).toEqual([]);
    }
  });
});

describe('inboxes and contact details reach only whose they are', () => {
  it('GET /notifications: each inbox holds messages about its own records only', async () => {
    const about = async (path: string, token: string | undefined) => (await listAll(path, token)) as { applicationId?: string; assignmentId?: string }[];
    const a = await about('/notifications', w.token('familyA'));
    const b = await about('/notifications', w.token('familyB'));
    // The fixtures offered, accepted and waitlisted: each family was told something.
    expect(a.length, "family A's inbox").toBeGreaterThan(0);
    expect(b.length, "family B's inbox").toBeGreaterThan(0);
    for (const [inbox, sub] of [[a, w.A.familySub], [b, w.B.familySub]] as const) {
      const owners = await Promise.all(inbox.map(async (n) => (await stack.store.getApplication(n.applicationId!))?.ownerSub));
      expect(owners.filter((o) => o !== sub), `${sub}'s inbox tells of others' applications`).toEqual([]);
    }
    for (const programme of PROGRAMMES) {
      for (const [name, providerId] of [['providerX', w.A.providerIds[programme]], ['providerY', w.B.providerIds[programme]]] as const) {
        const inbox = await about('/notifications', w.token(name, programme));
        const apps = await Promise.all(inbox.map(async (n) => stack.store.getApplication(n.applicationId!)));
        const assignments = await Promise.all(inbox.filter((n) => n.assignmentId).map(async (n) => stack.store.getAssignment(n.assignmentId!)));
        expect(assignments.filter((x) => x?.providerId !== providerId).map((x) => x?.id), `${programme} ${name}: another provider's assignments`).toEqual([]);
        expect(apps.filter((x) => x === undefined).length, `${programme} ${name}: messages about no application`).toBe(0);
      }
    }
    for (const [name, district] of [['staffThis', THIS_DISTRICT], ['staffOther', OTHER_DISTRICT]] as const) {
      const inbox = await about('/notifications', w.token(name));
      expect(inbox.length, `${name}'s inbox: a subsidy waits`).toBeGreaterThan(0);
      const districts = await Promise.all(inbox.map(async (n) => (await stack.store.getApplication(n.applicationId!))?.district));
      expect(districts.filter((d) => d !== district), `${name}'s inbox tells of another district`).toEqual([]);
    }
  });

  it("contact details appear only once an offer is accepted, and only to that provider and that family", async () => {
    for (const programme of PROGRAMMES) {
      for (const [name, side] of [['providerX', w.A], ['providerY', w.B]] as const) {
        const items = (await listAll('/assignments', w.token(name, programme))) as { status: string; applicationId: string; resident?: { phone: string } }[];
        const early = items.filter((i) => i.status === 'OFFERED' && i.resident);
        expect(early.map((i) => i.applicationId), `${programme} ${name}: a resident's contact before accepting`).toEqual([]);
        for (const i of items.filter((x) => x.resident)) {
          const app = await stack.store.getApplication(i.applicationId);
          expect(app?.ownerSub, `${programme} ${name}: a contact of another side's resident`).toBe(side.familySub);
        }
      }
      for (const [name, side] of [['familyA', w.A], ['familyB', w.B]] as const) {
        const app = side.apps[programme] as { id: string };
        const view = (await send('GET', `/applications/${app.id}`, w.token(name), undefined)).json as { assignment?: { status: string; contact?: unknown } | null };
        const shown = view.assignment?.contact !== undefined;
        expect(shown, `${programme} ${name}: contact shown while the assignment is ${view.assignment?.status}`).toBe(['ACCEPTED', 'COMPLETED'].includes(view.assignment?.status ?? ''));
      }
    }
  });
});

describe('a page token does not open another principal’s list', () => {
  // A token from one principal's list, replayed on another's: the other list's own items or a 400 — never
  // the first principal's records, never a 5xx.
  const cases = [
    { path: '/applications', from: 'familyA', to: 'familyB', ownerOf: async (id: string) => (await stack.store.getApplication(id))?.ownerSub, owner: () => w.B.familySub },
    { path: '/applications', from: 'gridThis', to: 'gridOther', ownerOf: async (id: string) => (await stack.store.getApplication(id))?.ownerSub, owner: () => w.principals.gridOther.sub },
    { path: '/applications', from: 'staffThis', to: 'staffOther', ownerOf: async (id: string) => (await stack.store.getApplication(id))?.district, owner: () => OTHER_DISTRICT },
    { path: '/assignments', from: 'providerX', to: 'providerY', ownerOf: async (id: string) => (await stack.store.getAssignment(id))?.providerId, owner: () => w.B.providerIds.meal },
  ] as const;
  for (const c of cases) {
    it(`GET ${c.path}: ${c.from}'s page token replayed by ${c.to}`, async () => {
      const first = await send('GET', `${c.path}?limit=1`, w.token(c.from), undefined);
      expect(first.status).toBe(200);
      const token = first.json!.nextToken as string | undefined;
      expect(token, `${c.from} has more than one item, so a page token`).toBeDefined();

      const replayed = await send('GET', `${c.path}?limit=50&nextToken=${encodeURIComponent(token!)}`, w.token(c.to), undefined);

      expect([200, 400], `status ${replayed.status}: ${JSON.stringify(replayed.json)}`).toContain(replayed.status);
      const foreign = [];
      for (const item of (replayed.json?.items ?? []) as Json[]) if ((await c.ownerOf(item.id)) !== c.owner()) foreign.push(item.id);
      expect(foreign, `${c.to} reads ${c.from}'s records through a replayed page token`).toEqual([]);
    });
  }
});

// ---- the matrix ------------------------------------------------------------------------------

describe('route × principal × record', () => {
  for (const key of Object.keys(ROUTE_SPECS)) {
    const found = WIRING.find((r) => r.key === key);
    it(key, async () => {
      expect(found, `${key} is in the matrix but not in the wiring`).toBeDefined();
      await runRoute(key, found!.route);
    });
  }
  // A route added to the wiring without a row fails here, by name, as well as in the coverage test.
  for (const { key } of WIRING.filter((r) => !(r.key in ROUTE_SPECS))) {
    it(`${key} (not covered)`, () => {
      expect.fail(`${key} is in functions/src/wiring.ts but the authorisation matrix has no row for it (test/authz/matrix.ts ROUTE_SPECS)`);
    });
  }
});

// ---- the summary -------------------------------------------------------------------------------

const SHORT: Record<PrincipalName, string> = {
  none: 'none',
  forged: 'forged',
  expired: 'expired',
  familyA: 'famA',
  familyB: 'famB',
  providerX: 'provX',
  providerY: 'provY',
  staffThis: 'staff',
  staffOther: 'staff2',
  gridThis: 'grid',
  gridOther: 'grid2',
};

function printSummary() {
  const routes = [...new Set(cells.map((c) => c.route))];
  const width = Math.max(...routes.map((r) => r.length)) + 1;
  const col = 13;
  const lines: string[] = [];
  lines.push(`authorisation matrix: ${cells.length} cells = ${routes.length} routes × ${PRINCIPALS.length} principals × their records; ${cells.filter((c) => !c.ok).length} break the rule`);
  lines.push(`principals: ${PRINCIPALS.join(', ')}; each column lists the distinct statuses over the route's records, admitted cells first, then refused ones; '!' marks a cell that broke the rule`);
  lines.push(`${'route'.padEnd(width)}${PRINCIPALS.map((p) => SHORT[p].padEnd(col)).join('')}records`);
  for (const route of routes) {
    const rows = cells.filter((c) => c.route === route);
    const targets = [...new Set(rows.map((c) => c.target))];
    const statuses = PRINCIPALS.map((p) => {
      const own = rows.filter((c) => c.principal === p && c.expected.allow).map((c) => c.status);
      const other = rows.filter((c) => c.principal === p && !c.expected.allow).map((c) => c.status);
      const mark = rows.some((c) => c.principal === p && !c.ok) ? '!' : '';
      return `${[...new Set([...own, ...other])].join('/')}${mark}`.padEnd(col);
    });
    lines.push(`${route.padEnd(width)}${statuses.join('')}${targets.length} (${targets.join(' ')})`);
  }
  const wrong = cells.filter((c) => !c.ok);
  if (wrong.length) {
    lines.push('', 'cells that break the rule (! above):');
    for (const c of wrong) lines.push(`  ${c.route} · ${c.principal} on ${c.target}: ${c.problem}   [${c.request.method} ${c.request.path}${c.request.body !== undefined ? ` ${JSON.stringify(c.request.body)}` : ''}]`);
  }
  const file = join(tmpdir(), 'huimin-authz-matrix.json');
  writeFileSync(file, JSON.stringify(cells, null, 1));
  lines.push('', `every cell with its request: ${file}`);
  console.log(lines.join('\n'));
}
