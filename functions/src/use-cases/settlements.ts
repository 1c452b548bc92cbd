import { randomUUID } from 'node:crypto';
import { type ApplicationType, ConflictError, ForbiddenError, NotFoundError, programmeOf, ValidationError } from '@huimin/domain';
import { SettlementApproved } from '@huimin/events';
import { type ServiceRecord, type SettlementRecord, Settlements, Subsidies, TransactionConflictError, type TxOp } from '@huimin/store';
import type { Actor } from '../lib/actor';
import type { Deps } from '../lib/config';
import { newEvent } from '../lib/events';
import { chinaDate } from './service-records';

/**
 * Monthly settlement (直补快办): the subsidy a district owes each provider of one programme for one
 * month, from the service records of that month, paid straight to the provider.
 *
 * A month is computed once: the computation closes the month's SETTLEMONTH item under the condition
 * that it is still open and holds exactly the number of records read — so a record written meanwhile
 * (or not yet visible on the index) makes it read again, and a second computation, even at the same
 * moment, finds the month settled (409). Every record belongs to one month and one provider, so it is
 * on one line of one statement and paid once. A statement is approved once (COMPUTED → APPROVED under
 * its version); one-off subsidies (retrofits) then become SETTLED. Amounts are integer fen throughout.
 */

type Staff = Extract<Actor, { role: 'staff' }>;

export class MonthSettledError extends ConflictError {
  constructor(month: string) {
    super(`${month} is settled already: see GET /settlements?month=${month}`, `${month} 已结算，请查看该月结算单`);
  }
}

const READ_ATTEMPTS = 5;
/** A transaction holds at most 100 items: the month's close and one statement per provider. */
const MAX_STATEMENTS = 99;

/** Groups a provider's records into statement lines: one per resident, rate and policy version. */
export function statementLines(records: readonly ServiceRecord[]): SettlementRecord['lines'] {
  const lines = new Map<string, SettlementRecord['lines'][number]>();
  for (const r of records) {
    const key = `${r.applicationId}|${r.rateFen}|${r.policyVersion}|${r.unit}`;
    const line = lines.get(key) ?? {
      applicationId: r.applicationId,
      subjectMasked: r.subjectMasked,
      dates: [],
      units: 0,
      unit: r.unit,
      rateFen: r.rateFen,
      policyVersion: r.policyVersion,
      amountFen: 0,
    };
    if (!line.dates.includes(r.date)) line.dates.push(r.date);
    line.units = Math.round((line.units + r.units) * 1e6) / 1e6;
    line.amountFen += r.amountFen;
    lines.set(key, line);
  }
  return [...lines.values()].map((l) => ({ ...l, dates: l.dates.sort() })).sort((a, b) => a.subjectMasked.localeCompare(b.subjectMasked) || a.dates[0]!.localeCompare(b.dates[0]!) || a.applicationId.localeCompare(b.applicationId));
}

/** POST /settlements: computes the month's statements, one per provider with records, and closes the month. */
export async function computeSettlement(deps: Deps, actor: Staff, input: { type: ApplicationType; month: string }): Promise<SettlementRecord[]> {
  const { store } = deps;
  const { type, month } = input;
  const at = deps.now();
  if (month > chinaDate(at).slice(0, 7)) {
    throw new ValidationError([{ path: 'month', message: `不能结算未来月份 ${month} / ${month} has not begun` }]);
  }
  const key = { district: actor.district, type, month };
  for (let attempt = 1; ; attempt++) {
    const open = await store.getSettlementMonth(actor.district, type, month);
    if (open?.status === 'SETTLED') throw new MonthSettledError(month);
    const records = await store.listServiceRecords(actor.district, type, month);
    // The index lags the table a little: read until it shows every record the month counted.
    if (records.length < (open?.records ?? 0) && attempt < READ_ATTEMPTS) {
      await new Promise((r) => setTimeout(r, 100 * attempt));
      continue;
    }
    // A month with nothing recorded is not closed: a premature press must not shut it for everyone.
    if (records.length === 0 && (open?.records ?? 0) === 0) {
      throw new ConflictError(`No services are recorded for ${month}: there is nothing to settle`, `${month} 尚无服务记录，无需结算`);
    }
    const providers = new Map((await store.listAllProvidersByDistrict(actor.district, type)).map((p) => [p.id, p.name]));
    const byProvider = new Map<string, ServiceRecord[]>();
    for (const r of records) byProvider.set(r.providerId, [...(byProvider.get(r.providerId) ?? []), r]);
    if (byProvider.size > MAX_STATEMENTS) {
      throw new ConflictError(
        `${byProvider.size} providers have services this month; one settlement holds at most ${MAX_STATEMENTS}`,
        `本月有 ${byProvider.size} 家机构有服务记录，单次结算最多 ${MAX_STATEMENTS} 家`,
      );
    }
    const iso = at.toISOString();
    const statements: SettlementRecord[] = [...byProvider.entries()].map(([providerId, rs]) => {
      const lines = statementLines(rs);
      return {
        id: randomUUID(),
        type,
        district: actor.district,
        month,
        providerId,
        providerName: providers.get(providerId) ?? providerId,
        status: 'COMPUTED',
        lines,
        totalFen: lines.reduce((s, l) => s + l.amountFen, 0),
        records: rs.length,
        computedBy: actor.sub,
        createdAt: iso,
        updatedAt: iso,
        version: 1,
      };
    });
    const ops: TxOp[] = [store.settleMonth(key, records.length, actor.sub, at), ...statements.map((s) => store.create('settlement', Settlements, s))];
    try {
      await store.commit(ops, [], at);
      return statements;
    } catch (err) {
      if (!(err instanceof TransactionConflictError && err.failed.includes('settlement-month'))) throw err;
      // Settled by someone else just now, or a record was written since the read: look again.
      if (attempt >= READ_ATTEMPTS) throw new ConflictError('Services are being recorded for this month; try again', '该月服务记录仍在登记中，请稍后再试');
    }
  }
}

/** A statement for staff of its district: 404 when there is none, 403 for another district's. */
export async function loadSettlementFor(deps: Deps, actor: Staff, id: string): Promise<SettlementRecord> {
  const s = await deps.store.getSettlement(id);
  if (!s) throw new NotFoundError('Settlement', '该结算单');
  if (s.district !== actor.district) throw new ForbiddenError('This statement belongs to another district', '该结算单属于其他区县');
  return s;
}

/**
 * POST /settlements/{id}/approve: the statement is approved once (a second approval, even at the same
 * moment, is a 409), announced for payment, and its one-off subsidies become SETTLED.
 */
export async function approveSettlement(deps: Deps, actor: Staff, id: string, requestId: string): Promise<SettlementRecord> {
  const { store } = deps;
  const s = await loadSettlementFor(deps, actor, id);
  if (s.status !== 'COMPUTED') throw new ConflictError('This statement is approved already', '该结算单已审批');
  const at = deps.now();
  const iso = at.toISOString();
  const approved: SettlementRecord = { ...s, status: 'APPROVED', approvedBy: actor.sub, approvedAt: iso, updatedAt: iso };
  const subsidyOps: TxOp[] = [];
  if (programmeOf(s.type).subsidyPaidOnce) {
    for (const line of s.lines) {
      const app = await store.getApplication(line.applicationId);
      const subsidy = app?.subsidy ? await store.getSubsidy(app.subsidy.id) : undefined;
      if (subsidy?.status === 'APPROVED') subsidyOps.push(store.replace(`subsidy:${subsidy.id}`, Subsidies, { ...subsidy, status: 'SETTLED', updatedAt: iso }, subsidy.version));
    }
  }
  const event = newEvent(
    SettlementApproved,
    { settlementId: s.id, type: s.type, district: s.district, month: s.month, providerId: s.providerId, totalFen: s.totalFen, lines: s.lines.length },
    { correlationId: s.id, causationId: requestId },
    `settlement:${s.id}`,
    at,
  );
  const [first, ...rest] = chunk(subsidyOps, MAX_STATEMENTS - 1);
  try {
    await store.commit([store.replace('settlement', Settlements, approved, s.version), ...(first ?? [])], [event], at);
  } catch (err) {
    if (err instanceof TransactionConflictError && err.failed.includes('settlement')) throw new ConflictError('This statement was approved meanwhile', '该结算单已由他人审批');
    throw err;
  }
  // More one-off subsidies than one transaction holds: the rest follow, each under its own version.
  for (const ops of rest) await store.commit(ops, [], at);
  return { ...approved, version: s.version + 1 };
}

function chunk<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

const yuan = (fen: number) => (fen / 100).toFixed(2);

/** One CSV field: quoted when it holds a comma, a quote or a line break. */
function field(v: string | number): string {
  const s = String(v);
  return /[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

/**
 * The payment file of an approved statement: UTF-8 with a byte-order mark (so Excel opens the Chinese
 * intact), CRLF line ends, one row per line, amounts in yuan with two decimals, and a total row.
 */
export function paymentCsv(s: SettlementRecord): string {
  const unit = programmeOf(s.type).subsidyUnit.label.zh;
  const header = ['结算月份 Month', '区县 District', '服务项目 Programme', '服务机构 Provider', '机构编号 Provider id', '服务对象 Resident', '服务日期 Dates', '数量 Units', `补贴标准 Rate（${unit}）`, '政策版本 Policy', '金额（元）Amount (yuan)'];
  const name = programmeOf(s.type).name.zh;
  const rows = s.lines.map((l) => [s.month, s.district, name, s.providerName, s.providerId, l.subjectMasked, l.dates.join(' '), l.units, yuan(l.rateFen), l.policyVersion, yuan(l.amountFen)]);
  const total = [s.month, s.district, name, s.providerName, s.providerId, '合计 Total', '', '', '', '', yuan(s.totalFen)];
  return `\uFEFF${[header, ...rows, total].map((r) => r.map(field).join(',')).join('\r\n')}\r\n`;
}

export function settlementView(s: SettlementRecord) {
  const { version: _v, ...view } = s;
  return view;
}
