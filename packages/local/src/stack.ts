import { mkdirSync } from 'node:fs';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { getDeps } from '@huimin/functions/config';
import { FUNCTION_SPECS, FUNCTIONS, type FunctionName, type FunctionSpec } from '@huimin/functions/wiring';
import { createDocumentClient, Store } from '@huimin/store';
import type { Context } from 'aws-lambda';
import { asFunction, guardDataAccess } from './access';
import { LocalBus, lambdaContext } from './bus';
import { ensureTable, type RunningDynamo, startDynamoLocal } from './dynamo';
import { importRegistryFile } from './low-income';
import { DEMO_GRID_STREET, DEMO_HOME_VISIT_PROVIDER_ID, DEMO_NURSERY_ID, DEMO_PROVIDER_ID, demoIdentities, seedDemoWaitlists, seedProviders } from './seed';
import { createLocalServer } from './server';
import { StreamPoller } from './stream';
import { LocalTokens, localSecret } from './tokens';

export const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const LOW_INCOME_FILE = fileURLToPath(new URL('../seed/low-income-320113.csv', import.meta.url));

export interface LocalStackOptions {
  port?: number;
  /** Keep data in this folder between runs (DynamoDB Local's file and the token key). */
  dataDir?: string;
  /** Use an already running DynamoDB Local instead of starting one (tests). */
  dynamoEndpoint?: string;
  tableName?: string;
  seed?: boolean;
  /** Residents already waiting for a meal place (demo data for allocation rounds and the report). */
  demoWaitlist?: number;
  /** Retry delays of the local bus before an event goes to the dead-letter list. */
  retryDelaysMs?: number[];
}

export interface LocalStack {
  url: string;
  tableName: string;
  dynamoEndpoint: string;
  bus: LocalBus;
  store: Store;
  tokens: LocalTokens;
  /** Where the local SMS gateway writes each text message, one JSON line each. */
  smsFile: string;
  demo: { family: string; provider: string; staff: string; providerId: string; homeVisitProviderId: string; homeVisitProvider: string; grid: string; nurseryId: string; nursery: string };
  /** Resolves when no event delivery is in flight (events still on the stream are not waited for). */
  settle(): Promise<void>;
  stop(): Promise<void>;
}

type Handler = (event: unknown, context: Context) => Promise<unknown>;

/**
 * The whole system on one machine: DynamoDB Local, the table, every function of the wiring table
 * behind a local HTTP API and a local bus, and the stream poller that plays the Pipe.
 */
export async function startLocalStack(opts: LocalStackOptions = {}): Promise<LocalStack> {
  const tableName = opts.tableName ?? 'huimin';
  const dynamo: RunningDynamo | undefined = opts.dynamoEndpoint
    ? undefined
    : await startDynamoLocal(opts.dataDir ? { dataDir: join(opts.dataDir, 'dynamodb') } : {});
  const dynamoEndpoint = opts.dynamoEndpoint ?? dynamo!.endpoint;
  const { streamArn } = await ensureTable(dynamoEndpoint, tableName);

  // The registry's HMAC key: fresh per in-memory run, kept beside the data when persisted.
  if (opts.dataDir) mkdirSync(opts.dataDir, { recursive: true });
  const registryKey = localSecret(opts.dataDir ? join(opts.dataDir, 'registry-key') : undefined);
  // Page tokens outlive a restart too when data does (a console's "more" link).
  const pageTokenKey = localSecret(opts.dataDir ? join(opts.dataDir, 'page-token-key') : undefined);

  // Text messages go to a file locally (functions/src/lib/sms.ts): beside the data, else in the temp folder.
  const smsFile = process.env.SMS_OUTBOX_FILE ?? join(opts.dataDir ?? join(tmpdir(), `huimin-${process.pid}`), 'sms.jsonl');

  // What a Lambda's configuration would set; the functions read it at cold start.
  Object.assign(process.env, {
    SMS_OUTBOX_FILE: smsFile,
    REGISTRY_HMAC_KEY: registryKey,
    PAGE_TOKEN_KEY: pageTokenKey,
    TABLE_NAME: tableName,
    DYNAMODB_ENDPOINT: dynamoEndpoint,
    AWS_REGION: process.env.AWS_REGION ?? 'cn-north-1',
    POWERTOOLS_SERVICE_NAME: 'huimin',
    POWERTOOLS_METRICS_DISABLED: process.env.POWERTOOLS_METRICS_DISABLED ?? 'true',
    POWERTOOLS_LOG_LEVEL: process.env.POWERTOOLS_LOG_LEVEL ?? 'WARN',
  });

  const handlers = new Map<FunctionName, Promise<Handler>>();
  const load = (fn: FunctionName): Promise<Handler> => {
    let h = handlers.get(fn);
    if (!h) {
      const spec: FunctionSpec = FUNCTIONS[fn];
      h = import(pathToFileURL(resolve(REPO_ROOT, spec.entry)).href).then((m: { handler: Handler }) => m.handler);
      handlers.set(fn, h);
    }
    return h;
  };
  // Every function runs as itself: its table requests are checked against its wiring row (access.ts).
  guardDataAccess((await getDeps()).store.doc);
  const invoke = async (fn: FunctionName, event: unknown, context: Context = lambdaContext(fn)) => {
    const handler = await load(fn);
    return asFunction(fn, () => handler(event, context));
  };

  const bus = new LocalBus(invoke, {
    ...(opts.retryDelaysMs ? { retryDelaysMs: opts.retryDelaysMs } : {}),
    onDeadLetter: (d) => console.error(`[bus] ${d.event['detail-type']} → ${d.rule} failed ${d.attempts} times; parked in the dead-letter list: ${d.error}`),
  });
  const poller = new StreamPoller(dynamoEndpoint, streamArn, bus);
  poller.start();

  const timers = FUNCTION_SPECS.flatMap(([fn, spec]) => {
    if (!spec.schedule) return [];
    const m = /^rate\((\d+) (minute|minutes|hour|hours)\)$/.exec(spec.schedule);
    if (!m) throw new Error(`${fn}: the local stack understands rate(N minutes|hours) schedules only`);
    const ms = Number(m[1]) * (m[2]!.startsWith('hour') ? 3_600_000 : 60_000);
    const timer = setInterval(() => {
      invoke(fn, { id: crypto.randomUUID(), 'detail-type': 'Scheduled Event', source: 'aws.events', time: new Date().toISOString(), detail: {} }).catch((err: Error) =>
        console.error(`[schedule] ${fn} failed: ${err.message}`),
      );
    }, ms);
    timer.unref();
    return [timer];
  });

  const store = new Store(createDocumentClient({ DYNAMODB_ENDPOINT: dynamoEndpoint, AWS_REGION: 'cn-north-1' }), tableName, { registry: registryKey, pageTokens: pageTokenKey });
  if (opts.seed ?? true) {
    await seedProviders(store);
    await importRegistryFile(store, LOW_INCOME_FILE);
  }
  if (opts.demoWaitlist) await seedDemoWaitlists(store, opts.demoWaitlist);

  const tokens = LocalTokens.create(opts.dataDir ? join(opts.dataDir, 'token-key') : undefined);
  const server: Server = createLocalServer({ tokens, identities: demoIdentities(), invoke: (fn, event) => invoke(fn, event) as ReturnType<Parameters<typeof createLocalServer>[0]['invoke']> });
  await new Promise<void>((resolveListen, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 3000, '127.0.0.1', () => resolveListen());
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : (opts.port ?? 3000);

  const demo = {
    providerId: DEMO_PROVIDER_ID,
    family: await tokens.sign({ role: 'family', sub: 'demo-family' }),
    provider: await tokens.sign({ role: 'provider', sub: 'demo-provider', providerId: DEMO_PROVIDER_ID }),
    staff: await tokens.sign({ role: 'staff', sub: 'demo-staff', district: '320113' }),
    homeVisitProviderId: DEMO_HOME_VISIT_PROVIDER_ID,
    homeVisitProvider: await tokens.sign({ role: 'provider', sub: 'demo-home-visit', providerId: DEMO_HOME_VISIT_PROVIDER_ID }),
    grid: await tokens.sign({ role: 'grid', sub: 'demo-grid', district: '320113', street: DEMO_GRID_STREET }),
    nurseryId: DEMO_NURSERY_ID,
    nursery: await tokens.sign({ role: 'provider', sub: 'demo-nursery', providerId: DEMO_NURSERY_ID }),
  };

  return {
    url: `http://localhost:${port}`,
    tableName,
    dynamoEndpoint,
    bus,
    store,
    tokens,
    smsFile,
    demo,
    settle: async () => {
      await bus.idle();
    },
    stop: async () => {
      for (const t of timers) clearInterval(t);
      const closed = new Promise<void>((r) => server.close(() => r()));
      // close() waits for open connections; a browser's keep-alive would hold shutdown forever.
      server.closeAllConnections();
      await closed;
      await poller.stop();
      await bus.idle();
      store.doc.destroy();
      await dynamo?.stop();
    },
  };
}
