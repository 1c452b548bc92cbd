import { randomUUID } from 'node:crypto';
import { FUNCTION_SPECS, type FunctionName } from '@huimin/functions/wiring';
import type { Context } from 'aws-lambda';
import { type EventPattern, matchesEventPattern, validateEventPattern } from './event-pattern';

export interface BusEvent {
  version: '0';
  id: string;
  'detail-type': string;
  source: string;
  account: string;
  time: string;
  region: string;
  resources: string[];
  detail: unknown;
}

export type Invoke = (fn: FunctionName, event: unknown, context: Context) => Promise<unknown>;

export interface DeadLetter {
  rule: FunctionName;
  event: BusEvent;
  error: string;
  attempts: number;
}

interface Rule {
  target: FunctionName;
  pattern: EventPattern;
}

/** One delivery attempt, as `LocalBus.onDelivery` is told of it (epoch milliseconds). */
export interface DeliveryTiming {
  rule: FunctionName;
  event: BusEvent;
  attempt: number;
  /** When the event was put on the bus. */
  putAt: number;
  startedAt: number;
  endedAt: number;
  error?: string;
}


/**
 * The local EventBridge bus: the same rules as the CDK stack (from the wiring table), the same
 * pattern semantics, asynchronous delivery with bounded retries, then a dead-letter list.
 */
export class LocalBus {
  readonly rules: Rule[];
  readonly deadLetters: DeadLetter[] = [];
  /** Told of every delivery attempt when set (the pipeline benchmark's per-stage timings). */
  onDelivery: ((d: DeliveryTiming) => void) | undefined;
  private inFlight = 0;
  private waiters: (() => void)[] = [];

  constructor(
    private readonly invoke: Invoke,
    private readonly opts: { retryDelaysMs?: number[]; region?: string; onDeadLetter?: (d: DeadLetter) => void } = {},
  ) {
    this.rules = FUNCTION_SPECS.flatMap(([target, spec]) => {
      if (!spec.subscription) return [];
      validateEventPattern(spec.subscription);
      return [{ target, pattern: spec.subscription as EventPattern }];
    });
  }

  /** Like PutEvents: accepted at once, delivered in the background. */
  put(entry: { source: string; detailType: string; detail: unknown }): BusEvent {
    const event: BusEvent = {
      version: '0',
      id: randomUUID(),
      'detail-type': entry.detailType,
      source: entry.source,
      account: '000000000000',
      time: new Date().toISOString(),
      region: this.opts.region ?? 'cn-north-1',
      resources: [],
      detail: entry.detail,
    };
    for (const rule of this.rules) {
      if (matchesEventPattern(rule.pattern, event)) this.track(this.deliver(rule, event));
    }
    return event;
  }

  /** Resolves when no delivery is in flight (tests and shutdown). */
  idle(): Promise<void> {
    if (this.inFlight === 0) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  private track(p: Promise<void>) {
    this.inFlight++;
    void p.finally(() => {
      this.inFlight--;
      if (this.inFlight === 0) for (const w of this.waiters.splice(0)) w();
    });
  }

  private async deliver(rule: Rule, event: BusEvent): Promise<void> {
    const delays = this.opts.retryDelaysMs ?? [100, 500, 2000];
    const putAt = Date.now();
    let lastError = '';
    for (let attempt = 0; attempt <= delays.length; attempt++) {
      const startedAt = Date.now();
      try {
        await this.invoke(rule.target, event, lambdaContext(rule.target));
        this.onDelivery?.({ rule: rule.target, event, attempt, putAt, startedAt, endedAt: Date.now() });
        return;
      } catch (err) {
        lastError = (err as Error).message;
        this.onDelivery?.({ rule: rule.target, event, attempt, putAt, startedAt, endedAt: Date.now(), error: lastError });
      }
      const wait = delays[attempt];
      if (wait !== undefined) await new Promise((r) => setTimeout(r, wait));
    }
    const dead = { rule: rule.target, event, error: lastError, attempts: delays.length + 1 };
    this.deadLetters.push(dead);
    this.opts.onDeadLetter?.(dead);
  }
}

export function lambdaContext(functionName: string, timeoutMs = 30_000): Context {
  const started = Date.now();
  const awsRequestId = randomUUID();
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:cn-north-1:000000000000:function:${functionName}`,
    memoryLimitInMB: '512',
    awsRequestId,
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: `local/${awsRequestId}`,
    getRemainingTimeInMillis: () => Math.max(0, timeoutMs - (Date.now() - started)),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}
