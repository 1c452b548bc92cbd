import { DynamoDBClient, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { Store, TransactionConflictError } from './store';

const ddb = mockClient(DynamoDBDocumentClient);
const store = new Store(DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'cn-north-1' })), 't');

const cancelled = (...codes: string[]) =>
  new TransactionCanceledException({ message: 'cancelled', $metadata: {}, CancellationReasons: codes.map((Code) => ({ Code })) });

beforeEach(() => {
  ddb.reset();
});

describe('Store.commit', () => {
  it('retries a transaction cancelled only because another held a row, with a fresh token each time', async () => {
    ddb.on(TransactWriteCommand).rejectsOnce(cancelled('TransactionConflict', 'None')).rejectsOnce(cancelled('None', 'TransactionConflict')).resolves({});

    await store.commit([store.reserve('p1'), store.release('p2')]);

    const calls = ddb.commandCalls(TransactWriteCommand);
    expect(calls).toHaveLength(3);
    const tokens = new Set(calls.map((c) => c.args[0].input.ClientRequestToken));
    expect(tokens.size).toBe(3);
    expect(calls[2]!.args[0].input.TransactItems).toHaveLength(2);
  });

  it('reports a lasting row conflict as a conflict, not a server error', async () => {
    ddb.on(TransactWriteCommand).rejects(cancelled('TransactionConflict'));

    await expect(store.commit([store.reserve('p1')])).rejects.toMatchObject({ failed: ['concurrent'] });
    expect(ddb.commandCalls(TransactWriteCommand)).toHaveLength(4);
  });

  it('names the ops whose condition failed, without retrying', async () => {
    ddb.on(TransactWriteCommand).rejects(cancelled('None', 'ConditionalCheckFailed'));

    const err = await store.commit([store.release('p0'), store.reserve('p1')]).catch((e: unknown) => e);

    expect(err).toBeInstanceOf(TransactionConflictError);
    expect((err as TransactionConflictError).failed).toEqual(['reserve:p1']);
    expect(ddb.commandCalls(TransactWriteCommand)).toHaveLength(1);
  });
});
