import { randomUUID } from 'node:crypto';
import { Assignments } from '@huimin/store';
import { afterAll, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import { lambdaContext } from '../../packages/local/src/bus';
import { type LocalStack, startLocalStack } from '../../packages/local/src/stack';
import { apiClient, homeVisitApplication, mealApplication } from '../e2e/client';
import { acceptedHoursAgo, eventually } from '../support/dynamo';
import { bornMonthsBefore, nextMonth, residentId } from './crash-support';
import { flowActors } from './flow-actors';
import { captureOutput, type Finding, type Fixtures, scanLine } from './pii-scan';

/**
 * No personal data in logs (issue 12; DESIGN.md "Resident ID numbers never reach a log"). The
 * flows of all four programmes run on the local stack with every log line produced (Powertools at
 * DEBUG, and POWERTOOLS_LOGGER_LOG_EVENT on should a handler ever log its event) and every line written to stdout, stderr
 * or the console is captured and scanned for ID numbers, mobile numbers, house numbers, the homes'
 * coordinates and the names of the people applied for.
 */

const saved = vi.hoisted(() => {
  // Before any module creates its Logger: the level is read at construction.
  const before = { level: process.env.POWERTOOLS_LOG_LEVEL, event: process.env.POWERTOOLS_LOGGER_LOG_EVENT };
  process.env.POWERTOOLS_LOG_LEVEL = 'DEBUG';
  process.env.POWERTOOLS_LOGGER_LOG_EVENT = 'true';
  return before;
});

// biome-ignore lint/suspicious/noExplicitAny: response bodies are read field by field, as a client would
type Json = Record<string, any>;

const DISTRICT = '320113';
const NURSERY = 'childcare-320113-xianlin';
const CONTRACTOR = 'retrofit-320113-01';
const RETROFIT_ADDRESS = '仙林大道1号3栋201';

/** The people of this file's flows: applicants and subjects from the e2e fixtures and a few more, at homes of their own. */
const HOMES = {
  meal: { lat: 32.10517, lng: 118.93041 },
  homeVisit: { lat: 32.10523, lng: 118.93057 },
  childcare: { lat: 32.10531, lng: 118.93063 },
  retrofit: { lat: 32.10547, lng: 118.93071 },
  visit: { lat: 32.10529, lng: 118.93059 },
};
const ids = {
  meal: residentId('19440315', 711),
  mealCancelled: residentId('19600315', 712),
  homeVisit: residentId('19440315', 714),
  retrofit: residentId('19440315', 715),
};
const gridIds = [713, 720, 721, 722].map((n) => residentId('19600315', n));
/** Literal strings that must never be logged; the children's ID numbers are added as the flow makes them. */
const literals: string[] = [RETROFIT_ADDRESS, '13912345678', '13812345678', '13700001111', ...Object.values(ids), ...gridIds];
const FIXTURES: Fixtures = {
  // 王芳 and 王秀英 are client.ts's mealApplication/homeVisitApplication fixture; 李娜, 李一诺 and 张子涵 the childcare e2e test's.
  names: ['王芳', '王秀英', '赵桂兰', '李娜', '李一诺', '张子涵', '周淑珍', '陈建国'],
  coordinates: Object.values(HOMES).flatMap((h) => [String(h.lat), String(h.lng)]),
  literals,
};

let stack: LocalStack;
let call: ReturnType<typeof apiClient>;
let capture: ReturnType<typeof captureOutput>;
const planted: string[] = [];
const figures = { lines: 0, jsonLines: 0, byMessage: {} as Record<string, number>, findings: [] as Finding[], flows: 0 };

beforeAll(async () => {
  capture = captureOutput();
  stack = await startLocalStack({ port: 0, dynamoEndpoint: inject('dynamoEndpoint'), tableName: `pii-${randomUUID().slice(0, 8)}`, retryDelaysMs: [20, 50, 100] });
  call = apiClient(stack.url);
});

afterAll(async () => {
  await stack?.stop();
  capture?.stop();
  process.env.POWERTOOLS_LOG_LEVEL = saved.level;
  process.env.POWERTOOLS_LOGGER_LOG_EVENT = saved.event;
  if (saved.level === undefined) delete process.env.POWERTOOLS_LOG_LEVEL;
  if (saved.event === undefined) delete process.env.POWERTOOLS_LOGGER_LOG_EVENT;
  console.log(
    [
      `[pii] flows of ${figures.flows} programmes; ${figures.lines} log lines scanned (${figures.jsonLines} Powertools JSON lines), ${planted.length} planted lines caught by the scanner`,
      `  lines by message: ${JSON.stringify(figures.byMessage)}`,
      `  findings: ${figures.findings.length}${figures.findings.map((f) => `\n    ${f.kind} "${f.match}" in: ${f.line.slice(0, 300)}`).join('')}`,
    ].join('\n'),
  );
});

const { staffToken, familyToken, providerToken, submit } = flowActors(
  () => stack,
  () => call,
  'pii-official',
  DISTRICT,
);
async function until(id: string, token: string, ok: (a: Json) => boolean, what: string): Promise<Json> {
  return eventually(
    async () => {
      const r = await call<Json>('GET', `/applications/${id}`, { token });
      return ok(r.body) ? r.body : undefined;
    },
    `application ${id} ${what}`,
    30_000,
  );
}
const reaches = (id: string, token: string, status: string) => until(id, token, (a) => a.status === status, `to reach ${status}`);
const ok = async (p: Promise<{ status: number; body: unknown }>, status = 200) => {
  const r = await p;
  expect(r.status, JSON.stringify(r.body)).toBe(status);
  return r.body as Json;
};
const chinaTime = (hoursFromNow: number) => `${new Date(Date.now() + (hoursFromNow + 8) * 3_600_000).toISOString().slice(0, 19)}+08:00`;

describe('the scanner', () => {
  it('catches each kind of personal data in a planted line and passes masked ones', () => {
    const lines: [string, string[]][] = [
      [`{"level":"INFO","message":"Event consumed","idNumber":"${ids.meal}"}`, ['id-number', 'fixture-text']],
      ['{"level":"INFO","subject":"32011319440315071X"}', ['id-number']],
      ['[bus] call the family at 13912345678 about it', ['mobile', 'fixture-text']],
      [`{"address":"${RETROFIT_ADDRESS}"}`, ['house-number', 'house-number', 'fixture-text']],
      ['{"message":"visit","location":{"lat":32.10517,"lng":118.93041}}', ['coordinates', 'coordinates']],
      ['{"message":"offer","subjectName":"王秀英"}', ['name']],
    ];
    for (const [line, kinds] of lines) {
      expect(
        scanLine(line, FIXTURES)
          .map((f) => f.kind)
          .sort(),
        line,
      ).toEqual([...kinds].sort());
    }
    // Masked values, ids, timestamps and counts are not personal data.
    const clean = [
      '{"level":"INFO","message":"Event consumed","timestamp":"2026-12-03T16:46:55.405Z","eventId":"1f0c7a52-3e4b-4c1d-9a51-139123456789","correlationId":"a13912345678"}',
      '{"idNumber":"[REDACTED]","phone":"[PHONE]","id":"[ID]","subjectMasked":"王*英","at":1796316405123,"distanceMetres":394,"street":"仙林街道"}',
      '{"message":"Offer sweep","expired":0,"note":"第3志愿","hours":14}',
    ];
    for (const line of clean) expect(scanLine(line, FIXTURES), line).toEqual([]);
  });
});

describe('logs of the four programmes', () => {
  it('carry no ID number, phone, address, home coordinates or name of the people applied for', async () => {
    // The capture sees what the functions' own Logger writes: a planted line through it is caught.
    const { logger } = await import('../../functions/src/lib/logger');
    const before = capture.lines.length;
    logger.debug('planted by the PII test', { name: '王秀英', subjectName: '王秀英', phone: '13912345678', note: `住址${RETROFIT_ADDRESS}` });
    planted.push(...capture.lines.splice(before));
    expect(planted, 'the planted Logger line was not captured').toHaveLength(1);
    // The Logger's replacer masks the phone and subjectName keys; a bare name and the address in free text are still caught.
    expect(planted.flatMap((l) => scanLine(l, FIXTURES).map((f) => f.kind)).sort()).toEqual(['fixture-text', 'house-number', 'house-number', 'name']);

    const staff = await staffToken();

    // Meal: approved by staff, declined by the first meal point, accepted by the next, completed; another cancelled; one filed by a grid worker.
    const meal = async () => {
      const family = await familyToken();
      const id = await submit(family, mealApplication({ idNumber: ids.meal, ...HOMES.meal }));
      const waiting = await reaches(id, family, 'AWAITING_APPROVAL');
      await ok(call('POST', `/subsidies/${waiting.subsidy.id}/approve`, { token: staff, body: { note: '材料齐全' } }));
      const first = await reaches(id, family, 'OFFERED');
      await ok(call('POST', `/assignments/${first.assignment.id}/decline`, { token: await providerToken(first.assignment.providerId), body: { reason: '本周厨房检修' } }));
      const second = await until(id, family, (a) => a.status === 'OFFERED' && a.assignment.id !== first.assignment.id, 'to be offered again');
      const provider = await providerToken(second.assignment.providerId);
      await ok(call('POST', `/assignments/${second.assignment.id}/accept`, { token: provider }));
      await ok(call('POST', `/assignments/${second.assignment.id}/complete`, { token: provider }));
      await reaches(id, family, 'COMPLETED');

      // Another is offered, lets the deadline pass (rewritten rather than waited for), is swept by the schedule, offered again and cancelled.
      const other = await familyToken();
      const cancelled = await submit(other, mealApplication({ idNumber: ids.mealCancelled, ...HOMES.meal }));
      const late = await reaches(cancelled, other, 'OFFERED');
      const a = await stack.store.getAssignment(late.assignment.id);
      await stack.store.commit([stack.store.replace('assignment', Assignments, { ...a!, expiresAt: '2026-01-01T00:00:00.000Z' }, a!.version)]);
      const { handler: sweep } = await import('../../functions/src/consumers/expire-offers/handler');
      await sweep({ id: randomUUID(), 'detail-type': 'Scheduled Event', source: 'aws.events', time: new Date().toISOString(), detail: {} } as never, lambdaContext('expireOffers'));
      await until(cancelled, other, (x) => x.status === 'OFFERED' && x.assignment.id !== late.assignment.id, 'to be offered again after the deadline');
      await ok(call('POST', `/applications/${cancelled}/cancel`, { token: other }));

      // A grid worker files for four neighbours.
      const grid = await stack.tokens.sign({ role: 'grid', sub: 'pii-grid', district: DISTRICT, street: '仙林街道' });
      for (const idNumber of gridIds) {
        const filed = await submit(grid, { ...mealApplication({ idNumber, ...HOMES.meal }), applicant: { name: '陈建国', phone: '13700001111' } });
        await reaches(filed, grid, 'OFFERED');
      }
    };
    // Home visits: approved, offered, accepted, a visit recorded at the home.
    const homeVisit = async () => {
      const family = await familyToken();
      const id = await submit(family, homeVisitApplication({ idNumber: ids.homeVisit, name: '赵桂兰', ...HOMES.homeVisit }));
      const waiting = await reaches(id, family, 'AWAITING_APPROVAL');
      await ok(call('POST', `/subsidies/${waiting.subsidy.id}/approve`, { token: staff, body: {} }));
      const offered = await reaches(id, family, 'OFFERED');
      const provider = await providerToken(offered.assignment.providerId);
      await ok(call('POST', `/assignments/${offered.assignment.id}/accept`, { token: provider }));
      await acceptedHoursAgo(stack.store, offered.assignment.id, 10);
      await ok(
        call('POST', `/assignments/${offered.assignment.id}/visits`, {
          token: provider,
          body: { startedAt: chinaTime(-3), endedAt: chinaTime(-2), services: ['cleaning'], location: HOMES.visit },
        }),
        201,
      );
    };
    // Childcare: two children wait, a round offers, one family accepts, the other declines.
    const childcare = async () => {
      const month = nextMonth();
      await ok(call('PUT', `/providers/${NURSERY}/capacity`, { token: staff, body: { places: { infant: 2, toddler: 2, older: 2 } } }));
      const children = await Promise.all(
        [
          ['李一诺', 14],
          ['张子涵', 15],
        ].map(async ([name, months], i) => {
          const family = await familyToken();
          const idNumber = residentId(bornMonthsBefore(month, months as number), 716 + i);
          literals.push(idNumber);
          const id = await submit(family, {
            type: 'childcare',
            applicant: { name: '李娜', phone: '13812345678', relationship: 'parent' },
            subject: { name, idNumber, address: { district: DISTRICT, street: '仙林街道', location: HOMES.childcare } },
            needs: { preferences: [NURSERY], startMonth: month },
          });
          await reaches(id, family, 'WAITLISTED');
          return { id, family };
        }),
      );
      const round = await ok(call<Json>('POST', '/allocation-rounds', { token: staff, body: { type: 'childcare' } }), 202);
      await eventually(async () => ((await call<Json>('GET', `/allocation-rounds/${round.id}`, { token: staff })).body.status === 'COMPLETED' ? true : undefined), 'the round', 45_000);
      const [a, b] = children as [{ id: string; family: string }, { id: string; family: string }];
      await reaches(a.id, a.family, 'OFFERED');
      await reaches(b.id, b.family, 'OFFERED');
      await ok(call('POST', `/applications/${a.id}/offer/accept`, { token: a.family }));
      await ok(call('POST', `/applications/${b.id}/offer/decline`, { token: b.family }));
    };
    // Retrofit: approved, offered, planned, confirmed, built, inspected and passed.
    const retrofit = async () => {
      const family = await familyToken();
      const id = await submit(family, {
        type: 'retrofit',
        applicant: { name: '王芳', phone: '13912345678' },
        subject: { name: '周淑珍', idNumber: ids.retrofit, address: { district: DISTRICT, street: '仙林街道', detail: RETROFIT_ADDRESS, location: HOMES.retrofit } },
        needs: { careLevel: 2, wishes: ['grab-bar'] },
      });
      const waiting = await reaches(id, family, 'AWAITING_APPROVAL');
      await ok(call('POST', `/subsidies/${waiting.subsidy.id}/approve`, { token: staff, body: {} }));
      const offered = await reaches(id, family, 'OFFERED');
      expect(offered.assignment.providerId).toBe(CONTRACTOR);
      const contractor = await providerToken(CONTRACTOR);
      const job = offered.assignment.id;
      await ok(call('POST', `/assignments/${job}/accept`, { token: contractor }));
      await ok(call('POST', `/assignments/${job}/plan`, { token: contractor, body: { items: [{ code: 'grab-bar', quantity: 2, unitPrice: 150 }] } }));
      await ok(call('POST', `/applications/${id}/plan/confirm`, { token: family, body: {} }));
      await ok(call('POST', `/assignments/${job}/complete`, { token: contractor, body: { note: '卫生间扶手已安装' } }));
      await ok(call('POST', `/applications/${id}/inspection`, { token: staff, body: { passed: true } }));
      await reaches(id, family, 'COMPLETED');
    };

    await Promise.all([meal(), homeVisit(), childcare(), retrofit()]);
    figures.flows = 4;
    await stack.settle();
    await new Promise((r) => setTimeout(r, 500));
    await stack.settle();

    // Scan every line captured during the run (the planted one set aside).
    const lines = [...capture.lines];
    figures.lines = lines.length;
    for (const l of lines) {
      try {
        const j = JSON.parse(l) as { level?: string; message?: string };
        if (j.level) {
          figures.jsonLines++;
          figures.byMessage[`${j.level} ${j.message}`] = (figures.byMessage[`${j.level} ${j.message}`] ?? 0) + 1;
        }
      } catch {
        figures.byMessage['(not JSON)'] = (figures.byMessage['(not JSON)'] ?? 0) + 1;
      }
    }
    figures.findings = lines.flatMap((l) => scanLine(l, FIXTURES));

    // Enough was logged for the scan to mean something: a line per event a consumer handled (the
    // functions log nothing else on a good path), from every consumer, and the offer sweep's.
    expect(figures.jsonLines).toBeGreaterThanOrEqual(25);
    for (const consumer of ['assessEligibility', 'matchApplication', 'requeueWaitlisted', 'allocateDistrict']) {
      expect(lines.some((l) => l.includes('"Event consumed"') && l.includes(`"consumer":"${consumer}"`)), `no log line of ${consumer}`).toBe(true);
    }
    expect(lines.some((l) => l.includes('"Offer sweep"'))).toBe(true);
    expect(figures.findings.map((f) => `${f.kind} "${f.match}" in ${f.line.slice(0, 200)}`)).toEqual([]);
  });
});
