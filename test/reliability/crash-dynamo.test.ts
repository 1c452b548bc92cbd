import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetCommand, PutCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { createDocumentClient } from '@huimin/store';
import { afterAll, describe, expect, it } from 'vitest';
import { ensureTable, startDynamoLocal } from '../../packages/local/src/dynamo';
import { alive, dynamoProcessesOn } from './crash-support';

/**
 * What DynamoDB Local itself promises under SIGKILL (issue 12: "it was seen once in six tries"),
 * measured without the stack: writers keep writing to a DynamoDB Local on a data dir, Java is killed
 * with SIGKILL the moment the N-th write is acknowledged, started again on the same files, and every
 * acknowledged write is looked for.
 *
 * Read from DynamoDBLocal.jar 3.3.0 (javap): each request runs as a job on sqlite4java's single queue
 * thread, and a job is BEGIN … COMMIT. PutItem (`SQLiteDBAccess.putRecord`) waits for its job
 * (`SQLiteJob.get()`) before answering, so an acknowledged PutItem is committed, and a committed SQLite
 * transaction survives the death of its process (the file has it; synchronous=FULL only matters to
 * power loss). TransactWriteItems (`TransactWriteItemsFunction.doWrite` → `commitTransaction`) queues
 * the "INSERT INTO tr …; COMMIT" job and returns without waiting, so it is acknowledged before it is
 * committed. A transaction holds the queue's write lock from BEGIN until its COMMIT job is queued, and
 * every later request queues behind that COMMIT, so at any moment at most one acknowledged
 * transaction is not yet committed, and once any later request that waits for its job (a GetItem) is
 * answered, the transaction is on disk.
 *
 * Asserted: no acknowledged PutItem is ever lost; of transactions at most one per kill, one of the
 * last acknowledged, and never half of one; and none at all when each transaction is followed by a
 * read before it counts as acknowledged (the fix proposed for the local stack). First runs,
 * 2026-12-03: PutItem 0 of 750 lost; TransactWriteItems 1 lost at each of 5 kills, each among the
 * last acknowledged; TransactWriteItems then a read 0 of 300 lost.
 */

const ROUNDS = Number(process.env.CRASH_DYNAMO_ROUNDS ?? 2);
const ACKS_BEFORE_KILL = 150;
const WRITERS = 16;
const dirs: string[] = [];
const figures: { mode: string; round: number; acked: number; lost: number; lostWereLastAcks: boolean }[] = [];

afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
  const sum = (mode: string, k: 'acked' | 'lost') => figures.filter((f) => f.mode === mode).reduce((n, f) => n + f[k], 0);
  console.log(
    [
      `[crash (dynamo)] DynamoDB Local on a data dir, SIGKILL the moment the ${ACKS_BEFORE_KILL}th write is acknowledged (${WRITERS} writers), restarted on the same files`,
      ...figures.map((f) => `  ${f.mode} round ${f.round}: ${f.acked} acknowledged, ${f.lost} lost${f.lost ? (f.lostWereLastAcks ? ' (all among the last acknowledged)' : ' (not only the last)') : ''}`),
      `  ${[...new Set(figures.map((f) => f.mode))].map((m) => `${m}: ${sum(m, 'lost')} of ${sum(m, 'acked')} lost`).join('; ')}`,
    ].join('\n'),
  );
});

/** Writes until the N-th acknowledgement, then kills Java in the same tick; returns the keys acknowledged, in order. */
type Mode = 'PutItem' | 'TransactWriteItems' | 'TransactWriteItems, then a read';
async function writeThenKill(mode: Mode, dbPath: string, round: number): Promise<string[]> {
  const dynamo = await startDynamoLocal({ dataDir: dbPath });
  await ensureTable(dynamo.endpoint, 'durability');
  const [java] = dynamoProcessesOn(dbPath);
  if (!java) throw new Error(`no DynamoDB Local on ${dbPath}`);
  const doc = createDocumentClient({ DYNAMODB_ENDPOINT: dynamo.endpoint, AWS_REGION: 'cn-north-1' });
  const acked: string[] = [];
  let killed = false;
  let next = 0;
  const writer = async () => {
    while (!killed) {
      const id = `w${round}-${next++}`;
      const item = { pk: `APP#${id}`, sk: 'APP', status: 'SUBMITTED', payload: 'x'.repeat(400) };
      try {
        if (mode === 'PutItem') await doc.send(new PutCommand({ TableName: 'durability', Item: item }));
        else
          await doc.send(
            new TransactWriteCommand({
              TransactItems: [
                { Put: { TableName: 'durability', Item: item, ConditionExpression: 'attribute_not_exists(pk)' } },
                { Put: { TableName: 'durability', Item: { pk: `OUTBOX#${id}`, sk: 'OUTBOX', detail: id } } },
              ],
            }),
          );
        // The proposed fix: any request that waits for its job (here a read) is queued behind the
        // transaction's COMMIT, so once it is answered the transaction is on disk.
        if (mode === 'TransactWriteItems, then a read') await doc.send(new GetCommand({ TableName: 'durability', Key: { pk: `APP#${id}`, sk: 'APP' } }));
      } catch {
        return; // Java is gone
      }
      if (killed) return;
      acked.push(id);
      if (acked.length === ACKS_BEFORE_KILL) {
        killed = true;
        process.kill(java.pid, 'SIGKILL');
      }
    }
  };
  await Promise.all(Array.from({ length: WRITERS }, writer));
  doc.destroy();
  for (let i = 0; i < 100 && alive(java.pid); i++) await new Promise((r) => setTimeout(r, 50));
  await dynamo.stop();
  return acked;
}

async function missing(dbPath: string, keys: string[], mode: string): Promise<string[]> {
  const dynamo = await startDynamoLocal({ dataDir: dbPath });
  const doc = createDocumentClient({ DYNAMODB_ENDPOINT: dynamo.endpoint, AWS_REGION: 'cn-north-1' });
  try {
    const gone: string[] = [];
    for (const id of keys) {
      const [state, outbox] = await Promise.all([
        doc.send(new GetCommand({ TableName: 'durability', Key: { pk: `APP#${id}`, sk: 'APP' }, ConsistentRead: true })),
        mode === 'PutItem' ? Promise.resolve({ Item: {} }) : doc.send(new GetCommand({ TableName: 'durability', Key: { pk: `OUTBOX#${id}`, sk: 'OUTBOX' }, ConsistentRead: true })),
      ]);
      // A transaction is all or nothing: its two items are both there or both gone.
      expect(Boolean(state.Item), `${id}: state and outbox item together`).toBe(Boolean(outbox.Item));
      if (!state.Item) gone.push(id);
    }
    return gone;
  } finally {
    doc.destroy();
    await dynamo.stop();
  }
}

describe('DynamoDB Local on a data dir, killed with SIGKILL', () => {
  for (const mode of ['PutItem', 'TransactWriteItems', 'TransactWriteItems, then a read'] as const) {
    const promise = {
      PutItem: 'keeps every acknowledged write',
      TransactWriteItems: 'loses at most the last acknowledged transaction, and only whole',
      'TransactWriteItems, then a read': 'keeps every transaction acknowledged once a later read is answered',
    }[mode];
    it(`${mode}: ${promise} (${ROUNDS} kills)`, { timeout: 60_000 * ROUNDS }, async () => {
      for (let round = 1; round <= ROUNDS; round++) {
        const dbPath = mkdtempSync(join(tmpdir(), 'huimin-crash-dynamo-'));
        dirs.push(dbPath);
        const acked = await writeThenKill(mode, dbPath, round);
        expect(acked).toHaveLength(ACKS_BEFORE_KILL);
        const gone = await missing(dbPath, acked, mode);
        const last = new Set(acked.slice(-WRITERS));
        figures.push({ mode, round, acked: acked.length, lost: gone.length, lostWereLastAcks: gone.every((g) => last.has(g)) });
        if (mode !== 'TransactWriteItems') expect(gone, `acknowledged writes lost (${mode})`).toEqual([]);
        else {
          expect(gone.length, 'acknowledged transactions lost at one kill').toBeLessThanOrEqual(1);
          expect(gone.every((g) => last.has(g)), `lost ${gone.join(', ')}: not among the last acknowledged`).toBe(true);
        }
      }
    });
  }
});
