import { randomUUID } from 'node:crypto';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { checkCharFor } from '@huimin/domain';
import type { ApplicationRecord, AssignmentRecord, ProviderRecord } from '@huimin/store';
import { expect, inject } from 'vitest';
import type { BusEvent } from '../../packages/local/src/bus';
import { type LocalStack, startLocalStack } from '../../packages/local/src/stack';
import { apiClient } from '../e2e/client';
import { nextMonth } from '../support/calendar';
import { eventually } from '../support/dynamo';

export { bornMonthsBefore, nextMonth } from '../support/calendar';

/**
 * Shared by the race and replay suites (issue 12): a local stack on a fresh table with no demo
 * data (so every provider in reach is one the test registered and every count is exact), residents
 * and children with valid ID numbers, and ways to wait for the system to go quiet.
 */

// biome-ignore lint/suspicious/noExplicitAny: response bodies are read field by field, as a client would
export type Json = Record<string, any>;

export const DISTRICT = '320113';
export const STREET = '仙林街道';
/** Where every resident of these suites lives; registered providers sit a few hundred metres away. */
export const HOME = { lat: 32.105, lng: 118.93 };
export const NEAR = { lat: 32.1072, lng: 118.9316 };

/** What went over the bus: every event the Pipe (or a test) put, in the order it was put. */
export interface BusTap {
  events: BusEvent[];
  /** While false, puts are delivered but not recorded (a replay's own puts). */
  recording: boolean;
  /** Every put, recorded or not. */
  puts: number;
  /** Deliveries a test has scheduled but not yet put (a replay's delayed copies). */
  pending: number;
}

export interface ReliabilityStack {
  stack: LocalStack;
  call: ReturnType<typeof apiClient>;
  staff: string;
  tap: BusTap;
}

export async function startReliabilityStack(prefix: string): Promise<ReliabilityStack> {
  const stack = await startLocalStack({
    port: 0,
    dynamoEndpoint: inject('dynamoEndpoint'),
    tableName: `${prefix}-${randomUUID().slice(0, 8)}`,
    seed: false,
    // Contention is the point: room to retry before an event is parked.
    retryDelaysMs: [20, 50, 100, 200, 400, 800, 1600],
  });
  const tap: BusTap = { events: [], recording: true, puts: 0, pending: 0 };
  const put = stack.bus.put.bind(stack.bus);
  stack.bus.put = (entry) => {
    const event = put(entry);
    tap.puts++;
    if (tap.recording) tap.events.push(event);
    return event;
  };
  const staff = await stack.tokens.sign({ role: 'staff', sub: `${prefix}-official`, district: DISTRICT });
  return { stack, call: apiClient(stack.url), staff, tap };
}

/**
 * Waits until nothing moves: no delivery in flight and no event put on the bus for `quietMs`
 * (the stream poller reads every 100 ms, so a written outbox item is on the bus well within it).
 */
export async function quiesce(r: ReliabilityStack, quietMs = 700, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let seen = -1;
  for (;;) {
    await r.stack.settle();
    const count = r.tap.puts;
    if (count === seen && r.tap.pending === 0) return;
    seen = count;
    if (Date.now() > deadline) throw new Error('the bus never went quiet');
    await new Promise((res) => setTimeout(res, quietMs));
  }
}

let sequence = 100;
/** A valid PRC ID number of district 320113 born on `birth` (YYYYMMDD), different on every call. */
export function idNumber(birth: string): string {
  const first17 = `${DISTRICT}${birth}${String(sequence++ % 1000).padStart(3, '0')}`;
  return first17 + checkCharFor(first17);
}



/** Where applicants live: a street of the district and a point in it. */
export interface Where {
  street: string;
  location: { lat: number; lng: number };
}
const AT_HOME: Where = { street: STREET, location: HOME };

const subject = (name: string, id: string, where: Where) => ({ name, idNumber: id, address: { district: DISTRICT, street: where.street, detail: '1号3栋201', location: where.location } });

export function mealBody(id: string, name = '王秀英', where = AT_HOME) {
  return { type: 'meal', applicant: { name: '王芳', phone: '13912345678' }, subject: subject(name, id, where) };
}
export function homeVisitBody(id: string, name = '王秀英', where = AT_HOME) {
  return { type: 'home-visit', applicant: { name: '王芳', phone: '13912345678' }, subject: subject(name, id, where), needs: { services: ['cleaning'], careLevel: 2 } };
}
export function retrofitBody(id: string, name = '王秀英', where = AT_HOME) {
  return { type: 'retrofit', applicant: { name: '王芳', phone: '13912345678' }, subject: subject(name, id, where), needs: { careLevel: 2, wishes: ['grab-bar'] } };
}
export function childcareBody(id: string, preferences: string[], o: { name?: string; phone?: string; startMonth?: string; where?: Where } = {}) {
  return {
    type: 'childcare',
    applicant: { name: '李娜', phone: o.phone ?? '13812345678', relationship: 'parent' },
    subject: subject(o.name ?? '李一诺', id, o.where ?? AT_HOME),
    needs: { preferences, startMonth: o.startMonth ?? nextMonth() },
  };
}

/** Registers a provider as district staff; answers its id. */
export async function registerProvider(r: ReliabilityStack, body: Json): Promise<string> {
  const res = await r.call<Json>('POST', '/providers', { token: r.staff, body: { street: STREET, location: NEAR, ...body } });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body.id as string;
}

export interface Applicant {
  token: string;
  id: string;
}

/** Files every body at once, each by its own family; answers who filed what. */
export async function submitAll(r: ReliabilityStack, bodies: Json[]): Promise<Applicant[]> {
  const tokens = await Promise.all(bodies.map(() => r.stack.tokens.sign({ role: 'family', sub: `family-${randomUUID()}` })));
  const res = await Promise.all(bodies.map((body, i) => r.call<Json>('POST', '/applications', { token: tokens[i]!, body })));
  for (const s of res) expect(s.status, JSON.stringify(s.body)).toBe(202);
  return res.map((s, i) => ({ token: tokens[i]!, id: s.body.id as string }));
}

export async function loadApps(r: ReliabilityStack, ids: readonly string[]): Promise<ApplicationRecord[]> {
  return Promise.all(
    ids.map(async (id) => {
      const a = await r.stack.store.getApplication(id);
      if (!a) throw new Error(`application ${id} missing`);
      return a;
    }),
  );
}

/** Waits until every application is in one of `statuses`, then until the bus is quiet. */
export async function waitForStatuses(r: ReliabilityStack, ids: readonly string[], statuses: readonly string[], what: string, timeoutMs = 60_000) {
  await eventually(
    async () => {
      const apps = await loadApps(r, ids);
      return apps.every((a) => statuses.includes(a.status)) ? apps : undefined;
    },
    what,
    timeoutMs,
  );
  await quiesce(r);
  const apps = await loadApps(r, ids);
  const off = apps.filter((a) => !statuses.includes(a.status));
  expect(off.map((a) => `${a.id}:${a.status}`), `${what}: moved again after the bus went quiet`).toEqual([]);
  return apps;
}

/** Assessed, every pending subsidy approved at once by staff, then offered or waitlisted. */
export async function assessApproveAndPlace(r: ReliabilityStack, ids: readonly string[], placed: readonly string[] = ['OFFERED', 'WAITLISTED']) {
  const assessed = await waitForStatuses(r, ids, ['AWAITING_APPROVAL', 'MATCHING', ...placed], 'every application to be assessed');
  const pending = assessed.filter((a) => a.status === 'AWAITING_APPROVAL');
  const approvals = await Promise.all(pending.map((a) => r.call<Json>('POST', `/subsidies/${a.subsidy?.id}/approve`, { token: r.staff, body: {} })));
  for (const res of approvals) expect(res.status, JSON.stringify(res.body)).toBe(200);
  return waitForStatuses(r, ids, placed, 'every application to be offered or waitlisted');
}

/** Every item of the table, keyed by pk|sk, read consistently. */
export async function scanTable(r: ReliabilityStack): Promise<Map<string, Record<string, unknown>>> {
  const items = new Map<string, Record<string, unknown>>();
  let start: Record<string, unknown> | undefined;
  do {
    const out = await r.stack.store.doc.send(new ScanCommand({ TableName: r.stack.tableName, ConsistentRead: true, ExclusiveStartKey: start }));
    for (const item of out.Items ?? []) items.set(`${String(item.pk)}|${String(item.sk)}`, item);
    start = out.LastEvaluatedKey;
  } while (start);
  return items;
}

export async function provider(r: ReliabilityStack, id: string): Promise<ProviderRecord> {
  const p = await r.stack.store.getProvider(id);
  if (!p) throw new Error(`provider ${id} missing`);
  return p;
}

/** Every assignment of a provider, any status. */
export async function assignmentsOf(r: ReliabilityStack, providerId: string): Promise<AssignmentRecord[]> {
  const all: AssignmentRecord[] = [];
  let nextToken: string | undefined;
  do {
    const page = await r.stack.store.listAssignmentsByProvider(providerId, { limit: 100, ...(nextToken ? { nextToken } : {}) });
    all.push(...page.items);
    nextToken = page.nextToken;
  } while (nextToken);
  return all;
}

/** Units held at a provider by assignments still holding them (offered or accepted). */
export function unitsHeld(assignments: readonly AssignmentRecord[], pool?: string): number {
  return assignments.filter((a) => (a.status === 'OFFERED' || a.status === 'ACCEPTED') && (pool === undefined || a.pool === pool)).reduce((n, a) => n + a.units, 0);
}

/** Cancels as a client would: a 409 (the application moved while the cancel read it) is retried. */
export async function cancelUntilDone(r: ReliabilityStack, a: Applicant): Promise<{ status: number; conflicts: number }> {
  let conflicts = 0;
  for (let attempt = 0; attempt < 20; attempt++) {
    const res = await r.call<Json>('POST', `/applications/${a.id}/cancel`, { token: a.token, body: {} });
    if (res.status !== 409) return { status: res.status, conflicts };
    conflicts++;
    await new Promise((res2) => setTimeout(res2, 20 + 20 * attempt));
  }
  return { status: 409, conflicts };
}

/** Counts by status, for the printed figures. */
export function byStatus(apps: readonly { status: string }[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const a of apps) out[a.status] = (out[a.status] ?? 0) + 1;
  return out;
}

/** Each application's history in time order (issue 12, defect 4): the entries that go back in time. */
export function historyOutOfOrder(apps: readonly ApplicationRecord[]): string[] {
  return apps.flatMap((a) =>
    a.history.flatMap((h, i) => {
      const prev = a.history[i - 1];
      return prev && h.at < prev.at ? [`${a.id}: ${prev.status}@${prev.at} then ${h.status}@${h.at}`] : [];
    }),
  );
}
