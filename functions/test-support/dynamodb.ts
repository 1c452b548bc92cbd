import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import {
  type DynamoDBDocumentClient,
  GetCommand,
  QueryCommand,
  TransactWriteCommand,
  type TransactWriteCommandInput,
} from '@aws-sdk/lib-dynamodb';
import type { AwsClientStub } from 'aws-sdk-client-mock';

export type DocumentClientMock = AwsClientStub<DynamoDBDocumentClient>;
export type TxItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];
export type Key = { pk: string; sk: string };

/** A table holding `items` (stored shape, keys included); any other key reads as "no such item". */
export function tableWith(ddb: DocumentClientMock, ...items: Record<string, unknown>[]): void {
  ddb.on(GetCommand).resolves({});
  for (const item of items) {
    ddb.on(GetCommand, { Key: { pk: item.pk, sk: item.sk } }).resolves({ Item: item });
  }
  ddb.on(QueryCommand).resolves({ Items: [] });
}

/** The items of the `n`th TransactWriteItems call (0-based). */
export function transactItems(ddb: DocumentClientMock, n = 0): TxItem[] {
  const call = ddb.commandCalls(TransactWriteCommand)[n];
  if (!call) throw new Error(`Expected at least ${n + 1} TransactWriteCommand call(s), got ${ddb.commandCalls(TransactWriteCommand).length}`);
  return call.args[0].input.TransactItems ?? [];
}

/** What a transaction puts, by partition key prefix (`APP#`, `OUTBOX#`…); throws when there is none. */
export function putWithPrefix(items: TxItem[], prefix: string) {
  const put = items.find((i) => String(i.Put?.Item?.pk ?? '').startsWith(prefix))?.Put;
  if (!put) throw new Error(`No Put of a ${prefix}… item in ${JSON.stringify(items.map((i) => i.Put?.Item?.pk ?? i.Update?.Key?.pk))}`);
  return put;
}

/** An outbox item's detail-type and parsed detail. */
export function outboxEvent(item: TxItem): { detailType: string; source: string; detail: { metadata: Record<string, unknown>; data: Record<string, unknown> } } {
  const put = item.Put?.Item;
  if (!put || !String(put.pk).startsWith('OUTBOX#')) throw new Error(`Not an outbox Put: ${JSON.stringify(item)}`);
  return { detailType: String(put.detailType), source: String(put.source), detail: JSON.parse(String(put.detail)) };
}

/**
 * DynamoDB's answer to a cancelled transaction: one reason per item, in the order the items were
 * sent. `ConditionalCheckFailed` marks the item whose condition failed.
 */
export function transactionCancelled(...codes: ('None' | 'ConditionalCheckFailed' | 'TransactionConflict')[]): TransactionCanceledException {
  return new TransactionCanceledException({
    message: 'Transaction cancelled, please refer cancellation reasons for specific reasons',
    $metadata: {},
    CancellationReasons: codes.map((Code) => (Code === 'ConditionalCheckFailed' ? { Code, Message: 'The conditional request failed' } : { Code })),
  });
}

export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
