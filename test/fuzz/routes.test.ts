import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { type LocalStack, startLocalStack } from '../../packages/local/src/stack';
import { type CaseSpec, caseArbitrary, type FuzzWorld, plainParts, type Route, routesFromWiring, TableWatch } from './support/harness';
import { FuzzRunner } from './support/runner';
import { apiCall, application, buildWorld, idNumber } from './support/world';

/**
 * Issue 12: every route of the wiring table fuzzed with fast-check through the local HTTP API —
 * body, query, path parameters and headers, generated from the route's published schemas (a new
 * route is fuzzed without editing this file). For every case: no 5xx; every 4xx in CONTRACT.md's
 * error body with Chinese and English; a bad token is a 401 and a role the route does not admit a
 * 403; and a refused request writes nothing (the whole table is compared across each chunk of
 * refused requests; chunks with an accepted write are re-checked one request at a time).
 *
 * FUZZ_SEED reproduces a run's cases (ids made by the fixture differ); FUZZ_SCALE scales the counts.
 */

const ROUTES = routesFromWiring();
const SEED = Number(process.env.FUZZ_SEED ?? Math.floor(Math.random() * 2 ** 31));
const SCALE = Number(process.env.FUZZ_SCALE ?? 1);
const MIN_CASES = 10_000;

/** More cases where there is more to vary: a body, query parameters. */
function casesFor(route: Route): number {
  return Math.round(SCALE * ((route.roles === 'public' ? 100 : 170) + (route.body ? 150 : 0) + (route.query.length > 0 ? 70 : 0) + (route.pathParams.length > 0 ? 30 : 0)));
}
/** Fuzzed reads of each GET route (and twice as many plain ones) while applications are submitted, matched and cancelled. */
const CHURN_CASES = Math.round(SCALE * 30);

let stack: LocalStack;
let world: FuzzWorld;
let runner: FuzzRunner;
let watch: TableWatch;
const startedAt = Date.now();
let worldSeconds = 0;

beforeAll(async () => {
  stack = await startLocalStack({ port: 0, dynamoEndpoint: inject('dynamoEndpoint'), tableName: `fuzz-${randomUUID().slice(0, 8)}`, retryDelaysMs: [20, 50] });
  watch = new TableWatch(stack);
  world = await buildWorld(stack, ROUTES);
  worldSeconds = (Date.now() - startedAt) / 1000;
  runner = new FuzzRunner(stack, watch, world, ROUTES);
});

afterAll(async () => {
  if (runner) {
    const seconds = ((Date.now() - startedAt) / 1000).toFixed(1);
    console.log(
      [
        `fuzz: seed ${SEED}, ${runner.cases} cases over ${runner.histogram.size} route rows in ${seconds} s` +
          ` (${runner.writeChecked} refused requests checked for writes; ${runner.extraRequests} re-check and shrink requests; ${runner.unsendable} unsendable)`,
        `fuzz: world of ${world.ids.length} ids, ${world.issuedTokens.length} issued page tokens, ${world.tamperedTokens.length} tampered, built in ${worldSeconds.toFixed(1)} s (${world.note})`,
        `fuzz: ${watch.reads} whole-table reads, ${(watch.readMs / Math.max(1, watch.reads)).toFixed(0)} ms each on average; the table ended with ${watch.lastSize} items`,
        'route                                    cases   time  statuses',
        ...runner.histogramLines(),
        `fuzz: ${runner.violations.length} violations`,
      ].join('\n'),
    );
  }
  watch?.destroy();
  await stack?.stop();
});

describe('every route of the wiring table, fuzzed', () => {
  for (const [i, route] of ROUTES.entries()) {
    const roles = route.roles === 'public' ? 'public' : route.roles.join('/');
    it(`${route.key} (${roles}): no 5xx, contract errors, 401/403 for bad tokens and roles, nothing written when refused`, async () => {
      const specs = fc.sample(caseArbitrary(route, world), { numRuns: casesFor(route), seed: SEED + i });
      await runner.run(route, specs);
      expect(await runner.summarise(route)).toEqual([]);
    });
  }

  it('GET routes answer no 5xx while applications are submitted, matched, approved and cancelled', async () => {
    const call = apiCall(stack);
    let stop = false;
    let submitted = 0;
    // Each worker applies for five residents at once (aged 65: straight to matching and an offer or
    // the waitlist; aged 82: a subsidy that staff approve at once), then cancels one: applications
    // keep moving between the statuses the lists and the report read.
    const churn = async (worker: number) => {
      for (let round = 0; !stop; round++) {
        const family = await stack.tokens.sign({ role: 'family', sub: `fuzz-churn-${worker}-${round}` });
        const bodies = [0, 1, 2, 3, 4].map((k) => {
          const birth = k % 2 === 0 ? `1961${String(1 + (round % 12)).padStart(2, '0')}1${worker}` : `1944${String(1 + (round % 12)).padStart(2, '0')}2${worker}`;
          return application('meal', idNumber(birth, 100 + ((round * 5 + k) % 900)));
        });
        const ids = (await Promise.all(bodies.map((b) => call('POST', '/applications', family, b)))).filter((r) => r.status === 202).map((r) => r.body.id as string);
        submitted += ids.length;
        const apps = await Promise.all(ids.map((id) => call('GET', `/applications/${id}`, family)));
        await Promise.all(apps.filter((a) => a.body.subsidy?.status === 'PENDING').map((a) => call('POST', `/subsidies/${a.body.subsidy.id}/approve`, stack.demo.staff, {})));
        if (ids[0]) await call('POST', `/applications/${ids[0]}/cancel`, family, {});
      }
    };
    const workers = [churn(0), churn(1), churn(2), churn(3)];
    try {
      for (const [i, route] of ROUTES.entries()) {
        if (route.method !== 'GET') continue;
        // A third fuzzed, two thirds the plainest valid request (a state race only shows past validation).
        const fuzzed = fc.sample(caseArbitrary(route, world), { numRuns: CHURN_CASES, seed: SEED + 1_000 + i });
        const plain = fuzzed.map((c) => ({ ...c, ...plainParts(route, world, c) }) as CaseSpec);
        await runner.runUnderChurn(route, fuzzed.flatMap((c, k) => [c, plain[k]!, plain[k]!]), `${route.key} [churn]`);
      }
    } finally {
      stop = true;
      await Promise.all(workers);
    }
    expect(submitted, 'applications submitted meanwhile').toBeGreaterThan(0);
    const failures: string[] = [];
    for (const route of ROUTES) if (route.method === 'GET') failures.push(...(await runner.summarise(route, `${route.key} [churn]`)));
    expect(failures).toEqual([]);
  });

  it(`ran at least ${MIN_CASES.toLocaleString('en')} cases`, () => {
    expect(runner.cases).toBeGreaterThanOrEqual(MIN_CASES * Math.min(1, SCALE));
    expect(runner.unsendable).toBe(0);
  });
});
