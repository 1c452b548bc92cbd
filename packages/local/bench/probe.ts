import { readFileSync } from 'node:fs';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

/**
 * What the pipeline benchmark sees of the SDK calls every part of the local stack makes (the
 * functions' document client, the seed's, the stream poller's): each call's duration, the capacity
 * DynamoDB reports for it, and, for a transaction that carries an outbox item, which application and
 * event it committed and when. It wraps `send` of the SDK's client base classes, so nothing in the
 * stack is changed to be measured.
 */

/** The outbox event a committed transaction carried, with the commit's start and end (epoch ms). */
export interface CommitTiming {
  detailType: string;
  applicationId: string;
  startedAt: number;
  endedAt: number;
  writeUnits: number;
}

export interface CallStats {
  calls: number;
  failed: number;
  ms: number[];
  writeUnits: number;
  readUnits: number;
  /** Stream records returned (GetRecords only). */
  records: number;
}

const WRITES = new Set(['TransactWriteCommand', 'TransactWriteItemsCommand', 'PutCommand', 'PutItemCommand', 'UpdateCommand', 'UpdateItemCommand', 'DeleteCommand', 'DeleteItemCommand', 'BatchWriteCommand', 'BatchWriteItemCommand']);
const READS = new Set(['GetCommand', 'GetItemCommand', 'QueryCommand', 'ScanCommand', 'BatchGetCommand', 'BatchGetItemCommand', 'TransactGetCommand', 'TransactGetItemsCommand']);

interface Units {
  CapacityUnits?: number;
  ReadCapacityUnits?: number;
  WriteCapacityUnits?: number;
}
interface ConsumedCapacity extends Units {
  Table?: Units;
  GlobalSecondaryIndexes?: Record<string, Units>;
}
const unitsOf = (u: Units | undefined) => u?.CapacityUnits ?? (u?.WriteCapacityUnits ?? 0) + (u?.ReadCapacityUnits ?? 0);

type Send = (command: { input: Record<string, unknown>; constructor: { name: string } }, ...rest: unknown[]) => Promise<Record<string, unknown>>;

export class SdkProbe {
  readonly byCommand = new Map<string, CallStats>();
  /** Write units by where they were spent: the table, or each global secondary index. */
  readonly writeUnitsBy = new Map<string, number>();
  commits: CommitTiming[] = [];
  private installed: { proto: { send: Send }; original: Send }[] = [];

  install() {
    const protos = new Set<{ send: Send }>();
    for (const cls of [DynamoDBClient, DynamoDBDocumentClient, DynamoDBStreamsClient]) protos.add(Object.getPrototypeOf(cls.prototype) as { send: Send });
    const probe = this;
    for (const proto of protos) {
      const original = proto.send;
      this.installed.push({ proto, original });
      proto.send = async function (this: unknown, command, ...rest) {
        const name = command.constructor.name;
        if (WRITES.has(name) || READS.has(name)) command.input.ReturnConsumedCapacity ??= 'INDEXES';
        const startedAt = Date.now();
        let out: Record<string, unknown> | undefined;
        try {
          out = await original.call(this, command, ...rest);
          return out;
        } finally {
          probe.record(name, command.input, out, startedAt, Date.now());
        }
      };
    }
  }

  uninstall() {
    for (const { proto, original } of this.installed) proto.send = original;
    this.installed = [];
  }

  /** Forgets what was recorded (between phases). */
  reset() {
    this.byCommand.clear();
    this.writeUnitsBy.clear();
    this.commits = [];
  }

  private record(name: string, input: Record<string, unknown>, out: Record<string, unknown> | undefined, startedAt: number, endedAt: number) {
    let s = this.byCommand.get(name);
    if (!s) {
      s = { calls: 0, failed: 0, ms: [], writeUnits: 0, readUnits: 0, records: 0 };
      this.byCommand.set(name, s);
    }
    s.calls++;
    s.ms.push(endedAt - startedAt);
    if (!out) {
      s.failed++;
      return;
    }
    const consumed = out.ConsumedCapacity as ConsumedCapacity | ConsumedCapacity[] | undefined;
    let units = 0;
    for (const c of Array.isArray(consumed) ? consumed : consumed ? [consumed] : []) {
      units += unitsOf(c);
      if (!WRITES.has(name)) continue;
      if (c.Table) this.writeUnitsBy.set('table', (this.writeUnitsBy.get('table') ?? 0) + unitsOf(c.Table));
      for (const [index, u] of Object.entries(c.GlobalSecondaryIndexes ?? {})) this.writeUnitsBy.set(index, (this.writeUnitsBy.get(index) ?? 0) + unitsOf(u));
    }
    if (WRITES.has(name)) s.writeUnits += units;
    else s.readUnits += units;
    if (name === 'GetRecordsCommand') s.records += (out.Records as unknown[] | undefined)?.length ?? 0;
    if (name === 'TransactWriteCommand') {
      for (const item of (input.TransactItems as { Put?: { Item?: Record<string, unknown> } }[] | undefined) ?? []) {
        const put = item.Put?.Item;
        if (typeof put?.pk !== 'string' || !put.pk.startsWith('OUTBOX#') || typeof put.detail !== 'string') continue;
        const detail = JSON.parse(put.detail) as { data?: { applicationId?: string } };
        if (detail.data?.applicationId) {
          this.commits.push({ detailType: String(put.detailType), applicationId: detail.data.applicationId, startedAt, endedAt, writeUnits: units });
        }
      }
    }
  }
}

/** CPU seconds (user + system) a process has used so far, from /proc (Linux). */
export function cpuSecondsOf(pid: number): number | undefined {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /, '').split(' ');
    // After "pid (comm) ": state is field 3, utime field 14 and stime field 15 (1-based, man 5 proc).
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return undefined;
  }
}

/** The Java process among this process's children (DynamoDB Local), if any. */
export function javaChildPid(): number | undefined {
  try {
    for (const tid of readFileSync(`/proc/${process.pid}/task/${process.pid}/children`, 'utf8').trim().split(/\s+/)) {
      if (!tid) continue;
      const cmd = readFileSync(`/proc/${tid}/cmdline`, 'utf8');
      if (cmd.includes('DynamoDBLocal')) return Number(tid);
    }
  } catch {
    // Not Linux, or /proc is not readable: CPU figures are left out.
  }
  return undefined;
}
