import { randomUUID } from 'node:crypto';
import { FUNCTION_SPECS, FUNCTIONS, type FunctionName } from '@huimin/functions/wiring';
import { grantsOf } from '@huimin/store';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { dataUses } from '../../packages/local/src/access';
import { type LocalStack, startLocalStack } from '../../packages/local/src/stack';
import { type HttpCall, runTour } from './least-privilege-tour';

/**
 * Least privilege, shown rather than assumed: the wiring declares each function's table access
 * (functions/src/wiring.ts `data`), the CDK stack grants exactly that, and the local stack refuses
 * anything else as IAM would (packages/local/src/access.ts) while recording what each function used.
 * One tour through every function by its real trigger (least-privilege-tour.ts) must then use each
 * declared grant: a grant never used is privilege nobody needs, and fails here by name so the wiring
 * can be trimmed; a use never declared was refused, and fails here too.
 */

let stack: LocalStack;
const calls: HttpCall[] = [];
let tourError: unknown;

beforeAll(async () => {
  stack = await startLocalStack({ port: 0, dynamoEndpoint: inject('dynamoEndpoint'), tableName: `lp-${randomUUID().slice(0, 8)}`, retryDelaysMs: [20, 50, 200] });
  try {
    await runTour(stack, calls);
  } catch (err) {
    // Kept for the first test, so the table below is still printed for a tour that stopped halfway.
    tourError = err;
  }
}, 170_000);

afterAll(async () => {
  const uses = dataUses();
  const rows = FUNCTION_SPECS.map(([fn, spec]) => {
    const declared = grantsOf(spec.data);
    const used = uses.get(fn) ?? new Set<string>();
    const unused = [...declared].filter((g) => !used.has(g));
    const refused = [...used].filter((g) => !declared.has(g));
    const trigger = spec.http ? `${calls.filter((c) => c.fn === fn).length} http` : spec.schedule ? 'schedule' : 'events';
    return `${fn.padEnd(24)} ${String(declared.size).padStart(8)} ${String(used.size).padStart(5)}  ${trigger.padEnd(9)} ${[
      ...unused.map((g) => `unused ${g}`),
      ...refused.map((g) => `REFUSED ${g}`),
    ].join(', ')}`;
  });
  console.log(`[least-privilege] function → declared / used grants, and how the tour reached it\n${'function'.padEnd(24)} declared  used  trigger\n${rows.join('\n')}`);
  await stack?.stop();
});

describe('every function uses exactly the table access the wiring grants it', () => {
  it('completes the tour: every answer as expected, nothing refused, no event parked', () => {
    expect(tourError, String((tourError as Error | undefined)?.stack ?? tourError)).toBeUndefined();
    const unexpected = calls.filter((c) => c.status !== c.expected).map((c) => `${c.route} → ${c.status} (expected ${c.expected})`);
    expect(unexpected).toEqual([]);
    expect(calls.filter((c) => c.fn === undefined).map((c) => c.route)).toEqual([]);
    expect(stack.bus.deadLetters.map((d) => `${d.rule}: ${d.error}`)).toEqual([]);
  });

  it('invokes every function of the wiring; those declaring no data access are called and touch nothing', () => {
    const uses = dataUses();
    const touchNothing = FUNCTION_SPECS.filter(([, spec]) => Object.keys(spec.data).length === 0).map(([fn]) => fn);
    const missing = FUNCTION_SPECS.map(([fn]) => fn).filter((fn) => !uses.has(fn) && !touchNothing.includes(fn));
    expect(missing, 'functions the tour never reached').toEqual([]);
    for (const fn of touchNothing) {
      expect(
        calls.some((c) => c.fn === fn && c.status === 200),
        `${fn} was never called over HTTP`,
      ).toBe(true);
      expect([...(uses.get(fn) ?? [])], `${fn} declares no data access but used`).toEqual([]);
    }
  });

  it.each(FUNCTION_SPECS.map(([fn]) => [fn] as [FunctionName]))('%s: used grants = declared grants', (fn) => {
    const declared = [...grantsOf(FUNCTIONS[fn].data)].sort();
    const used = [...(dataUses().get(fn) ?? [])].sort();
    const unused = declared.filter((g) => !used.includes(g));
    const refused = used.filter((g) => !declared.includes(g));
    expect(refused, `${fn} used (and was refused) grants its wiring row does not declare`).toEqual([]);
    expect(unused, `${fn} declares grants no path of the tour used: trim them from functions/src/wiring.ts`).toEqual([]);
  });
});
