import { randomUUID } from 'node:crypto';
import { Assignments, createDocumentClient, Store } from '@huimin/store';
import { inject } from 'vitest';
import { ensureTable } from '../../packages/local/src/dynamo';

/** A fresh table in the shared DynamoDB Local, so test files never see each other's data. */
export async function freshStore(): Promise<{ store: Store; tableName: string; endpoint: string; streamArn: string }> {
  const endpoint = inject('dynamoEndpoint');
  const tableName = `t-${randomUUID().slice(0, 8)}`;
  const { streamArn } = await ensureTable(endpoint, tableName);
  const store = new Store(createDocumentClient({ DYNAMODB_ENDPOINT: endpoint, AWS_REGION: 'cn-north-1' }), tableName, { registry: 'integration-registry-key' });
  return { store, tableName, endpoint, streamArn };
}

/** Polls until `check` returns a value (not undefined) or the deadline passes; never a fixed sleep. */
export async function eventually<T>(check: () => Promise<T | undefined>, what: string, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await check();
      if (v !== undefined) return v;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}${last ? `: ${(last as Error).message}` : ''}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * Time travel for tests of visits: the organisation took the resident on `hours` ago (visits count
 * from the acceptance, and a test cannot wait hours to record one that lasted an hour).
 */
export async function acceptedHoursAgo(store: Store, assignmentId: string, hours: number): Promise<void> {
  const a = await store.getAssignment(assignmentId);
  if (!a) throw new Error(`assignment ${assignmentId} missing`);
  const acceptedAt = new Date(Date.now() - hours * 3_600_000).toISOString();
  await store.commit([store.replace('assignment', Assignments, { ...a, acceptedAt }, a.version)]);
}
