import { randomUUID } from 'node:crypto';
import { type ApplicationType, checkCharFor } from '@huimin/domain';
import type { Role } from '@huimin/functions/wiring';
import { expect } from 'vitest';
import type { LocalStack } from '../../packages/local/src/stack';
import { LocalTokens } from '../../packages/local/src/tokens';
import { apiClient } from '../e2e/client';
import { bornMonthsBefore, nextMonth } from '../support/calendar';
import { acceptedHoursAgo, eventually } from '../support/dynamo';

/**
 * The world the authorisation matrix runs in: eleven principals and two sets of records, one of
 * "family A / provider X / this district (320113, 仙林街道)" and one of "family B / provider Y /
 * another district (320102)", in every programme, plus one application filed by a grid worker of
 * this street and one by a grid worker of another street of the same district.
 */

// biome-ignore lint/suspicious/noExplicitAny: response bodies are read field by field, as a client would
export type Json = Record<string, any>;

export const PROGRAMMES = ['meal', 'home-visit', 'retrofit', 'childcare'] as const satisfies readonly ApplicationType[];
export type Programme = (typeof PROGRAMMES)[number];

export const THIS_DISTRICT = '320113';
export const OTHER_DISTRICT = '320102';
export const THIS_STREET = '仙林街道';
export const OTHER_STREET = '马群街道';
export const OTHER_DISTRICT_STREET = '玄武门街道';

export const PRINCIPALS = ['none', 'forged', 'expired', 'familyA', 'familyB', 'providerX', 'providerY', 'staffThis', 'staffOther', 'gridThis', 'gridOther'] as const;
export type PrincipalName = (typeof PRINCIPALS)[number];

/** Who a principal is, as the contract's rules need it; providers act for one provider per programme. */
export interface Principal {
  name: PrincipalName;
  auth: 'none' | 'forged' | 'expired' | 'valid';
  role?: Role;
  sub?: string;
  district?: string;
  street?: string;
  providerIds?: Record<Programme, string>;
}

/** One side of the world: its district, family, providers and records per programme. */
export interface Side {
  district: string;
  street: string;
  home: { lat: number; lng: number };
  familySub: string;
  providerIds: Record<Programme, string>;
  /** Applications per programme, in the states the fixtures left them. */
  apps: Record<Programme, Json>;
  /** A meal application left AWAITING_APPROVAL: its subsidy is PENDING. */
  pending: Json;
  settlementId: string;
  roundId: string;
}

export interface World {
  stack: LocalStack;
  call: ReturnType<typeof apiClient>;
  principals: Record<PrincipalName, Principal>;
  /** The bearer token a principal sends for a record of one programme (providers differ per programme). */
  token(p: PrincipalName, programme?: Programme): string | undefined;
  A: Side;
  B: Side;
  /** Applications filed by the grid worker of this street (G1) and of another street (G2), each offered at a meal point. */
  grid: { mine: Json; other: Json };
  nextId(birth?: string, district?: string): string;
}

const HOUR = 3_600_000;
/** An instant `hours` from now (negative: ago), as a phone in Nanjing would send it. */
export function hoursFromNow(hours: number): string {
  const t = new Date(Date.now() + hours * HOUR + 8 * HOUR);
  return `${t.toISOString().slice(0, 19)}+08:00`;
}
/** Today and the month in China. */
export const chinaDate = () => new Date(Date.now() + 8 * HOUR).toISOString().slice(0, 10);
export const chinaMonth = () => chinaDate().slice(0, 7);


export async function buildWorld(stack: LocalStack): Promise<World> {
  const call = apiClient(stack.url);
  let sequence = 500;
  const nextId = (birth = '19440315', district = THIS_DISTRICT) => {
    const first17 = `${district}${birth}${String(sequence++).padStart(3, '0')}`;
    return first17 + checkCharFor(first17);
  };

  const sign = stack.tokens.sign.bind(stack.tokens);
  const otherKey = LocalTokens.create();
  const subs = { familyA: `family-a-${randomUUID()}`, familyB: `family-b-${randomUUID()}`, gridThis: `grid-this-${randomUUID()}`, gridOther: `grid-other-${randomUUID()}` };
  const tokens = {
    // A staff token of this district signed with another key: everything about it is right but the signature.
    forged: await otherKey.sign({ role: 'staff', sub: 'forger', district: THIS_DISTRICT }),
    // A staff token of this district that expired a minute ago.
    expired: await sign({ role: 'staff', sub: 'expired-official', district: THIS_DISTRICT }, -60),
    familyA: await sign({ role: 'family', sub: subs.familyA }),
    familyB: await sign({ role: 'family', sub: subs.familyB }),
    staffThis: await sign({ role: 'staff', sub: 'official-this', district: THIS_DISTRICT }),
    staffOther: await sign({ role: 'staff', sub: 'official-other', district: OTHER_DISTRICT }),
    gridThis: await sign({ role: 'grid', sub: subs.gridThis, district: THIS_DISTRICT, street: THIS_STREET }),
    gridOther: await sign({ role: 'grid', sub: subs.gridOther, district: THIS_DISTRICT, street: OTHER_STREET }),
  };

  // Provider X: the seeded providers of this district nearest the example resident; provider Y: the same
  // programmes' providers registered by the other district's staff.
  const xIds: Record<Programme, string> = {
    meal: 'meal-320113-xianlin-01',
    'home-visit': 'home-visit-320113-yikang',
    retrofit: 'retrofit-320113-01',
    childcare: 'childcare-320113-xianlin',
  };
  const bHome = { lat: 32.07, lng: 118.8 };
  const near = { lat: bHome.lat + 0.002, lng: bHome.lng };
  const register = async (body: Json): Promise<string> => {
    const r = await call<Json>('POST', '/providers', { token: tokens.staffOther, body: { street: OTHER_DISTRICT_STREET, location: near, ...body } });
    expect(r.status, `register ${body.kind}: ${JSON.stringify(r.body)}`).toBe(201);
    return r.body.id as string;
  };
  const yIds: Record<Programme, string> = {
    meal: await register({ kind: 'meal', name: '玄武区测试助餐点', capacity: 10, diets: [] }),
    'home-visit': await register({ kind: 'home-visit', name: '玄武区测试居家服务站', hoursPerMonth: 200, services: ['cleaning', 'bathing'], streets: [OTHER_DISTRICT_STREET] }),
    retrofit: await register({ kind: 'retrofit', name: '玄武区测试改造公司', concurrentJobs: 3, streets: [OTHER_DISTRICT_STREET] }),
    childcare: await register({ kind: 'childcare', name: '玄武区测试托育园', places: { infant: 2, toddler: 4, older: 4 } }),
  };

  const providerTokens: Record<'providerX' | 'providerY', Record<Programme, string>> = { providerX: {} as Record<Programme, string>, providerY: {} as Record<Programme, string> };
  for (const p of PROGRAMMES) {
    providerTokens.providerX[p] = await sign({ role: 'provider', sub: `manager-x-${p}`, providerId: xIds[p] });
    providerTokens.providerY[p] = await sign({ role: 'provider', sub: `manager-y-${p}`, providerId: yIds[p] });
  }

  const principals: Record<PrincipalName, Principal> = {
    none: { name: 'none', auth: 'none' },
    forged: { name: 'forged', auth: 'forged', role: 'staff', sub: 'forger', district: THIS_DISTRICT },
    expired: { name: 'expired', auth: 'expired', role: 'staff', sub: 'expired-official', district: THIS_DISTRICT },
    familyA: { name: 'familyA', auth: 'valid', role: 'family', sub: subs.familyA },
    familyB: { name: 'familyB', auth: 'valid', role: 'family', sub: subs.familyB },
    providerX: { name: 'providerX', auth: 'valid', role: 'provider', providerIds: xIds },
    providerY: { name: 'providerY', auth: 'valid', role: 'provider', providerIds: yIds },
    staffThis: { name: 'staffThis', auth: 'valid', role: 'staff', sub: 'official-this', district: THIS_DISTRICT },
    staffOther: { name: 'staffOther', auth: 'valid', role: 'staff', sub: 'official-other', district: OTHER_DISTRICT },
    gridThis: { name: 'gridThis', auth: 'valid', role: 'grid', sub: subs.gridThis, district: THIS_DISTRICT, street: THIS_STREET },
    gridOther: { name: 'gridOther', auth: 'valid', role: 'grid', sub: subs.gridOther, district: THIS_DISTRICT, street: OTHER_STREET },
  };
  const token = (p: PrincipalName, programme: Programme = 'meal'): string | undefined => {
    if (p === 'none') return undefined;
    if (p === 'providerX' || p === 'providerY') return providerTokens[p][programme];
    return tokens[p];
  };

  const statusOf = (id: string, tok: string, want: readonly string[], what: string) =>
    eventually(
      async () => {
        const r = await call<Json>('GET', `/applications/${id}`, { token: tok });
        return want.includes(r.body.status) ? r.body : undefined;
      },
      `${what} to reach ${want.join(' or ')}`,
      30_000,
    );
  const submit = async (tok: string, body: Json, what: string): Promise<string> => {
    const r = await call<Json>('POST', '/applications', { token: tok, body });
    expect(r.status, `${what}: ${JSON.stringify(r.body)}`).toBe(202);
    return r.body.id as string;
  };
  const address = (district: string, street: string, location: { lat: number; lng: number }) => ({ district, street, detail: '1号', location });
  const elder = (idNumber: string, district: string, street: string, location: { lat: number; lng: number }) => ({
    name: '王秀英',
    idNumber,
    address: address(district, street, location),
  });

  /** A subsidised application approved by `staff` and offered; `accept` takes the offer as the provider. */
  async function offered(tok: string, staff: string, body: Json, what: string): Promise<Json> {
    const id = await submit(tok, body, what);
    const waiting = await statusOf(id, tok, ['AWAITING_APPROVAL'], what);
    const approved = await call<Json>('POST', `/subsidies/${waiting.subsidy.id}/approve`, { token: staff, body: {} });
    expect(approved.status, `${what} approval: ${JSON.stringify(approved.body)}`).toBe(200);
    return statusOf(id, tok, ['OFFERED'], what);
  }

  async function side(name: 'A' | 'B'): Promise<Side> {
    const district = name === 'A' ? THIS_DISTRICT : OTHER_DISTRICT;
    const street = name === 'A' ? THIS_STREET : OTHER_DISTRICT_STREET;
    const home = name === 'A' ? { lat: 32.105, lng: 118.93 } : bHome;
    const fam = name === 'A' ? tokens.familyA : tokens.familyB;
    const staff = name === 'A' ? tokens.staffThis : tokens.staffOther;
    const ids = name === 'A' ? xIds : yIds;
    const prov = name === 'A' ? providerTokens.providerX : providerTokens.providerY;
    const applicant = { name: '王芳', phone: name === 'A' ? '13912345678' : '13812340000' };
    const accept = async (app: Json, programme: Programme) => {
      expect(app.assignment.providerId, `${name} ${programme} offered at the expected provider`).toBe(ids[programme]);
      const r = await call<Json>('POST', `/assignments/${app.assignment.id}/accept`, { token: prov[programme] });
      expect(r.status, `${name} ${programme} accept: ${JSON.stringify(r.body)}`).toBe(200);
      return statusOf(app.id, fam, ['ACTIVE'], `${name} ${programme}`);
    };

    const meal = (async () => {
      const app = await offered(fam, staff, { type: 'meal', applicant, subject: elder(nextId('19440315', district), district, street, home) }, `${name} meal`);
      const active = await accept(app, 'meal');
      const meals = await call<Json>('POST', `/assignments/${app.assignment.id}/meals`, { token: prov.meal, body: { date: chinaDate(), count: 1 } });
      expect(meals.status, `${name} meals: ${JSON.stringify(meals.body)}`).toBe(201);
      return active;
    })();
    const homeVisit = (async () => {
      const app = await offered(
        fam,
        staff,
        { type: 'home-visit', applicant, subject: elder(nextId('19440316', district), district, street, home), needs: { services: ['cleaning'], careLevel: 2 } },
        `${name} home visit`,
      );
      const active = await accept(app, 'home-visit');
      await acceptedHoursAgo(stack.store, app.assignment.id, 10);
      const visit = { startedAt: hoursFromNow(-3), endedAt: hoursFromNow(-2), services: ['cleaning'], location: { lat: home.lat + 0.0001, lng: home.lng + 0.0001 } };
      const v = await call<Json>('POST', `/assignments/${app.assignment.id}/visits`, { token: prov['home-visit'], body: visit });
      expect(v.status, `${name} visit: ${JSON.stringify(v.body)}`).toBe(201);
      return active;
    })();
    const retrofit = (async () => {
      const app = await offered(
        fam,
        staff,
        { type: 'retrofit', applicant, subject: elder(nextId('19440317', district), district, street, home), needs: { careLevel: 2, wishes: ['grab-bar'] } },
        `${name} retrofit`,
      );
      await accept(app, 'retrofit');
      const plan = await call<Json>('POST', `/assignments/${app.assignment.id}/plan`, { token: prov.retrofit, body: { items: [{ code: 'grab-bar', quantity: 2, unitPrice: 150 }] } });
      expect(plan.status, `${name} plan: ${JSON.stringify(plan.body)}`).toBe(200);
      return (await call<Json>('GET', `/applications/${app.id}`, { token: fam })).body;
    })();
    const childcareId = (async () => {
      const month = nextMonth();
      const child = { name: '李一诺', idNumber: nextId(bornMonthsBefore(month, 14), district), address: address(district, street, home) };
      const id = await submit(fam, { type: 'childcare', applicant: { ...applicant, relationship: 'parent' }, subject: child, needs: { preferences: [ids.childcare], startMonth: month } }, `${name} childcare`);
      await statusOf(id, fam, ['WAITLISTED'], `${name} childcare`);
      return id;
    })();
    const pending = (async () => {
      const id = await submit(fam, { type: 'meal', applicant, subject: elder(nextId('19440318', district), district, street, home) }, `${name} pending meal`);
      return statusOf(id, fam, ['AWAITING_APPROVAL'], `${name} pending meal`);
    })();

    const [mealApp, homeVisitApp, retrofitApp, ccId, pendingApp] = await Promise.all([meal, homeVisit, retrofit, childcareId, pending]);

    // A childcare round of the district offers the child a place; the family answers it.
    const started = await call<Json>('POST', '/allocation-rounds', { token: staff, body: { type: 'childcare' } });
    expect(started.status, `${name} round: ${JSON.stringify(started.body)}`).toBe(202);
    await eventually(
      async () => ((await call<Json>('GET', `/allocation-rounds/${started.body.id}`, { token: staff })).body.status === 'COMPLETED' ? true : undefined),
      `${name} round`,
      45_000,
    );
    const childcareApp = await statusOf(ccId, fam, ['OFFERED'], `${name} childcare offer`);

    // The month's meals settled: one statement for the meal point.
    const settled = await call<Json>('POST', '/settlements', { token: staff, body: { type: 'meal', month: chinaMonth() } });
    expect(settled.status, `${name} settlement: ${JSON.stringify(settled.body)}`).toBe(201);
    const statement = (settled.body.items as Json[]).find((s) => s.providerId === ids.meal);
    expect(statement, `${name} statement for ${ids.meal}`).toBeDefined();

    return {
      district,
      street,
      home,
      familySub: name === 'A' ? subs.familyA : subs.familyB,
      providerIds: ids,
      apps: { meal: mealApp, 'home-visit': homeVisitApp, retrofit: retrofitApp, childcare: childcareApp },
      pending: pendingApp,
      settlementId: statement!.id as string,
      roundId: started.body.id as string,
    };
  }

  const gridApp = async (tok: string, street: string, location: { lat: number; lng: number }, what: string) =>
    offered(tok, tokens.staffThis, { type: 'meal', applicant: { name: '王芳', phone: '13912345678' }, subject: elder(nextId('19430101'), THIS_DISTRICT, street, location) }, what);

  // The grid workers' applications first: side A's settlement closes this district's meal month.
  const [mine, other] = await Promise.all([
    gridApp(tokens.gridThis, THIS_STREET, { lat: 32.1052, lng: 118.9302 }, 'grid (this street)'),
    gridApp(tokens.gridOther, OTHER_STREET, { lat: 32.045, lng: 118.88 }, 'grid (another street)'),
  ]);
  const [A, B] = await Promise.all([side('A'), side('B')]);
  return { stack, call, principals, token, A, B, grid: { mine, other }, nextId };
}
