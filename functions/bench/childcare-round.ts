/**
 * A childcare round end to end on DynamoDB Local: generated records (children, nurseries, enrolled
 * siblings) are loaded into a fresh table, then `runStableRound` — the round's use case, as the
 * allocateDistrict consumer runs it — reads them, solves (builds the instance, runs deferred
 * acceptance) and writes the offers (one conditional transaction each), the unplaced children's
 * entries and the pools. Printed: the load, the round's read / solve / write split, the pure solver
 * alone on the instance the round read (median of several runs, checked below 1 s), and a check of
 * what the round wrote (offers counted back, no pool over-booked).
 *
 *   node --import tsx functions/bench/childcare-round.ts --children 100000 --nurseries 2000
 *     [--preferences 5] [--seed 77] [--no-warmup] [--stream] [--pure-runs 5] [--load-concurrency 16] [--json out.json]
 *
 * Or `benchChildcareRound(opts)` from another runner (packages/matching/bench/run.ts). DynamoDB
 * Local is started here and stopped at the end, also on error.
 */
import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { CreateTableCommand } from '@aws-sdk/client-dynamodb';
import { BatchGetCommand, type BatchGetCommandOutput, type DynamoDBDocumentClient, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { type AgeClass, programmeOf } from '@huimin/domain';
import {
  type ApplicationRecord,
  Applications,
  createDocumentClient,
  createTableInput,
  type Entity,
  type OutboxEvent,
  type ProviderRecord,
  Providers,
  Store,
  type TxOp,
} from '@huimin/store';
import { ensureTable, localClient, startDynamoLocal } from '../../packages/local/src/dynamo';
import type { Deps } from '../src/lib/config';
import { buildStableInstance, runStableRound, type StableOutcome, solveStable } from '../src/use-cases/stable-round';
import { type ChildcareData, generateChildcareData } from './childcare-data';

/** The issue's size: what `benchChildcareRound()` runs when not told otherwise. */
export const CHILDCARE_ROUND_DEFAULTS = { children: 100_000, nurseries: 2_000, preferences: 5, seed: 77 } as const;

export interface ChildcareRoundBenchOptions {
  children?: number;
  nurseries?: number;
  preferences?: number;
  seed?: number;
  log?: (line: string) => void;
  /** A small round on another table first, so the measured round runs on a warm JVM (default true). */
  warmup?: boolean;
  /** Timed runs of the pure solver after the round (default 5). */
  pureRuns?: number;
  /** putAll calls in flight while loading (default 16). */
  loadConcurrency?: number;
  /** The pure solver's limit, ms (default 1000). */
  pureLimitMs?: number;
  /**
   * Tables with the stack's DynamoDB stream (default false). Nothing in the round reads the stream
   * (its events are outbox items, written either way), but DynamoDB Local writes to a table with a
   * stream several times slower, and slower still as stream records pile up (measured at 10k
   * children: 149 offers/s without, 25 with; loading 2,670 items/s without, 388 with), which an
   * AWS table does not: the default measures the round, not the emulator's stream.
   */
  stream?: boolean;
  /** A progress line every this many seconds during the load and the round (default 60; 0: none). */
  progressSeconds?: number;
}

export interface ChildcareRoundBenchResult {
  size: { children: number; nurseries: number; preferences: number; classes: number; seed: number; places: number; enrolledSiblings: number };
  dynamo: { startMs: number; jvm: 'warm' | 'cold'; stream: boolean };
  load: { ms: number; items: number; itemsPerSecond: number; concurrency: number };
  warmup: { children: number; nurseries: number; loadMs: number; roundMs: number; offered: number; conflicts: number } | null;
  round: {
    readMs: number;
    solveMs: number;
    writeMs: number;
    totalMs: number;
    considered: number;
    planned: number;
    offered: number;
    conflicts: number;
    stillWaiting: number;
    placed: number;
    objective: number;
    /** offered ÷ the whole write phase. */
    offersPerSecond: number;
    reads: { waitlistedMs: number; enrolledMs: number; providersMs: number; waitlisted: number; enrolled: number; providers: number };
    write: {
      poolsMs: number;
      offersMs: number;
      unplacedEntriesMs: number;
      unplacedEntries: number;
      /** offered ÷ the offers' part of the write phase only. */
      offersPhasePerSecond: number;
      commits: number;
      commitP50Ms: number;
      commitP99Ms: number;
      commitMaxMs: number;
      /** TransactWrite requests sent (retries included) and cancelled, by reason. */
      transactWrites: number;
      cancelled: Record<string, number>;
    };
    cpu: { nodeSeconds: number; dynamoSeconds: number | null };
  };
  pure: { runs: number; buildMedianMs: number; solveMedianMs: number; totalMedianMs: number; solveMinMs: number; solveMaxMs: number; limitMs: number; belowLimit: boolean; matchesRound: boolean };
  check: {
    offeredAssignments: number;
    nurseriesChecked: number;
    /** Nurseries whose OFFERED assignments per class differ from the growth of their pools' reserved places. */
    assignmentMismatches: number;
    classesChecked: number;
    overBooked: number;
    reservedDelta: number;
    /** (nursery, class) pools whose reserved growth differs from what the pure solver admitted there. */
    admittedMismatches: number;
    applicationsSampled: number;
    applicationMismatches: number;
    ms: number;
  };
  ok: boolean;
  failures: string[];
  wallMs: number;
}

const CLASSES: readonly AgeClass[] = ['infant', 'toddler', 'older'];

const fmt = (x: number, digits = 0): string => x.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
const ms = (x: number): string => `${fmt(x, x < 100 ? 1 : 0)} ms`;
const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};
const quantile = (sorted: readonly number[], q: number): number => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;

/**
 * The store the round is given: the real one, also noting what the round read (so the pure solver
 * runs on exactly that), how long each read took, when each bulk write ran, and each offer's commit.
 */
class RecordingStore extends Store {
  readonly read: { WAITLISTED?: ApplicationRecord[]; ACTIVE?: ApplicationRecord[]; providers?: ProviderRecord[] } = {};
  readonly readMs: { WAITLISTED?: number; ACTIVE?: number; providers?: number } = {};
  readonly bulk: { prefix: string; start: number; end: number; items: number }[] = [];
  readonly commitMs: number[] = [];

  override async listAllApplicationsByDistrictTypeStatus(district: string, type: ApplicationRecord['type'], status: ApplicationRecord['status']) {
    const t0 = performance.now();
    const out = await super.listAllApplicationsByDistrictTypeStatus(district, type, status);
    if (status === 'WAITLISTED' || status === 'ACTIVE') {
      this.read[status] = out;
      this.readMs[status] = performance.now() - t0;
    }
    return out;
  }

  override async listAllProvidersByDistrict(district: string, kind: ProviderRecord['kind']) {
    const t0 = performance.now();
    const out = await super.listAllProvidersByDistrict(district, kind);
    this.read.providers = out;
    this.readMs.providers = performance.now() - t0;
    return out;
  }

  override async putAll<T extends object>(entity: Entity<T>, records: readonly T[]): Promise<number> {
    const start = performance.now();
    const n = await super.putAll(entity, records);
    this.bulk.push({ prefix: entity.spec.prefix, start, end: performance.now(), items: records.length });
    return n;
  }

  override async commit(ops: TxOp[], events: OutboxEvent[] = [], now = new Date()): Promise<void> {
    const t0 = performance.now();
    try {
      await super.commit(ops, events, now);
    } finally {
      this.commitMs.push(performance.now() - t0);
    }
  }
}

async function inParallel<T>(items: readonly T[], limit: number, work: (item: T) => Promise<unknown>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await work(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

/** Loads the generated records: putAll (BatchWrite × 25, sequential) over chunks of 500, `concurrency` chunks at a time. */
async function loadData(store: Store, data: ChildcareData, concurrency: number, progress = { items: 0 }): Promise<{ ms: number; items: number }> {
  const t0 = performance.now();
  const chunk = 500;
  const tasks: (() => Promise<number>)[] = [];
  const add = <T extends object>(entity: Entity<T>, records: readonly T[]) => {
    for (let i = 0; i < records.length; i += chunk) {
      tasks.push(async () => {
        const n = await store.putAll(entity, records.slice(i, i + chunk));
        progress.items += n;
        return n;
      });
    }
  };
  add(Providers, data.providers);
  add(Applications, data.enrolledSiblings);
  add(Applications, data.applications);
  await inParallel(tasks, concurrency, (task) => task());
  return { ms: performance.now() - t0, items: data.providers.length + data.enrolledSiblings.length + data.applications.length };
}

/** Applications by id (BatchGetItem, 100 keys a request, unprocessed keys asked again). */
async function batchGetApplications(store: Store, ids: readonly string[]): Promise<ApplicationRecord[]> {
  const out: ApplicationRecord[] = [];
  let keys: Record<string, unknown>[] | undefined = ids.map((id) => Applications.key({ id }));
  for (let attempt = 0; keys && keys.length > 0; attempt++) {
    if (attempt > 0) await new Promise((r) => setTimeout(r, 50 * 2 ** Math.min(attempt, 5)));
    const res: BatchGetCommandOutput = await store.doc.send(new BatchGetCommand({ RequestItems: { [store.tableName]: { Keys: keys, ConsistentRead: true } } }));
    for (const item of res.Responses?.[store.tableName] ?? []) out.push(Applications.fromItem(item));
    keys = res.UnprocessedKeys?.[store.tableName]?.Keys as Record<string, unknown>[] | undefined;
  }
  return out;
}

/** CPU seconds (user + system) of this process's `java` children: DynamoDB Local. Linux only. */
function dynamoCpuSeconds(): number | null {
  try {
    const tick = 100; // USER_HZ on Linux
    let total = 0;
    let found = false;
    for (const entry of readdirSync('/proc')) {
      if (!/^\d+$/.test(entry)) continue;
      let stat: string;
      try {
        stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      } catch {
        continue;
      }
      const close = stat.lastIndexOf(')');
      const comm = stat.slice(stat.indexOf('(') + 1, close);
      const fields = stat.slice(close + 2).split(' ');
      if (comm !== 'java' || Number(fields[1]) !== process.pid) continue;
      total += (Number(fields[11]) + Number(fields[12])) / tick;
      found = true;
    }
    return found ? total : null;
  } catch {
    return null;
  }
}

function javaVersion(): string {
  const out = spawnSync('java', ['-version'], { encoding: 'utf8' });
  return (out.stderr || out.stdout || '').split('\n')[0]?.trim() ?? 'java ?';
}

/** TransactWrite requests the round sent, and how many DynamoDB cancelled, by reason. */
interface TransactionCounts {
  sent: number;
  cancelled: Record<string, number>;
}
const newCounts = (): TransactionCounts => ({ sent: 0, cancelled: {} });

/** The document client, counting TransactWrite attempts (Store.commit retries a TransactionConflict up to 3 times). */
function countingClient(doc: DynamoDBDocumentClient, counts: TransactionCounts): DynamoDBDocumentClient {
  const send = doc.send.bind(doc) as (command: unknown) => Promise<unknown>;
  return new Proxy(doc, {
    get(target, prop, receiver) {
      if (prop !== 'send') return Reflect.get(target, prop, receiver);
      return async (command: unknown) => {
        if (!(command instanceof TransactWriteCommand)) return send(command);
        counts.sent++;
        try {
          return await send(command);
        } catch (err) {
          const reasons = (err as { CancellationReasons?: { Code?: string }[] }).CancellationReasons ?? [];
          const key = [...new Set(reasons.map((r) => r.Code ?? '?').filter((c) => c !== 'None'))].join('+') || (err as Error).name;
          counts.cancelled[key] = (counts.cancelled[key] ?? 0) + 1;
          throw err;
        }
      };
    },
  });
}

/** A fresh table in the running DynamoDB Local (the stack's definition, with or without its stream) and a store on it. */
async function freshTable(endpoint: string, name: string, stream: boolean, transactions: TransactionCounts = newCounts()): Promise<{ store: Store; recording: RecordingStore }> {
  if (stream) await ensureTable(endpoint, name);
  else {
    const { StreamSpecification: _s, ...input } = createTableInput(name);
    const client = localClient(endpoint);
    try {
      await client.send(new CreateTableCommand(input));
    } finally {
      client.destroy();
    }
  }
  const doc = createDocumentClient({ DYNAMODB_ENDPOINT: endpoint, AWS_REGION: 'cn-north-1' });
  return { store: new Store(doc, name, { registry: 'bench-registry-key' }), recording: new RecordingStore(countingClient(doc, transactions), name, { registry: 'bench-registry-key' }) };
}

export async function benchChildcareRound(opts: ChildcareRoundBenchOptions = {}): Promise<ChildcareRoundBenchResult> {
  const log = opts.log ?? ((line: string) => console.log(line));
  const children = opts.children ?? CHILDCARE_ROUND_DEFAULTS.children;
  const nurseries = opts.nurseries ?? CHILDCARE_ROUND_DEFAULTS.nurseries;
  const preferences = opts.preferences ?? CHILDCARE_ROUND_DEFAULTS.preferences;
  const seed = opts.seed ?? CHILDCARE_ROUND_DEFAULTS.seed;
  const warmup = opts.warmup ?? true;
  const pureRuns = Math.max(1, opts.pureRuns ?? 5);
  const loadConcurrency = Math.max(1, opts.loadConcurrency ?? 16);
  const limitMs = opts.pureLimitMs ?? 1000;
  const stream = opts.stream ?? false;
  const progressMs = 1000 * (opts.progressSeconds ?? 60);
  const district = '320113';
  const failures: string[] = [];
  const tWall = performance.now();

  const cpu = os.cpus();
  log(
    `machine: ${cpu[0]?.model ?? 'unknown CPU'}, ${cpu.length} cores, ${(os.totalmem() / 2 ** 30).toFixed(1)} GB RAM, ` +
      `node ${process.version}, ${os.platform()} ${os.release()}, ${javaVersion()}, load average ${os
        .loadavg()
        .map((x) => x.toFixed(1))
        .join(' ')}`,
  );
  log(`childcare round: ${fmt(children)} children × ${preferences} preferences × ${fmt(nurseries)} nurseries × 3 classes, seed ${seed}, district ${district}`);

  const tDynamo = performance.now();
  const dynamo = await startDynamoLocal({ timeoutMs: 120_000 });
  const dynamoStartMs = performance.now() - tDynamo;
  try {
    // Generate.
    const at = new Date();
    const tGen = performance.now();
    const data = generateChildcareData({ children, nurseries, preferences, seed, district, at });
    const genMs = performance.now() - tGen;
    const st = data.stats;
    const pct = (x: number) => `${((100 * x) / children).toFixed(1)} %`;
    log(
      `data: ${fmt(children)} WAITLISTED applications (infant ${fmt(st.childrenByClass.infant)}, toddler ${fmt(st.childrenByClass.toddler)}, older ${fmt(st.childrenByClass.older)}; ` +
        `${(st.preferences / children).toFixed(2)} preferences each, ${fmt(st.withinOneKm)} of them within 1 km), ${fmt(nurseries)} nurseries with ${fmt(st.places)} free places ` +
        `(${pct(st.places)} of children), ${fmt(data.enrolledSiblings.length)} ACTIVE siblings; twins ${fmt(st.twinPairs)} pairs, sibling enrolled ${pct(st.siblingEnrolled)}, ` +
        `sibling declared ${pct(st.siblingAtIntake)}, low income ${pct(st.lowIncome)}, ≥ 2 children ${pct(st.multiChild)}, parent works in district ${pct(st.parentWorksInDistrict)}, ` +
        `standing exclusion ${pct(st.standingExclusions)}; generated in ${ms(genMs)}`,
    );
    log(`DynamoDB Local: in-memory, started in ${ms(dynamoStartMs)} at ${dynamo.endpoint}; tables with the stack's keys and 3 GSIs, ${stream ? 'and its stream (NEW_IMAGE: DynamoDB Local writes several times slower)' : 'without its stream (DynamoDB Local writes several times slower to one; --stream to include it)'}`);

    const suffix = randomUUID().slice(0, 8);

    // Warm-up, before the load: a small round on its own table (10 children a nursery, so the
    // offers do not queue on a few nurseries' items), so the JVM is warm for the load and the round.
    let warm: ChildcareRoundBenchResult['warmup'] = null;
    if (warmup) {
      const wChildren = Math.max(200, Math.min(2_000, Math.round(children / 5)));
      const wNurseries = Math.max(20, Math.round(wChildren / 10));
      const wData = generateChildcareData({ children: wChildren, nurseries: wNurseries, preferences, seed: seed + 1, district, at, idPrefix: 'warmup' });
      const wCounts = newCounts();
      const w = await freshTable(dynamo.endpoint, `bench-warmup-${suffix}`, stream, wCounts);
      const wLoad = await loadData(w.store, wData, loadConcurrency);
      const tw = performance.now();
      const wRound = { id: randomUUID(), type: 'childcare' as const, district, createdAt: at.toISOString(), lotterySeed: seed + 1 };
      const wr = await runStableRound({ store: w.recording, now: () => at }, wRound, `bench-warmup-${suffix}`);
      warm = { children: wChildren, nurseries: wNurseries, loadMs: wLoad.ms, roundMs: performance.now() - tw, offered: wr.offered, conflicts: wr.conflicts };
      log(
        `warm-up (DynamoDB Local, cold JVM): a round of ${fmt(wChildren)} children × ${fmt(wNurseries)} nurseries on its own table (loaded in ${ms(wLoad.ms)}): ` +
          `read ${ms(wr.timings.readMs)} | solve ${ms(wr.timings.solveMs)} | write ${ms(wr.timings.writeMs)}; offers ${fmt(wr.offered)}, conflicts ${fmt(wr.conflicts)}; ${describeCounts(wCounts)}`,
      );
    }
    const jvm = warmup ? 'warm' : 'cold';
    const jvmLabel = warmup ? 'DynamoDB Local, warm JVM (after a warm-up round and the load)' : 'DynamoDB Local, cold JVM (first round after start; only the load ran before)';

    // Load.
    const transactions = newCounts();
    const main = await freshTable(dynamo.endpoint, `bench-childcare-${suffix}`, stream, transactions);
    const loadProgress = { items: 0 };
    const loadTicker = ticker(log, progressMs, () => `load: ${fmt(loadProgress.items)} items written`);
    const loaded = await loadData(main.store, data, loadConcurrency, loadProgress).finally(loadTicker);
    const load = { ms: loaded.ms, items: loaded.items, itemsPerSecond: (1000 * loaded.items) / loaded.ms, concurrency: loadConcurrency };
    log(
      `1. load (not part of the round): ${fmt(loaded.items)} items (${fmt(children)} applications, ${fmt(data.enrolledSiblings.length)} enrolled siblings, ${fmt(nurseries)} nurseries) ` +
        `in ${ms(loaded.ms)} = ${fmt(load.itemsPerSecond)} items/s (putAll: BatchWrite × 25, ${loadConcurrency} chunks of 500 in parallel; DynamoDB Local, ${warmup ? 'warm JVM' : 'cold JVM'})`,
    );

    // The round, through its use case.
    const store = main.recording;
    const deps: Deps = { store, now: () => at };
    const round = { id: randomUUID(), type: 'childcare' as const, district, createdAt: at.toISOString(), lotterySeed: seed };
    (globalThis as { gc?: () => void }).gc?.();
    const cpu0 = process.cpuUsage();
    const dyn0 = dynamoCpuSeconds();
    const t0 = performance.now();
    const roundTicker = ticker(log, progressMs, () => {
      const phase = store.read.WAITLISTED === undefined ? 'reading' : store.bulk.length === 0 ? 'solving' : 'writing';
      return `round: ${phase}; ${fmt(store.commitMs.length)} offers committed, ${fmt(transactions.sent)} TransactWrite requests`;
    });
    const r = await runStableRound(deps, round, `bench-${suffix}`)
      .catch((err: unknown) => {
        log(
          `2. round via runStableRound FAILED after ${ms(performance.now() - t0)} (${jvmLabel}): ${(err as Error).name}: ${(err as Error).message}; ` +
            `${fmt(store.commitMs.length)} offers had been committed; ${describeCounts(transactions)}`,
        );
        throw err;
      })
      .finally(roundTicker);
    const totalMs = performance.now() - t0;
    const cpu1 = process.cpuUsage(cpu0);
    const dyn1 = dynamoCpuSeconds();
    const { readMs, solveMs, writeMs } = r.timings;
    const poolsSpan = store.bulk.find((b) => b.prefix === 'ROUNDPOOL');
    const entriesSpan = store.bulk.find((b) => b.prefix === 'ROUNDENTRY');
    const poolsMs = poolsSpan ? poolsSpan.end - poolsSpan.start : 0;
    const unplacedEntriesMs = entriesSpan ? entriesSpan.end - entriesSpan.start : 0;
    const offersMs = poolsSpan && entriesSpan ? entriesSpan.start - poolsSpan.end : writeMs - poolsMs - unplacedEntriesMs;
    const commits = [...store.commitMs].sort((a, b) => a - b);
    const roundResult: ChildcareRoundBenchResult['round'] = {
      readMs,
      solveMs,
      writeMs,
      totalMs,
      considered: r.considered,
      planned: r.planned,
      offered: r.offered,
      conflicts: r.conflicts,
      stillWaiting: r.stillWaiting,
      placed: r.offered,
      objective: r.objective,
      offersPerSecond: (1000 * r.offered) / writeMs,
      reads: {
        waitlistedMs: store.readMs.WAITLISTED ?? 0,
        enrolledMs: store.readMs.ACTIVE ?? 0,
        providersMs: store.readMs.providers ?? 0,
        waitlisted: store.read.WAITLISTED?.length ?? 0,
        enrolled: store.read.ACTIVE?.length ?? 0,
        providers: store.read.providers?.length ?? 0,
      },
      write: {
        poolsMs,
        offersMs,
        unplacedEntriesMs,
        unplacedEntries: entriesSpan?.items ?? 0,
        offersPhasePerSecond: (1000 * r.offered) / offersMs,
        commits: commits.length,
        commitP50Ms: quantile(commits, 0.5),
        commitP99Ms: quantile(commits, 0.99),
        commitMaxMs: commits[commits.length - 1] ?? 0,
        transactWrites: transactions.sent,
        cancelled: transactions.cancelled,
      },
      cpu: { nodeSeconds: (cpu1.user + cpu1.system) / 1e6, dynamoSeconds: dyn0 !== null && dyn1 !== null ? dyn1 - dyn0 : null },
    };
    const rr = roundResult;
    log(
      `2. round via runStableRound (${jvmLabel}): read ${ms(readMs)} | solve ${ms(solveMs)} (build instance + deferred acceptance) | write ${ms(writeMs)} | total ${ms(totalMs)}; ` +
        `considered ${fmt(r.considered)}, planned ${fmt(r.planned)}, offers made ${fmt(r.offered)}, conflicts ${fmt(r.conflicts)}, placed ${fmt(r.offered)}, still waiting ${fmt(r.stillWaiting)}, ` +
        `rank sum ${fmt(r.objective)}; write phase ${fmt(rr.offersPerSecond)} offers/s`,
    );
    log(
      `   read split (3 queries in parallel): WAITLISTED ${fmt(rr.reads.waitlisted)} in ${ms(rr.reads.waitlistedMs)}, ACTIVE ${fmt(rr.reads.enrolled)} in ${ms(rr.reads.enrolledMs)}, ` +
        `providers ${fmt(rr.reads.providers)} in ${ms(rr.reads.providersMs)}`,
    );
    log(
      `   write split: pools ${fmt(poolsSpan?.items ?? 0)} (BatchWrite, sequential) ${ms(poolsMs)} | offers ${fmt(r.offered + r.conflicts)} (TransactWrite each, 8 in flight) ${ms(offersMs)} = ` +
        `${fmt(rr.write.offersPhasePerSecond)} offers/s, commit p50 ${ms(rr.write.commitP50Ms)} p99 ${ms(rr.write.commitP99Ms)} max ${ms(rr.write.commitMaxMs)}, ${describeCounts(transactions)} | ` +
        `unplaced entries ${fmt(rr.write.unplacedEntries)} (BatchWrite, sequential) ${ms(unplacedEntriesMs)}`,
    );
    log(
      `   CPU during the round: node ${fmt(rr.cpu.nodeSeconds, 1)} s, DynamoDB Local (java) ${rr.cpu.dynamoSeconds === null ? '?' : `${fmt(rr.cpu.dynamoSeconds, 1)} s`} ` +
        `of ${fmt(totalMs / 1000, 1)} s wall on ${cpu.length} cores`,
    );
    if (r.conflicts !== 0) failures.push(`${r.conflicts} conflicts (expected 0: nothing else writes the table)`);
    if (r.offered !== r.planned) failures.push(`offered ${r.offered} ≠ planned ${r.planned}`);

    // The pure solver on the instance the round read.
    const programme = programmeOf('childcare');
    const apps = store.read.WAITLISTED ?? [];
    const providers = store.read.providers ?? [];
    const enrolled = store.read.ACTIVE ?? [];
    const buildTimes: number[] = [];
    const solveTimes: number[] = [];
    let outcome: StableOutcome | undefined;
    for (let run = 0; run < pureRuns; run++) {
      outcome = undefined;
      (globalThis as { gc?: () => void }).gc?.();
      const a = performance.now();
      const instance = buildStableInstance(programme, apps, providers, enrolled, seed, at);
      const b = performance.now();
      outcome = solveStable(instance);
      const c = performance.now();
      buildTimes.push(b - a);
      solveTimes.push(c - b);
    }
    const totals = buildTimes.map((b, i) => b + solveTimes[i]!);
    const pure: ChildcareRoundBenchResult['pure'] = {
      runs: pureRuns,
      buildMedianMs: median(buildTimes),
      solveMedianMs: median(solveTimes),
      totalMedianMs: median(totals),
      solveMinMs: Math.min(...solveTimes),
      solveMaxMs: Math.max(...solveTimes),
      limitMs,
      belowLimit: median(solveTimes) < limitMs,
      matchesRound: outcome!.placed === r.planned && outcome!.rankSum === r.objective,
    };
    log(
      `3. pure solver, same instance, in process (${pureRuns} runs, median): solveStable (deferred acceptance + explanations) ${ms(pure.solveMedianMs)} ` +
        `(min ${ms(pure.solveMinMs)}, max ${ms(pure.solveMaxMs)}) — ${pure.belowLimit ? 'below' : 'NOT below'} ${fmt(limitMs)} ms; ` +
        `buildStableInstance ${ms(pure.buildMedianMs)}; both ${ms(pure.totalMedianMs)} (${pure.totalMedianMs < limitMs ? 'below' : 'not below'} ${fmt(limitMs)} ms); ` +
        `placed ${fmt(outcome!.placed)}, rank sum ${fmt(outcome!.rankSum)} ${pure.matchesRound ? '= the round' : '≠ THE ROUND'}`,
    );
    if (!pure.belowLimit) failures.push(`pure solver median ${pure.solveMedianMs.toFixed(0)} ms ≥ ${limitMs} ms`);
    if (!pure.matchesRound) failures.push('pure solver disagrees with the round (placed or rank sum)');

    // Check what the round wrote. Every nursery: its pools read back, and its OFFERED assignments per
    // class (one small query each). No COUNT over the big OFFERED / WAITLISTED partitions: DynamoDB
    // Local answers each page of a partition in time growing with what is left of it (quadratic).
    const tCheck = performance.now();
    const after = await main.store.listAllProvidersByDistrict(district, 'childcare');
    const before = new Map(data.providers.map((p) => [p.id, p]));
    const admitted = new Map(outcome!.pools.map((p) => [p.providerId, p.classes]));
    let classesChecked = 0;
    let overBooked = 0;
    let reservedDelta = 0;
    let admittedMismatches = 0;
    const deltaOf = new Map<string, Record<string, number>>();
    for (const p of after) {
      const b = before.get(p.id);
      if (!b) continue;
      const deltas: Record<string, number> = {};
      let sums = { capacity: 0, reserved: 0, available: 0 };
      for (const cls of CLASSES) {
        const pool = p.pools?.[cls];
        const was = b.pools?.[cls];
        if (!pool || !was) continue;
        classesChecked++;
        const d = pool.reserved - was.reserved;
        deltas[cls] = d;
        reservedDelta += d;
        if (pool.available < 0 || pool.reserved > pool.capacity || pool.available !== pool.capacity - pool.reserved || pool.capacity !== was.capacity) overBooked++;
        if (d !== (admitted.get(p.id)?.[cls]?.admitted ?? 0)) admittedMismatches++;
        sums = { capacity: sums.capacity + pool.capacity, reserved: sums.reserved + pool.reserved, available: sums.available + pool.available };
      }
      if (sums.capacity !== p.capacity || sums.reserved !== p.reserved || sums.available !== p.available) overBooked++;
      deltaOf.set(p.id, deltas);
    }
    let offeredAssignments = 0;
    let assignmentMismatches = 0;
    await inParallel(after, 16, async (p) => {
      const perClass: Record<string, number> = {};
      let nextToken: string | undefined;
      do {
        const page = await main.store.listAssignmentsByProvider(p.id, { status: 'OFFERED', nextToken });
        for (const a of page.items) perClass[a.pool ?? '-'] = (perClass[a.pool ?? '-'] ?? 0) + 1;
        offeredAssignments += page.items.length;
        nextToken = page.nextToken;
      } while (nextToken);
      const deltas = deltaOf.get(p.id) ?? {};
      if (CLASSES.some((cls) => (perClass[cls] ?? 0) !== (deltas[cls] ?? 0)) || perClass['-'] !== undefined) assignmentMismatches++;
    });
    // A sample of applications read back by key: OFFERED at the nursery the solver chose, or still WAITLISTED.
    const plannedAt = new Map(outcome!.entries.map((e) => [e.applicationId, e.offeredProviderId]));
    const step = Math.max(1, Math.floor(apps.length / 2000));
    const sampleIds = apps.filter((_, i) => i % step === 0).map((a) => a.id);
    let applicationMismatches = 0;
    const batches: string[][] = [];
    for (let i = 0; i < sampleIds.length; i += 100) batches.push(sampleIds.slice(i, i + 100));
    await inParallel(batches, 4, async (ids) => {
      for (const app of await batchGetApplications(main.store, ids)) {
        const expected = plannedAt.get(app.id);
        const good = expected
          ? app.status === 'OFFERED' && app.assignment?.providerId === expected && app.assignment.status === 'OFFERED'
          : app.status === 'WAITLISTED' && app.assignment === undefined;
        if (!good) applicationMismatches++;
      }
    });
    const check: ChildcareRoundBenchResult['check'] = {
      offeredAssignments,
      nurseriesChecked: after.length,
      assignmentMismatches,
      classesChecked,
      overBooked,
      reservedDelta,
      admittedMismatches,
      applicationsSampled: sampleIds.length,
      applicationMismatches,
      ms: performance.now() - tCheck,
    };
    const mark = (good: boolean) => (good ? 'ok' : 'FAIL');
    log(
      `4. check (${ms(check.ms)}): OFFERED assignments ${fmt(offeredAssignments)} = offered ${fmt(r.offered)} ${mark(offeredAssignments === r.offered)}; ` +
        `all ${fmt(after.length)} nurseries read back: ${fmt(classesChecked)} (nursery, class) pools, ${overBooked} over-booked or inconsistent ${mark(overBooked === 0)}, ` +
        `reserved +${fmt(reservedDelta)} in all ${mark(reservedDelta === r.offered)}; reserved growth = admitted by the solver in ${fmt(classesChecked - admittedMismatches)} of ${fmt(classesChecked)} pools ${mark(admittedMismatches === 0)} ` +
        `and = OFFERED assignments per class at ${fmt(after.length - assignmentMismatches)} of ${fmt(after.length)} nurseries ${mark(assignmentMismatches === 0)}; ` +
        `${fmt(sampleIds.length)} sampled applications in the state the solver planned: ${fmt(sampleIds.length - applicationMismatches)} ${mark(applicationMismatches === 0)}`,
    );
    if (offeredAssignments !== r.offered) failures.push(`${offeredAssignments} OFFERED assignments ≠ offered ${r.offered}`);
    if (overBooked !== 0) failures.push(`${overBooked} pools over-booked or inconsistent`);
    if (reservedDelta !== r.offered) failures.push(`reserved grew by ${reservedDelta} ≠ offered ${r.offered}`);
    if (admittedMismatches !== 0) failures.push(`${admittedMismatches} pools where reserved growth ≠ admitted by the solver`);
    if (assignmentMismatches !== 0) failures.push(`${assignmentMismatches} nurseries where reserved growth per class ≠ OFFERED assignments there`);
    if (applicationMismatches !== 0) failures.push(`${applicationMismatches} sampled applications not in the state the solver planned`);
    const wallMs = performance.now() - tWall;
    log(`wall: ${fmt(wallMs / 1000, 1)} s in all (DynamoDB Local start, generation, ${warmup ? 'warm-up, ' : ''}load, round, pure solver, check); node peak RSS ${fmt(process.resourceUsage().maxRSS / 1024)} MB; load average now ${os
        .loadavg()
        .map((x) => x.toFixed(1))
        .join(' ')}${failures.length ? `; FAILED: ${failures.join('; ')}` : '; all checks passed'}`);
    return {
      size: { children, nurseries, preferences, classes: CLASSES.length, seed, places: st.places, enrolledSiblings: data.enrolledSiblings.length },
      dynamo: { startMs: dynamoStartMs, jvm, stream },
      load,
      warmup: warm,
      round: roundResult,
      pure,
      check,
      ok: failures.length === 0,
      failures,
      wallMs,
    };
  } finally {
    await dynamo.stop();
  }
}

/** Logs `what()` every `everyMs` while a long step runs; returns the function that stops it. */
function ticker(log: (line: string) => void, everyMs: number, what: () => string): () => void {
  if (!(everyMs > 0)) return () => {};
  const t0 = performance.now();
  const timer = setInterval(() => log(`   … ${fmt((performance.now() - t0) / 1000)} s: ${what()}`), everyMs);
  timer.unref();
  return () => clearInterval(timer);
}

function describeCounts(c: TransactionCounts): string {
  const cancelled = Object.entries(c.cancelled);
  return `${fmt(c.sent)} TransactWrite requests${cancelled.length ? ` (cancelled: ${cancelled.map(([k, v]) => `${k} ${fmt(v)}`).join(', ')})` : ', none cancelled'}`;
}

function parseArgs(argv: string[]): ChildcareRoundBenchOptions & { json?: string } {
  const out: ChildcareRoundBenchOptions & { json?: string } = {};
  const num = (i: number, name: string): number => {
    const v = Number(argv[i]);
    if (!Number.isFinite(v) || v <= 0) throw new Error(`${name} needs a positive number`);
    return v;
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--children') out.children = num(++i, arg);
    else if (arg === '--nurseries') out.nurseries = num(++i, arg);
    else if (arg === '--preferences') out.preferences = num(++i, arg);
    else if (arg === '--seed') out.seed = num(++i, arg);
    else if (arg === '--pure-runs') out.pureRuns = num(++i, arg);
    else if (arg === '--load-concurrency') out.loadConcurrency = num(++i, arg);
    else if (arg === '--no-warmup') out.warmup = false;
    else if (arg === '--stream') out.stream = true;
    else if (arg === '--no-stream') out.stream = false;
    else if (arg === '--progress') out.progressSeconds = Number(argv[++i]);
    else if (arg === '--json') out.json = argv[++i];
    else if (arg !== '--') throw new Error(`unknown argument ${arg}`);
  }
  return out;
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  const { json, ...opts } = parseArgs(process.argv.slice(2));
  const result = await benchChildcareRound(opts);
  if (json) writeFileSync(json, `${JSON.stringify(result, null, 2)}\n`);
  if (!result.ok) process.exitCode = 1;
}
