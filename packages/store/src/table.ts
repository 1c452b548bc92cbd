/**
 * The one table's shape. The CDK stack (infra/) and the local stack (packages/local) both build the
 * table from this object, so they cannot disagree.
 */
export const TABLE = {
  partitionKey: 'pk',
  sortKey: 'sk',
  /** Overloaded global secondary indexes: each entity declares what its gsiN keys hold (model.ts). */
  indexes: ['gsi1', 'gsi2', 'gsi3'] as const,
  ttlAttribute: 'ttl',
  streamView: 'NEW_IMAGE' as const,
} as const;

export type IndexName = (typeof TABLE.indexes)[number];

export const indexKeyAttributes = (index: IndexName) => ({ pk: `${index}pk`, sk: `${index}sk` });

/** CreateTable input for DynamoDB Local and tests. */
export function createTableInput(tableName: string) {
  return {
    TableName: tableName,
    BillingMode: 'PAY_PER_REQUEST' as const,
    AttributeDefinitions: [TABLE.partitionKey, TABLE.sortKey, ...TABLE.indexes.flatMap((i) => [`${i}pk`, `${i}sk`])].map(
      (AttributeName) => ({ AttributeName, AttributeType: 'S' as const }),
    ),
    KeySchema: [
      { AttributeName: TABLE.partitionKey, KeyType: 'HASH' as const },
      { AttributeName: TABLE.sortKey, KeyType: 'RANGE' as const },
    ],
    GlobalSecondaryIndexes: TABLE.indexes.map((i) => ({
      IndexName: i,
      KeySchema: [
        { AttributeName: `${i}pk`, KeyType: 'HASH' as const },
        { AttributeName: `${i}sk`, KeyType: 'RANGE' as const },
      ],
      Projection: { ProjectionType: 'ALL' as const },
    })),
    StreamSpecification: { StreamEnabled: true, StreamViewType: TABLE.streamView },
  };
}
