import type { LocalStack } from '../../../packages/local/src/stack';
import {
  type Answer,
  type CaseSpec,
  checkAnswer,
  cleanPollution,
  compile,
  describeCase,
  describeSpec,
  diff,
  type FuzzWorld,
  matchRoute,
  plainParts,
  polluted,
  portOf,
  type Rendered,
  type Route,
  render,
  type Snapshot,
  send,
  type TableWatch,
  type Violation,
  type ViolationKind,
} from './harness';

interface Outcome {
  spec: CaseSpec;
  rendered: Rendered;
  answer: Answer;
  matched: Route | undefined;
}

/** A request the table must not remember: refused, or any answer of a function the wiring marks read-only. */
const refused = (o: Outcome) => o.answer.status >= 400 || o.answer.status <= 0 || (o.matched !== undefined && !o.matched.writes);

/**
 * Runs cases against the local stack in small concurrent chunks and checks each answer; between
 * chunks it compares the whole table, so a chunk whose requests were all refused must leave it as
 * it was. Chunks with an accepted write let the consumers finish, and their refused requests are
 * checked again one by one.
 */
export class FuzzRunner {
  readonly histogram = new Map<string, Map<number, number>>();
  readonly millis = new Map<string, number>();
  readonly violations: Violation[] = [];
  cases = 0;
  /** Refused requests whose "nothing written" was checked (in a chunk of refusals, or alone). */
  writeChecked = 0;
  extraRequests = 0;
  unsendable = 0;
  private readonly compiled;
  private readonly port: number;
  private baseline: Snapshot | undefined;

  constructor(
    stack: LocalStack,
    private readonly watch: TableWatch,
    private readonly world: FuzzWorld,
    routes: readonly Route[],
    private readonly chunkSize = 24,
  ) {
    this.compiled = compile(routes);
    this.port = portOf(stack);
  }

  private async execute(route: Route, spec: CaseSpec): Promise<Outcome> {
    const rendered = render(route, spec);
    const answer = await send(this.port, rendered);
    return { spec, rendered, answer, matched: matchRoute(this.compiled, rendered) };
  }

  private record(route: Route, o: Outcome, count = true, key = route.key) {
    if (o.answer.status === -1) {
      this.unsendable++;
      return;
    }
    if (count) {
      this.cases++;
      const h = this.histogram.get(key) ?? new Map<number, number>();
      this.histogram.set(key, h);
      h.set(o.answer.status, (h.get(o.answer.status) ?? 0) + 1);
    } else {
      this.extraRequests++;
    }
    for (const v of checkAnswer(o.spec, o.matched, o.answer)) this.violations.push({ ...v, route: key, status: o.answer.status, spec: o.spec, rendered: o.rendered });
  }

  private async currentBaseline(): Promise<Snapshot> {
    this.baseline ??= await this.watch.quiesce();
    return this.baseline;
  }

  private checkPollution(route: Route, outcomes: Outcome[]) {
    if (!polluted()) return;
    cleanPollution();
    const suspects = outcomes.filter((o) => /proto|constructor/.test(describeSpec(o.spec)));
    const o = suspects[0] ?? outcomes[0]!;
    this.violations.push({
      kind: 'prototype-pollution',
      route: route.key,
      status: o.answer.status,
      detail: `Object.prototype.${'fuzzPolluted'} set after a chunk of ${outcomes.length} requests (${suspects.length} carried prototype keys)`,
      spec: o.spec,
      rendered: o.rendered,
    });
  }

  /** One case alone, with the table compared before and after when it is refused. */
  private async runAlone(route: Route, spec: CaseSpec, count: boolean): Promise<Outcome> {
    const before = await this.currentBaseline();
    const o = await this.execute(route, spec);
    this.record(route, o, count);
    this.checkPollution(route, [o]);
    if (refused(o)) {
      const after = await this.watch.snapshot();
      this.writeChecked++;
      if (after.hash !== before.hash) {
        this.violations.push({
          kind: 'write-on-refusal',
          route: route.key,
          status: o.answer.status,
          detail: diff(before, after).slice(0, 8).join('; '),
          spec,
          rendered: o.rendered,
        });
      }
      this.baseline = after;
    } else {
      this.baseline = undefined;
    }
    return o;
  }

  async run(route: Route, specs: readonly CaseSpec[]): Promise<void> {
    const started = Date.now();
    const recheck = await this.runChunks(route, specs, true);
    // Refused requests that shared a chunk with an accepted write: again, in chunks of their own,
    // then one by one for those that meet an accepted write a second time.
    const again = await this.runChunks(route, recheck, false);
    for (const spec of again) await this.runAlone(route, spec, false);
    this.millis.set(route.key, Date.now() - started);
  }

  /** Runs the cases in chunks; answers the refused ones whose chunk also had an accepted write. */
  private async runChunks(route: Route, specs: readonly CaseSpec[], count: boolean): Promise<CaseSpec[]> {
    const unchecked: CaseSpec[] = [];
    for (let i = 0; i < specs.length; i += this.chunkSize) {
      const chunk = specs.slice(i, i + this.chunkSize);
      const before = await this.currentBaseline();
      const outcomes = await Promise.all(chunk.map((s) => this.execute(route, s)));
      for (const o of outcomes) this.record(route, o, count);
      this.checkPollution(route, outcomes);
      if (!outcomes.every(refused)) {
        this.baseline = undefined;
        for (const o of outcomes) if (refused(o)) unchecked.push(o.spec);
        continue;
      }
      const after = await this.watch.snapshot();
      if (after.hash === before.hash) {
        this.writeChecked += outcomes.length;
        this.baseline = after;
        continue;
      }
      // Someone wrote: find which request by running the chunk's cases again, one at a time.
      const changes = diff(before, after).slice(0, 8).join('; ');
      this.baseline = undefined;
      const seen = this.violations.length;
      for (const o of outcomes) await this.runAlone(route, o.spec, false);
      if (!this.violations.slice(seen).some((v) => v.kind === 'write-on-refusal')) {
        const first = outcomes[0]!;
        this.violations.push({
          kind: 'write-on-refusal',
          route: route.key,
          status: first.answer.status,
          detail: `${outcomes.length} refused requests together changed the table (${changes}); none did alone: ${outcomes.map((o) => `${o.answer.status} ${describeSpec(o.spec)}`).join(' || ')}`,
          spec: first.spec,
          rendered: first.rendered,
        });
      }
    }
    return unchecked;
  }

  /** Cases run while something else changes the table: answers are checked, the table is not. */
  async runUnderChurn(route: Route, specs: readonly CaseSpec[], key: string): Promise<void> {
    const started = Date.now();
    for (let i = 0; i < specs.length; i += this.chunkSize) {
      const outcomes = await Promise.all(specs.slice(i, i + this.chunkSize).map((s) => this.execute(route, s)));
      for (const o of outcomes) this.record(route, o, true, key);
      this.checkPollution(route, outcomes);
    }
    this.baseline = undefined;
    this.millis.set(key, Date.now() - started);
  }

  /**
   * Failures of one route grouped by kind and status, each with its shortest case reduced to the
   * parts it needs: every part is swapped for a plain one in turn and kept plain when the failure stays.
   */
  async summarise(route: Route, key = route.key): Promise<string[]> {
    const mine = this.violations.filter((v) => v.route === key);
    const groups = new Map<string, Violation[]>();
    for (const v of mine) {
      const group = `${v.kind} ${v.status}`;
      groups.set(group, [...(groups.get(group) ?? []), v]);
    }
    const out: string[] = [];
    for (const [group, vs] of groups) {
      const size = (v: Violation) => describeCase(v.rendered).length;
      const shortest = vs.reduce((a, b) => (size(b) < size(a) ? b : a));
      const minimal = await this.minimise(route, shortest);
      out.push(
        [
          `${key}: ${group} ×${vs.length}`,
          `  minimal: ${describeCase(minimal.rendered)}`,
          `  parts:   ${describeSpec(minimal.spec)}`,
          `  detail:  ${minimal.detail}`,
        ].join('\n'),
      );
    }
    return out;
  }

  private async minimise(route: Route, v: Violation): Promise<Violation> {
    if (v.kind === 'prototype-pollution' || v.kind === 'no-answer') return v;
    const plain = plainParts(route, this.world, v.spec);
    let current = v;
    const fails = async (spec: CaseSpec): Promise<Violation | undefined> => {
      const before = v.kind === 'write-on-refusal' ? await this.watch.quiesce() : undefined;
      const o = await this.execute(route, spec);
      this.extraRequests++;
      if (o.answer.status !== v.status) return undefined;
      let found: { kind: ViolationKind; detail: string } | undefined = checkAnswer(spec, o.matched, o.answer).find((x) => x.kind === v.kind);
      if (before) {
        const after = await this.watch.snapshot();
        found = after.hash !== before.hash ? { kind: 'write-on-refusal', detail: diff(before, after).slice(0, 8).join('; ') } : undefined;
      }
      this.baseline = undefined;
      return found ? { ...v, ...found, spec, rendered: o.rendered } : undefined;
    };
    const parts: (keyof CaseSpec)[] = ['headers', 'idempotencyKey', 'suffix', 'query', 'contentType', 'body', 'auth'];
    for (const part of parts) {
      if (!(part in plain) || JSON.stringify(plain[part]) === JSON.stringify(current.spec[part])) continue;
      const candidate = { ...current.spec, [part]: plain[part] } as CaseSpec;
      const still = await fails(candidate);
      if (still) current = still;
    }
    for (const name of Object.keys(current.spec.params)) {
      const p = plain.params?.[name];
      if (!p || p.value === current.spec.params[name]?.value) continue;
      const candidate = { ...current.spec, params: { ...current.spec.params, [name]: p } };
      const still = await fails(candidate);
      if (still) current = still;
    }
    return current;
  }

  histogramLines(): string[] {
    return [...this.histogram.entries()].map(([route, h]) => {
      const total = [...h.values()].reduce((a, b) => a + b, 0);
      const statuses = [...h.entries()]
        .sort(([a], [b]) => a - b)
        .map(([s, n]) => `${s}:${n}`)
        .join(' ');
      const seconds = ((this.millis.get(route) ?? 0) / 1000).toFixed(1);
      return `${route.padEnd(40)} ${String(total).padStart(5)} ${seconds.padStart(6)}s  ${statuses}`;
    });
  }
}
