import { AsyncLocalStorage } from 'node:async_hooks';
import { appendFileSync } from 'node:fs';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { FUNCTIONS, type FunctionName } from '@huimin/functions/wiring';
import { AccessDeniedError, grantsOf, useKey, usesOf } from '@huimin/store';

/**
 * IAM, played locally: every table request a function makes is checked against the data access its
 * wiring row declares (the same declaration the CDK stack turns into its policy), refused as IAM
 * would refuse it, and recorded, so a test can show that each function uses all it is granted.
 */
const running = new AsyncLocalStorage<FunctionName>();
const used = new Map<FunctionName, Set<string>>();
const guarded = new WeakSet<object>();
/** Each function's declaration as `PREFIX:Action` strings, built once. */
const grantsByFunction = new Map<FunctionName, ReadonlySet<string>>();

/** Runs `body` as function `fn`: its table requests are checked against `fn`'s declaration. */
export function asFunction<T>(fn: FunctionName, body: () => Promise<T>): Promise<T> {
  return running.run(fn, body);
}

/** What each function used since the process started, as `PREFIX:Action` strings. */
export function dataUses(): ReadonlyMap<FunctionName, ReadonlySet<string>> {
  return used;
}

/** Adds the check to the functions' document client (once per client). */
export function guardDataAccess(doc: DynamoDBDocumentClient): void {
  if (guarded.has(doc)) return;
  guarded.add(doc);
  doc.middlewareStack.add(
    (next, context) => async (args) => {
      const fn = running.getStore();
      if (fn) {
        const granted = grantsByFunction.get(fn) ?? grantsOf(FUNCTIONS[fn].data);
        grantsByFunction.set(fn, granted);
        const seen = used.get(fn) ?? new Set<string>();
        used.set(fn, seen);
        for (const use of usesOf(context.commandName ?? '', args.input as Record<string, unknown>)) {
          const key = useKey(use);
          seen.add(key);
          if (process.env.HUIMIN_ACCESS_LOG) appendFileSync(process.env.HUIMIN_ACCESS_LOG, `${fn} ${key}\n`);
          if (!granted.has(key)) throw new AccessDeniedError(fn, use);
        }
      }
      return next(args);
    },
    { step: 'initialize', name: 'huiminDataAccess', override: true },
  );
}
