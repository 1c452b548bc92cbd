import { AsyncLocalStorage } from 'node:async_hooks';
import { readdirSync, readFileSync } from 'node:fs';
import { DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { checkCharFor } from '@huimin/domain';
import { type ApplicationRecord, Applications, type AssignmentRecord, Assignments, createDocumentClient, type ProviderRecord, Providers } from '@huimin/store';
import type { BusEvent, Invoke, LocalBus } from '../../packages/local/src/bus';

export { bornMonthsBefore, nextMonth } from '../support/calendar';

/**
 * Helpers of the crash suite (test/reliability/crash.test.ts): a crash injector for the local bus's
 * consumers, a reader of a whole table, and the checks of "nothing lost, nothing twice".
 */

/** What a consumer "dying" looks like to the bus: the invocation rejects. */
export class SimulatedCrash extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SimulatedCrash';
  }
}

interface Invocation {
  fn: string;
  attempt: number;
  writes: number;
  /** The write after which this invocation dies (0: it does not). */
  crashAfter: number;
  dead: boolean;
}

const WRITES = new Set(['TransactWriteCommand', 'PutCommand', 'UpdateCommand', 'DeleteCommand', 'BatchWriteCommand']);

export interface CrashStats {
  /** Invocations killed right after one of their writes had landed, per consumer. */
  crashes: Record<string, number>;
  /** Invocations per consumer (every attempt). */
  invocations: Record<string, number>;
  /** Writes refused because the invocation had already "died" (a dead process writes nothing). */
  refusedAfterDeath: number;
}

/**
 * Kills consumers between their write and their return, through two seams no source file needs
 * to offer: the bus's `invoke` (a private field at compile time only) and the document client's
 * `send`, which every write of the functions goes through.
 *
 * Attempt n of a delivery (n < crashingAttempts) dies right after its (n+1)-th write has landed in
 * DynamoDB: the first attempt after its first write, the second after its second, so a consumer that
 * writes in several steps (an allocation round) is also cut in the middle. From then on the
 * invocation can write nothing more, and the bus sees it reject, as EventBridge sees a Lambda whose
 * sandbox died. Later attempts run to the end.
 */
export function injectCrashes(bus: LocalBus, crashingAttempts = 2): { stats: CrashStats; recorded: Parameters<LocalBus['put']>[0][]; restore(): void } {
  const als = new AsyncLocalStorage<Invocation>();
  const stats: CrashStats = { crashes: {}, invocations: {}, refusedAfterDeath: 0 };
  const proto = DynamoDBDocumentClient.prototype as unknown as { send: (command: unknown, ...rest: unknown[]) => Promise<unknown> };
  const ownSend = Object.getOwnPropertyDescriptor(proto, 'send');
  const send = proto.send;
  proto.send = async function (this: unknown, command: unknown, ...rest: unknown[]) {
    const inv = als.getStore();
    if (inv?.dead) {
      stats.refusedAfterDeath++;
      throw new SimulatedCrash(`${inv.fn} is dead: nothing more is written`);
    }
    const out = await send.call(this, command, ...rest);
    const name = (command as { constructor: { name: string } }).constructor.name;
    if (inv && WRITES.has(name)) {
      inv.writes++;
      if (inv.writes === inv.crashAfter) {
        inv.dead = true;
        stats.crashes[inv.fn] = (stats.crashes[inv.fn] ?? 0) + 1;
        throw new SimulatedCrash(`${inv.fn} died after write ${inv.writes} (${name}) of attempt ${inv.attempt + 1}`);
      }
    }
    return out;
  };

  const seam = bus as unknown as { invoke: Invoke; put: LocalBus['put'] };
  const invoke = seam.invoke;
  const attempts = new Map<string, number>();
  seam.invoke = async (fn, event, context) => {
    const key = `${fn}:${(event as BusEvent).id}`;
    const attempt = attempts.get(key) ?? 0;
    attempts.set(key, attempt + 1);
    stats.invocations[fn] = (stats.invocations[fn] ?? 0) + 1;
    const inv: Invocation = { fn, attempt, writes: 0, crashAfter: attempt < crashingAttempts ? attempt + 1 : 0, dead: false };
    let result: unknown;
    try {
      result = await als.run(inv, () => invoke(fn, event, context));
    } catch (err) {
      if (inv.dead) throw new SimulatedCrash(`${fn} crashed`);
      throw err;
    }
    // Whatever the handler made of the error, a dead process returns nothing.
    if (inv.dead) throw new SimulatedCrash(`${fn} crashed`);
    return result;
  };

  const recorded: Parameters<LocalBus['put']>[0][] = [];
  const put = seam.put.bind(bus);
  seam.put = (entry) => {
    recorded.push(entry);
    return put(entry);
  };

  return {
    stats,
    recorded,
    restore() {
      seam.invoke = invoke;
      seam.put = put;
      if (ownSend) Object.defineProperty(proto, 'send', ownSend);
      else delete (proto as { send?: unknown }).send;
    },
  };
}

export interface TableContents {
  applications: ApplicationRecord[];
  assignments: AssignmentRecord[];
  providers: ProviderRecord[];
  /** Every item by its key, for before/after comparisons. */
  raw: Map<string, Record<string, unknown>>;
}

/** The whole table, read with a Scan (a test table, small). */
export async function readTable(endpoint: string, tableName: string): Promise<TableContents> {
  const doc = createDocumentClient({ DYNAMODB_ENDPOINT: endpoint, AWS_REGION: 'cn-north-1' });
  const out: TableContents = { applications: [], assignments: [], providers: [], raw: new Map() };
  try {
    let start: Record<string, unknown> | undefined;
    do {
      const page = await doc.send(new ScanCommand({ TableName: tableName, ConsistentRead: true, ...(start ? { ExclusiveStartKey: start } : {}) }));
      for (const item of page.Items ?? []) {
        const pk = String(item.pk);
        out.raw.set(`${pk}|${String(item.sk)}`, item);
        const prefix = pk.split('#')[0];
        if (prefix === 'APP' && item.sk === 'APP') out.applications.push(Applications.fromItem(item));
        else if (prefix === 'ASSIGN') out.assignments.push(Assignments.fromItem(item));
        else if (prefix === 'PROVIDER') out.providers.push(Providers.fromItem(item));
      }
      start = page.LastEvaluatedKey;
    } while (start);
  } finally {
    doc.destroy();
  }
  return out;
}

const LIVE = new Set(['OFFERED', 'ACCEPTED']);

/**
 * Places held at each provider, as its counters say and as its live assignments say, with the
 * counters' own consistency (reserved + available = capacity, per pool too). `baseline` is what
 * was held before the test began (seed data).
 */
export function placeLedger(t: TableContents, baseline: Map<string, ProviderRecord>) {
  const rows: { providerId: string; pool: string; counted: number; expected: number; consistent: boolean }[] = [];
  for (const p of t.providers) {
    const before = baseline.get(p.id);
    const live = t.assignments.filter((a) => a.providerId === p.id && LIVE.has(a.status));
    if (p.pools) {
      for (const [pool, counters] of Object.entries(p.pools)) {
        const held = live.filter((a) => a.pool === pool).reduce((n, a) => n + a.units, 0);
        rows.push({
          providerId: p.id,
          pool,
          counted: counters.reserved,
          expected: (before?.pools?.[pool]?.reserved ?? 0) + held,
          consistent: counters.reserved + counters.available === counters.capacity,
        });
      }
    } else {
      const held = live.reduce((n, a) => n + a.units, 0);
      rows.push({ providerId: p.id, pool: '-', counted: p.reserved, expected: (before?.reserved ?? 0) + held, consistent: p.reserved + p.available === p.capacity });
    }
  }
  return rows;
}

/** Statuses that appear twice in a row in a history: one step recorded twice. */
export function repeatedSteps(app: ApplicationRecord): string[] {
  return app.history.flatMap((h, i) => (i > 0 && app.history[i - 1]!.status === h.status ? [h.status] : []));
}

/** A valid resident ID number of someone born on `birth` (YYYYMMDD) in Qixia District. */
export function residentId(birth: string, sequence: number): string {
  const first17 = `320113${birth}${String(sequence % 1000).padStart(3, '0')}`;
  return first17 + checkCharFor(first17);
}



/** DynamoDB Local processes whose command line names this -dbPath, with their -port. */
export function dynamoProcessesOn(dbPath: string): { pid: number; port: number }[] {
  const found: { pid: number; port: number }[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let args: string[];
    try {
      args = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0');
    } catch {
      continue;
    }
    const at = args.indexOf('-dbPath');
    if (!args.some((a) => a.endsWith('DynamoDBLocal.jar')) || at < 0 || args[at + 1] !== dbPath) continue;
    found.push({ pid: Number(entry), port: Number(args[args.indexOf('-port') + 1]) });
  }
  return found;
}

/** Whether a process runs (a zombie does not). */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    // A zombie still answers signal 0; it is dead all the same.
    return !/^\S+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}
