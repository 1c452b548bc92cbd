import { type IndexName, TABLE } from './table';

/**
 * What a request to the table touches, in IAM's terms: the DynamoDB action and the entity (the key
 * prefix every partition key of it starts with, `APP#…`). The wiring declares these per function; the
 * CDK stack turns the declaration into the function's policy (actions on the table with
 * `dynamodb:LeadingKeys` on the prefixes, queries on the index they read), and the local stack checks
 * every request against it, as IAM would, and records what each function really used.
 */
export const ITEM_ACTIONS = ['GetItem', 'BatchGetItem', 'PutItem', 'UpdateItem', 'DeleteItem', 'ConditionCheckItem', 'BatchWriteItem'] as const;
export type ItemAction = (typeof ITEM_ACTIONS)[number];

/** An item action, a query of one partition of the table (`Query`), or a query of an index (`Query@gsi2`). */
export type DataAction = ItemAction | 'Query' | `Query@${IndexName}`;

/** Actions that change items: a function with any of them also needs the table key's encrypt actions. */
export const WRITE_ACTIONS: readonly DataAction[] = ['PutItem', 'UpdateItem', 'DeleteItem', 'BatchWriteItem'];

/** A function's access: entity prefix → the actions it takes on that entity. */
export type DataAccess = Readonly<Partial<Record<string, readonly DataAction[]>>>;

export interface DataUse {
  prefix: string;
  action: DataAction;
}

/** `APP#gsi1#fam-1` → `APP`: every key this code writes starts with its entity's prefix and `#`. */
export function prefixOf(key: unknown): string {
  const s = typeof key === 'string' ? key : (key as { S?: unknown } | undefined)?.S;
  if (typeof s !== 'string') return '?';
  const i = s.indexOf('#');
  return i < 0 ? s : s.slice(0, i);
}

type Input = Record<string, unknown>;
const keyPrefix = (key: unknown): string => prefixOf((key as Input | undefined)?.[TABLE.partitionKey]);

/**
 * The uses one command makes (the document client's or the low-level client's). A transaction is the
 * item actions it holds, which is also how IAM authorises it. A Scan is its own action on `*`.
 */
export function usesOf(commandName: string, input: Input): DataUse[] {
  const name = commandName.replace(/Command$/, '');
  switch (name) {
    case 'Get':
    case 'GetItem':
      return [{ action: 'GetItem', prefix: keyPrefix(input.Key) }];
    case 'Put':
    case 'PutItem':
      return [{ action: 'PutItem', prefix: keyPrefix(input.Item) }];
    case 'Update':
    case 'UpdateItem':
      return [{ action: 'UpdateItem', prefix: keyPrefix(input.Key) }];
    case 'Delete':
    case 'DeleteItem':
      return [{ action: 'DeleteItem', prefix: keyPrefix(input.Key) }];
    case 'Query': {
      const values = (input.ExpressionAttributeValues ?? {}) as Input;
      const index = input.IndexName as IndexName | undefined;
      return [{ action: index ? `Query@${index}` : 'Query', prefix: prefixOf(values[':pk']) }];
    }
    case 'Scan':
      return [{ action: 'Scan' as DataAction, prefix: '*' }];
    case 'BatchGet':
    case 'BatchGetItem':
      return Object.values((input.RequestItems ?? {}) as Record<string, { Keys?: unknown[] }>).flatMap((r) =>
        (r.Keys ?? []).map((k) => ({ action: 'BatchGetItem' as const, prefix: keyPrefix(k) })),
      );
    case 'BatchWrite':
    case 'BatchWriteItem':
      return Object.values((input.RequestItems ?? {}) as Record<string, { PutRequest?: { Item: unknown }; DeleteRequest?: { Key: unknown } }[]>).flatMap((r) =>
        r.map((w) => ({ action: 'BatchWriteItem' as const, prefix: keyPrefix(w.PutRequest?.Item ?? w.DeleteRequest?.Key) })),
      );
    case 'TransactWrite':
    case 'TransactWriteItems':
      return ((input.TransactItems ?? []) as Input[]).map((t) => {
        if (t.Put) return { action: 'PutItem' as const, prefix: keyPrefix((t.Put as Input).Item) };
        if (t.Update) return { action: 'UpdateItem' as const, prefix: keyPrefix((t.Update as Input).Key) };
        if (t.Delete) return { action: 'DeleteItem' as const, prefix: keyPrefix((t.Delete as Input).Key) };
        return { action: 'ConditionCheckItem' as const, prefix: keyPrefix((t.ConditionCheck as Input | undefined)?.Key) };
      });
    default:
      return [{ action: name as DataAction, prefix: '*' }];
  }
}

/** `APP:GetItem`: one use as a comparable string. */
export const useKey = (u: DataUse): string => `${u.prefix}:${u.action}`;

/** Every use a declaration allows, as `useKey` strings. */
export function grantsOf(access: DataAccess): Set<string> {
  return new Set(Object.entries(access).flatMap(([prefix, actions]) => (actions ?? []).map((action) => useKey({ prefix, action }))));
}

export class AccessDeniedError extends Error {
  constructor(
    readonly fn: string,
    readonly use: DataUse,
  ) {
    super(`${fn} is not allowed to perform dynamodb:${use.action} on ${use.prefix}# items (declare it in the wiring's data access)`);
    this.name = 'AccessDeniedException';
  }
}
