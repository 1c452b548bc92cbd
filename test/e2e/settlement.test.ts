import { randomUUID } from 'node:crypto';
import { checkCharFor } from '@huimin/domain';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { type LocalStack, startLocalStack } from '../../packages/local/src/stack';
import { eventually } from '../support/dynamo';
import { apiClient, mealApplication } from './client';

/**
 * Service records and monthly settlement (直补快办) through the local HTTP API on DynamoDB Local: a
 * meal point records the meals it served, staff compute the month once, approve each statement once
 * and export the payment file, even when two of them press the button together.
 */

// biome-ignore lint/suspicious/noExplicitAny: response bodies are read field by field, as a client would
type Json = Record<string, any>;

const DISTRICT = '320113';
const POINT = 'meal-320113-xianlin-01';

let stack: LocalStack;
let call: ReturnType<typeof apiClient>;
let staff: string;
let otherStaff: string;
let point: string;

beforeAll(async () => {
  stack = await startLocalStack({ port: 0, dynamoEndpoint: inject('dynamoEndpoint'), tableName: `settle-${randomUUID().slice(0, 8)}`, retryDelaysMs: [20, 50] });
  call = apiClient(stack.url);
  staff = await stack.tokens.sign({ role: 'staff', sub: 'official-a', district: DISTRICT });
  otherStaff = await stack.tokens.sign({ role: 'staff', sub: 'official-b', district: DISTRICT });
  point = await stack.tokens.sign({ role: 'provider', sub: 'canteen-manager', providerId: POINT });
});

afterAll(async () => {
  await stack?.stop();
});

/** Today and other days in China, YYYY-MM-DD. */
function chinaDate(offsetDays = 0): string {
  return new Date(Date.now() + 8 * 3_600_000 + offsetDays * 86_400_000).toISOString().slice(0, 10);
}

/** An 82-year-old at 5 yuan a meal, approved, accepted by the nearest meal point: the active assignment. */
async function activeMealResident(seq: string): Promise<{ app: Json; assignmentId: string }> {
  const first17 = `${DISTRICT}19440315${seq}`;
  const family = await stack.tokens.sign({ role: 'family', sub: `family-${randomUUID()}` });
  const res = await call<Json>('POST', '/applications', { token: family, body: mealApplication({ idNumber: first17 + checkCharFor(first17) }) });
  expect(res.status).toBe(202);
  const waiting = await eventually(async () => {
    const a = await call<Json>('GET', `/applications/${res.body.id}`, { token: family });
    return a.body.status === 'AWAITING_APPROVAL' ? a.body : undefined;
  }, 'the subsidy to await approval');
  await call('POST', `/subsidies/${waiting.subsidy.id}/approve`, { token: staff, body: {} });
  const offered = await eventually(async () => {
    const a = await call<Json>('GET', `/applications/${res.body.id}`, { token: family });
    return a.body.status === 'OFFERED' ? a.body : undefined;
  }, 'the offer');
  expect(offered.assignment.providerId).toBe(POINT);
  expect((await call('POST', `/assignments/${offered.assignment.id}/accept`, { token: point })).status).toBe(200);
  return { app: offered, assignmentId: offered.assignment.id };
}

describe('meals served, settled once, paid once', () => {
  it('records a day of meals, refusing a future day, a day without the service, too many meals and a day recorded twice', async () => {
    const { assignmentId } = await activeMealResident('421');

    const today = await call<Json>('POST', `/assignments/${assignmentId}/meals`, { token: point, body: { date: chinaDate(), count: 2 } });
    expect(today.status, JSON.stringify(today.body)).toBe(201);
    expect(today.body).toMatchObject({ units: 2, unit: 'meal', rateFen: 500, amountFen: 1000, policyVersion: 'meal-subsidy/2026.1', subjectMasked: '王*英' });

    const refused = async (body: Json) => {
      const r = await call<Json>('POST', `/assignments/${assignmentId}/meals`, { token: point, body });
      expect(r.status, JSON.stringify(body)).toBe(422);
      expect(r.body.error.code).toBe('RECORD_REFUSED');
      return r.body.error.issues.map((i: Json) => i.path);
    };
    expect(await refused({ date: chinaDate(1), count: 1 })).toEqual(['date']);
    expect(await refused({ date: chinaDate(-3), count: 1 })).toEqual(['date']);
    expect(await refused({ date: chinaDate(), count: 3 })).toEqual(['count']);
    expect(await refused({ date: chinaDate(), count: 1 })).toEqual(['date']);
    // The meal point reads back what it recorded; the resident's family may too; another meal point may not.
    const records = await call<Json>('GET', `/assignments/${assignmentId}/records`, { token: point });
    expect(records.body.items).toEqual([expect.objectContaining({ date: chinaDate(), units: 2, amountFen: 1000 })]);
    expect(records.body.items[0]).not.toHaveProperty('recordedBy');
    // Another meal point cannot record for this assignment.
    const other = await stack.tokens.sign({ role: 'provider', sub: 'other', providerId: 'meal-320113-xianlin-02' });
    expect((await call('POST', `/assignments/${assignmentId}/meals`, { token: other, body: { date: chinaDate(), count: 1 } })).status).toBe(404);
    expect((await call('GET', `/assignments/${assignmentId}/records`, { token: other })).status).toBe(404);
  });

  it('computes the month once even when two officials press at once, approves once, and exports a file Excel reads', async () => {
    const second = await activeMealResident('433');
    expect((await call('POST', `/assignments/${second.assignmentId}/meals`, { token: point, body: { date: chinaDate(), count: 1 } })).status).toBe(201);
    const month = chinaDate().slice(0, 7);

    const [a, b] = await Promise.all([
      call<Json>('POST', '/settlements', { token: staff, body: { type: 'meal', month } }),
      call<Json>('POST', '/settlements', { token: otherStaff, body: { type: 'meal', month } }),
    ]);

    expect([a.status, b.status].sort()).toEqual([201, 409]);
    const created = (a.status === 201 ? a : b).body.items as Json[];
    expect(created).toHaveLength(1);
    const statement = created[0]!;
    expect(statement).toMatchObject({ providerId: POINT, status: 'COMPUTED', totalFen: 1500, records: 2 });
    expect(statement.lines.map((l: Json) => [l.subjectMasked, l.units, l.rateFen, l.amountFen]).sort()).toEqual([
      ['王*英', 1, 500, 500],
      ['王*英', 2, 500, 1000],
    ]);
    // The month is closed: no more meals for it.
    const late = await call<Json>('POST', `/assignments/${second.assignmentId}/meals`, { token: point, body: { date: chinaDate(-0), count: 1 } });
    expect(late.status).toBe(422);
    expect((await call<Json>('GET', `/settlements?month=${month}`, { token: staff })).body.items.map((s: Json) => s.id)).toEqual([statement.id]);

    // Not exported before approval; approved once though pressed twice at once.
    expect((await call('GET', `/settlements/${statement.id}/export`, { token: staff })).status).toBe(409);
    const approvals = await Promise.all([
      call<Json>('POST', `/settlements/${statement.id}/approve`, { token: staff, body: {} }),
      call<Json>('POST', `/settlements/${statement.id}/approve`, { token: otherStaff, body: {} }),
    ]);
    expect(approvals.map((r) => r.status).sort()).toEqual([200, 409]);
    expect((await call<Json>('GET', `/settlements/${statement.id}`, { token: staff })).body).toMatchObject({ status: 'APPROVED' });

    const file = await fetch(`${stack.url}/settlements/${statement.id}/export`, { headers: { authorization: `Bearer ${staff}` } });
    expect(file.status).toBe(200);
    expect(file.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(file.headers.get('content-disposition')).toContain(`settlement-${month}-${POINT}.csv`);
    const bytes = new Uint8Array(await file.arrayBuffer());
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const rows = new TextDecoder('utf-8').decode(bytes.slice(3)).trimEnd().split('\r\n');
    expect(rows[0]).toContain('服务对象 Resident');
    expect(rows).toHaveLength(1 + 2 + 1);
    expect(rows[1]).toContain('王*英');
    expect(rows.at(-1)).toMatch(/合计 Total,.*,15\.00$/);
    expect(rows.join('\n')).not.toContain('320113194403');
  });

  it('does not close a month with nothing recorded, and lists statements by programme', async () => {
    const month = chinaDate().slice(0, 7);
    const empty = await call<Json>('POST', '/settlements', { token: staff, body: { type: 'home-visit', month } });
    expect(empty.status).toBe(409);
    expect(empty.body.error.messageZh).toContain('尚无服务记录');
    expect(await stack.store.getSettlementMonth(DISTRICT, 'home-visit', month)).toBeUndefined();
    expect((await call<Json>('GET', `/settlements?month=${month}&type=home-visit`, { token: staff })).body.items).toEqual([]);
    expect((await call<Json>('GET', '/settlements?type=meal', { token: staff })).body.items).toHaveLength(1);
  });

  it("keeps statements to the district's staff", async () => {
    const gulou = await stack.tokens.sign({ role: 'staff', sub: 'gulou', district: '320102' });
    const list = await call<Json>('GET', '/settlements', { token: gulou });
    expect(list.body.items).toEqual([]);
    const mine = (await call<Json>('GET', '/settlements', { token: staff })).body.items[0];
    expect((await call('GET', `/settlements/${mine.id}`, { token: gulou })).status).toBe(403);
    expect((await call('GET', '/settlements', { token: point })).status).toBe(403);
  });
});
