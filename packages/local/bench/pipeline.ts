import { writeFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { loadavg } from 'node:os';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { checkCharFor } from '@huimin/domain';
import type { DeliveryTiming } from '../src/bus';
import type { LocalStack } from '../src/stack';
import { type CommitTiming, cpuSecondsOf, javaChildPid, SdkProbe } from './probe';

/**
 * `npm run bench:pipeline`: the local stack (its own DynamoDB Local, in memory) driven at a steady
 * rate with meal applications that need no subsidy step (residents aged 61–66: the 60–69 band pays
 * 0 yuan a meal, and none of them is on the low-income registry), so each goes
 * SUBMITTED → MATCHING → OFFERED through two stream hops and three transactions.
 *
 *   --rate 10,20,40   applications a second, one phase each (open loop: sent on schedule, not
 *                     after the previous answer)
 *   --seconds 30      length of each phase
 *   --warmup 30       seconds at 20/s before the first phase, not measured (0: none)
 *   --cold            measure from the moment the stack is ready (no warm-up; default 60 s at 20/s)
 *   --stages          print the per-stage breakdown of each phase
 *   --json FILE       the rows as JSON
 *   --before          the stream poller as it was before its tuning (100 ms between reads once a read
 *                     comes back empty, 100 records a read), for a comparison in the same conditions
 *
 * Figures per phase: the 202's latency at the client; submit → OFFERED from the application's own
 * history (its SUBMITTED and OFFERED entries' `at`); throughput (applications offered a second over
 * the phase); DynamoDB write units per application from ReturnConsumedCapacity (asked on every write
 * call of the stack, summed over the phase).
 */

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
// What the local stack means to set for its functions, set before the functions' logger and metrics
// are built: the server's static import of @huimin/functions/http builds them before startLocalStack
// assigns these, so `npm start` logs every consumed event at INFO and prints its metrics.
process.env.POWERTOOLS_LOG_LEVEL ??= 'WARN';
process.env.POWERTOOLS_METRICS_DISABLED ??= 'true';
const { startLocalStack } = await import('../src/stack');

const { values } = parseArgs({
  options: {
    rate: { type: 'string', default: '10,20,40' },
    seconds: { type: 'string' },
    warmup: { type: 'string', default: '30' },
    cold: { type: 'boolean', default: false },
    stages: { type: 'boolean', default: false },
    json: { type: 'string' },
    'drain-seconds': { type: 'string', default: '30' },
    before: { type: 'boolean', default: false },
  },
});
if (values.before) {
  // The stream poller as it was before issue 10's tuning: read every 100 ms after an empty read,
  // 100 records a read. (Other JVM options for DynamoDB Local measured no better; HUIMIN_DYNAMO_JAVA_OPTS
  // tries them.)
  Object.assign(process.env, { HUIMIN_STREAM_ACTIVE_MS: '100', HUIMIN_STREAM_IDLE_MS: '100', HUIMIN_STREAM_BATCH: '100' });
}
const cold = values.cold;
const rates = (values.rate === '10,20,40' && cold ? '20' : values.rate).split(',').map(Number);
const seconds = Number(values.seconds ?? (cold ? 60 : 30));
const warmupSeconds = cold ? 0 : Number(values.warmup);
const drainMs = Number(values['drain-seconds']) * 1000;
if (rates.some((r) => !(r > 0)) || !(seconds > 0)) throw new Error('--rate takes positive numbers (10,20,40) and --seconds a positive number');

// ---- percentiles and printing ----

function pct(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}
const sortNum = (xs: number[]) => [...xs].sort((a, b) => a - b);
function ptiles(xs: number[]) {
  const s = sortNum(xs);
  return { n: s.length, p50: pct(s, 50), p90: pct(s, 90), p99: pct(s, 99), max: s.length ? s[s.length - 1]! : Number.NaN };
}
const ms = (x: number) => (Number.isNaN(x) ? '-' : x >= 10_000 ? `${(x / 1000).toFixed(1)}s` : `${Math.round(x)}`);

// ---- the applications ----

/** A resident aged 61–66 on 2026-12-03 (born 1960-01-01 … 1964-12-05), unique per `i`. */
function idNumberOf(i: number): string {
  const day = i % 1800;
  const seq = Math.floor(i / 1800) % 1000;
  const born = new Date(Date.UTC(1960, 0, 1) + day * 86_400_000).toISOString().slice(0, 10).replaceAll('-', '');
  const first17 = `320113${born}${String(seq).padStart(3, '0')}`;
  return first17 + checkCharFor(first17);
}

interface MealPoint {
  id: string;
  street: string;
  location: { lat: number; lng: number };
}

function applicationBody(i: number, points: MealPoint[]) {
  const p = points[i % points.length]!;
  return JSON.stringify({
    type: 'meal',
    applicant: { name: '王芳', phone: '13912345678' },
    subject: { name: '王建华', idNumber: idNumberOf(i), address: { district: '320113', street: p.street, location: p.location } },
  });
}

interface Sent {
  i: number;
  sentAt: number;
  answeredAt?: number;
  status?: number;
  id?: string;
  error?: string;
}

const agent = new Agent({ keepAlive: true, maxSockets: 256 });

function post(url: URL, token: string, body: string): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      { method: 'POST', agent, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

// ---- one phase ----

interface Phase {
  label: string;
  rate: number;
  seconds: number;
  sent: number;
  accepted: number;
  offered: number;
  waitlisted: number;
  other: Record<string, number>;
  accept202: ReturnType<typeof ptiles>;
  toOffered: ReturnType<typeof ptiles>;
  throughput: number;
  writeUnitsPerApp: number;
  readUnitsPerApp: number;
  transactionsPerApp: number;
  load: string;
  cpu: { node: number; java?: number };
  eventLoopDelayP99: number;
  stages: Record<string, ReturnType<typeof ptiles>>;
  calls: Record<string, { calls: number; failed: number; p50: number; p99: number; writeUnits: number; readUnits: number; records: number }>;
  /** Write units of each kind of transaction, per transaction (by the outbox event it carried). */
  writeUnitsByEvent: Record<string, number>;
  /** Write units per application spent on the table and on each index. */
  writeUnitsByIndex: Record<string, number>;
}

interface Tracker {
  bus: Map<string, Map<string, number>>;
  deliveries: Map<string, Map<string, DeliveryTiming>>;
}

async function runPhase(stack: LocalStack, probe: SdkProbe, points: MealPoint[], tracker: Tracker, label: string, rate: number, secs: number, first: number, token: string): Promise<Phase> {
  probe.reset();
  tracker.bus.clear();
  tracker.deliveries.clear();
  const url = new URL('/applications', stack.url);
  const total = Math.round(rate * secs);
  const sent: Sent[] = [];
  const inFlight: Promise<void>[] = [];
  const javaPid = javaChildPid();
  const cpu0 = { node: process.cpuUsage(), java: javaPid ? cpuSecondsOf(javaPid) : undefined };
  const loopDelay = monitorEventLoopDelay({ resolution: 10 });
  loopDelay.enable();
  const t0 = Date.now() + 20;
  for (let k = 0; k < total; k++) {
    const due = t0 + (k * 1000) / rate;
    const wait = due - Date.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    const s: Sent = { i: first + k, sentAt: Date.now() };
    sent.push(s);
    inFlight.push(
      post(url, token, applicationBody(s.i, points)).then(
        ({ status, text }) => {
          s.answeredAt = Date.now();
          s.status = status;
          if (status === 202) s.id = (JSON.parse(text) as { id: string }).id;
          else s.error = text.slice(0, 200);
        },
        (err: Error) => {
          s.answeredAt = Date.now();
          s.error = err.message;
        },
      ),
    );
  }
  const sendEnd = Date.now();
  await Promise.all(inFlight);
  // Until every accepted application has left MATCHING (its AssignmentOffered or ApplicationWaitlisted is on the bus).
  const ids = sent.flatMap((s) => (s.id ? [s.id] : []));
  const done = (id: string) => {
    const seen = tracker.bus.get(id);
    return !!seen && (seen.has('AssignmentOffered') || seen.has('ApplicationWaitlisted'));
  };
  const drainDeadline = Date.now() + drainMs;
  while (Date.now() < drainDeadline && !ids.every(done)) await new Promise((r) => setTimeout(r, 50));
  const lastDone = Math.max(0, ...ids.map((id) => tracker.bus.get(id)?.get('AssignmentOffered') ?? 0));
  loopDelay.disable();
  const cpu = {
    node: ((): number => {
      const u = process.cpuUsage(cpu0.node);
      return (u.user + u.system) / 1e6;
    })(),
    ...(javaPid && cpu0.java !== undefined ? { java: (cpuSecondsOf(javaPid) ?? 0) - cpu0.java } : {}),
  };
  const load = loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');
  await stack.settle();
  // Capacity and calls of the phase, before the reads below add theirs.
  const calls = Object.fromEntries(
    [...probe.byCommand].map(([name, c]) => {
      const s = sortNum(c.ms);
      return [name, { calls: c.calls, failed: c.failed, p50: pct(s, 50), p99: pct(s, 99), writeUnits: c.writeUnits, readUnits: c.readUnits, records: c.records }];
    }),
  );
  const commits = probe.commits;
  const writeUnits = [...probe.byCommand].reduce((a, [, c]) => a + c.writeUnits, 0);
  const readUnits = [...probe.byCommand].reduce((a, [, c]) => a + c.readUnits, 0);
  const transactions = probe.byCommand.get('TransactWriteCommand')?.calls ?? 0;
  const writeUnitsByIndex = Object.fromEntries([...probe.writeUnitsBy].map(([k, v]) => [k, v / Math.max(1, sent.filter((s) => s.id).length)]));

  // The applications' own history, read after the phase.
  const toOffered: number[] = [];
  const statuses: Record<string, number> = {};
  const history = new Map<string, Map<string, number>>();
  for (let k = 0; k < ids.length; k += 25) {
    await Promise.all(
      ids.slice(k, k + 25).map(async (id) => {
        const app = await stack.store.getApplication(id);
        const status = app?.status ?? 'MISSING';
        statuses[status] = (statuses[status] ?? 0) + 1;
        const at = new Map((app?.history ?? []).map((h) => [h.status, Date.parse(h.at)] as const));
        history.set(id, at);
        const sub = at.get('SUBMITTED');
        const off = at.get('OFFERED');
        if (sub !== undefined && off !== undefined) toOffered.push(off - sub);
      }),
    );
  }
  const stages = stageBreakdown(sent, commits, tracker, history);
  const byEvent: Record<string, { units: number; n: number }> = {};
  for (const c of commits) {
    byEvent[c.detailType] ??= { units: 0, n: 0 };
    byEvent[c.detailType]!.units += c.writeUnits;
    byEvent[c.detailType]!.n++;
  }
  const writeUnitsByEvent = Object.fromEntries(Object.entries(byEvent).map(([k, v]) => [k, v.units / v.n]));
  const offered = statuses.OFFERED ?? 0;
  const accepted = ids.length;
  const firstSent = sent[0]?.sentAt ?? t0;
  const { OFFERED: _o, WAITLISTED: waitlisted = 0, ...other } = statuses;
  for (const s of sent) if (s.status !== 202) other[`HTTP ${s.status ?? 'error'}`] = (other[`HTTP ${s.status ?? 'error'}`] ?? 0) + 1;
  return {
    label,
    rate,
    seconds: secs,
    sent: sent.length,
    accepted,
    offered,
    waitlisted,
    other,
    accept202: ptiles(sent.flatMap((s) => (s.status === 202 && s.answeredAt ? [s.answeredAt - s.sentAt] : []))),
    toOffered: ptiles(toOffered),
    // Offered a second, from the first send to the last offer on the bus (or the end of sending).
    throughput: offered / (Math.max(lastDone, sendEnd) - firstSent) / 0.001,
    writeUnitsPerApp: writeUnits / Math.max(1, accepted),
    readUnitsPerApp: readUnits / Math.max(1, accepted),
    transactionsPerApp: transactions / Math.max(1, accepted),
    load,
    cpu,
    eventLoopDelayP99: loopDelay.percentile(99) / 1e6,
    stages,
    calls,
    writeUnitsByEvent,
    writeUnitsByIndex,
  };
}

/**
 * Where the time goes, per application: client → the submit transaction, each transaction, the stream
 * hop (commit end → the event on the bus), and each consumer's time before its commit (its reads).
 */
function stageBreakdown(sent: Sent[], commits: CommitTiming[], tracker: Tracker, history: Map<string, Map<string, number>>) {
  const commitOf = new Map<string, CommitTiming>();
  for (const c of commits) commitOf.set(`${c.applicationId}:${c.detailType}`, c);
  const rows: Record<string, number[]> = {};
  const add = (name: string, v: number | undefined) => {
    if (v === undefined || Number.isNaN(v)) return;
    rows[name] ??= [];
    rows[name].push(v);
  };
  for (const s of sent) {
    if (!s.id) continue;
    const submit = commitOf.get(`${s.id}:ApplicationSubmitted`);
    const assess = commitOf.get(`${s.id}:EligibilityAssessed`);
    const match = commitOf.get(`${s.id}:AssignmentOffered`);
    const bus = tracker.bus.get(s.id);
    const dl = tracker.deliveries.get(s.id);
    const h = history.get(s.id);
    add('1 client send → submit commit starts (HTTP, auth, handler reads)', submit && submit.startedAt - s.sentAt);
    add('2 submit transaction', submit && submit.endedAt - submit.startedAt);
    add('3 submit committed → 202 at the client', submit && s.answeredAt && s.answeredAt - submit.endedAt);
    add('4 stream: submit committed → event on the bus', submit && bus?.get('ApplicationSubmitted') && bus.get('ApplicationSubmitted')! - submit.endedAt);
    const assessStart = dl?.get('assessEligibility')?.startedAt;
    add('5 bus: put → assess handler starts', assessStart && bus?.get('ApplicationSubmitted') && assessStart - bus.get('ApplicationSubmitted')!);
    add('6 assess handler: start → commit starts (reads)', assess && assessStart && assess.startedAt - assessStart);
    add('7 assess transaction', assess && assess.endedAt - assess.startedAt);
    add('8 stream: assess committed → event on the bus', assess && bus?.get('EligibilityAssessed') && bus.get('EligibilityAssessed')! - assess.endedAt);
    const matchStart = dl?.get('matchApplication')?.startedAt;
    add('9 bus: put → match handler starts', matchStart && bus?.get('EligibilityAssessed') && matchStart - bus.get('EligibilityAssessed')!);
    add('10 match handler: start → commit starts (reads)', match && matchStart && match.startedAt - matchStart);
    add('11 match transaction', match && match.endedAt - match.startedAt);
    add('= client send → OFFERED committed', match && match.endedAt - s.sentAt);
    add('  history: SUBMITTED.at − client send', h?.get('SUBMITTED') !== undefined ? h.get('SUBMITTED')! - s.sentAt : undefined);
    add('  history: OFFERED committed − OFFERED.at', match && h?.get('OFFERED') !== undefined ? match.endedAt - h.get('OFFERED')! : undefined);
  }
  return Object.fromEntries(Object.entries(rows).map(([k, v]) => [k, ptiles(v)]));
}

// ---- the run ----

const probe = new SdkProbe();
probe.install();
const tracker: Tracker = { bus: new Map(), deliveries: new Map() };

const startedAt = Date.now();
const stack = await startLocalStack({ port: 0, demoWaitlist: 0 });
const readyMs = Date.now() - startedAt;
try {
  const busPut = stack.bus.put.bind(stack.bus);
  stack.bus.put = (entry) => {
    const event = busPut(entry);
    const applicationId = (entry.detail as { data?: { applicationId?: string } }).data?.applicationId;
    if (applicationId) {
      const m = tracker.bus.get(applicationId) ?? new Map<string, number>();
      tracker.bus.set(applicationId, m);
      if (!m.has(entry.detailType)) m.set(entry.detailType, Date.now());
    }
    return event;
  };
  stack.bus.onDelivery = (d) => {
    const applicationId = (d.event.detail as { data?: { applicationId?: string } }).data?.applicationId;
    if (!applicationId || d.attempt > 0) return;
    const m = tracker.deliveries.get(applicationId) ?? new Map<string, DeliveryTiming>();
    tracker.deliveries.set(applicationId, m);
    m.set(d.rule, d);
  };

  // Room for every application: each meal point of the district takes 100,000 (the programme's maximum).
  const providers = await stack.store.listAllProvidersByDistrict('320113', 'meal');
  const points: MealPoint[] = providers.map((p) => ({ id: p.id, street: p.street, location: p.location }));
  for (const p of points) await stack.store.commit([stack.store.setCapacity(p.id, 100_000)]);
  const token = await stack.tokens.sign({ role: 'family', sub: 'bench-family' });

  console.log(
    `pipeline bench: stack ready in ${(readyMs / 1000).toFixed(1)} s; ${points.length} meal points at 100,000 places; ` +
      `${values.before ? 'BEFORE tuning; ' : ''}${cold ? 'cold (measured from ready)' : `warm-up ${warmupSeconds} s at 20/s`}; phases of ${seconds} s; load ${loadavg()
        .map((l) => l.toFixed(2))
        .join(' ')}`,
  );
  let next = 0;
  if (warmupSeconds > 0) {
    const w = await runPhase(stack, probe, points, tracker, 'warm-up', 20, warmupSeconds, next, token);
    next += w.sent;
    console.log(`warm-up: ${w.offered}/${w.sent} offered, 202 p50 ${ms(w.accept202.p50)} ms, to OFFERED p99 ${ms(w.toOffered.p99)} ms`);
  }
  const phases: Phase[] = [];
  for (const rate of rates) {
    const p = await runPhase(stack, probe, points, tracker, cold ? `${rate}/s cold` : `${rate}/s`, rate, seconds, next, token);
    next += p.sent;
    phases.push(p);
    printPhase(p);
  }
  printTable(phases);
  if (values.json) writeFileSync(values.json, `${JSON.stringify({ readyMs, cold, warmupSeconds, phases }, null, 2)}\n`);
} finally {
  await stack.stop();
  probe.uninstall();
  agent.destroy();
}

function printPhase(p: Phase) {
  if (!values.stages) return;
  console.log(`\n${p.label}: stages (ms)            n      p50    p90    p99    max`);
  for (const [name, t] of Object.entries(p.stages)) {
    console.log(`  ${name.padEnd(62)} ${String(t.n).padStart(5)} ${ms(t.p50).padStart(6)} ${ms(t.p90).padStart(6)} ${ms(t.p99).padStart(6)} ${ms(t.max).padStart(6)}`);
  }
  console.log('  SDK calls (ms)                      calls failed    p50    p99     WCU     RCU  records');
  for (const [name, c] of Object.entries(p.calls)) {
    console.log(
      `  ${name.padEnd(34)} ${String(c.calls).padStart(6)} ${String(c.failed).padStart(6)} ${ms(c.p50).padStart(6)} ${ms(c.p99).padStart(6)} ${c.writeUnits.toFixed(0).padStart(7)} ${c.readUnits.toFixed(0).padStart(7)} ${String(c.records).padStart(8)}`,
    );
  }
  console.log(`  WCU per application by where: ${Object.entries(p.writeUnitsByIndex).map(([k, v]) => `${k} ${v.toFixed(1)}`).join(', ')}`);
  console.log(`  WCU per transaction: ${Object.entries(p.writeUnitsByEvent).map(([k, v]) => `${k} ${v.toFixed(1)}`).join(', ')}`);
  console.log(
    `  CPU s: node ${p.cpu.node.toFixed(1)}, DynamoDB Local ${p.cpu.java?.toFixed(1) ?? '?'} (phase ${p.seconds} s + drain); event-loop delay p99 ${p.eventLoopDelayP99.toFixed(0)} ms`,
  );
}

function printTable(phases: Phase[]) {
  console.log('\nrate        sent  offered  other             202 p50  p90   p99 | →OFFERED p50  p90   p99 | offered/s  WCU/app  tx/app | load (1 5 15 min)');
  for (const p of phases) {
    const other = [p.waitlisted ? `WAITLISTED ${p.waitlisted}` : '', ...Object.entries(p.other).map(([k, v]) => `${k} ${v}`)].filter(Boolean).join(', ') || '-';
    console.log(
      `${p.label.padEnd(10)} ${String(p.sent).padStart(5)} ${String(p.offered).padStart(8)}  ${other.padEnd(16)} ${ms(p.accept202.p50).padStart(7)} ${ms(p.accept202.p90).padStart(5)} ${ms(p.accept202.p99).padStart(5)} | ${ms(p.toOffered.p50).padStart(12)} ${ms(p.toOffered.p90).padStart(4)} ${ms(p.toOffered.p99).padStart(5)} | ${p.throughput.toFixed(1).padStart(9)} ${p.writeUnitsPerApp.toFixed(1).padStart(8)} ${p.transactionsPerApp.toFixed(1).padStart(7)} | ${p.load}`,
    );
  }
  console.log('(ms; →OFFERED from the application\'s history; WCU from ReturnConsumedCapacity on every write of the stack, per accepted application)');
}
