import { indexKeyAttributes, TABLE } from '@huimin/store';
import { RemovalPolicy } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';

const STREAM_VIEW: Record<typeof TABLE.streamView, dynamodb.StreamViewType> = {
  NEW_IMAGE: dynamodb.StreamViewType.NEW_IMAGE,
};

/**
 * The one table, built from the store's own definition (`TABLE`), so the key names, indexes, TTL attribute
 * and stream view here are the ones the repositories and DynamoDB Local use.
 *
 * Applications hold resident ID numbers, so the table is encrypted with a customer-managed key (rotated
 * yearly) whose use shows up in CloudTrail, and neither table nor key can go away with the stack.
 */
export class DataStore extends Construct {
  readonly table: dynamodb.Table;
  readonly key: kms.Key;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    this.key = new kms.Key(this, 'TableKey', {
      description: 'Huimin: encrypts the application table and its stream',
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });

    const stringKey = (name: string): dynamodb.Attribute => ({ name, type: dynamodb.AttributeType.STRING });
    this.table = new dynamodb.Table(this, 'Table', {
      partitionKey: stringKey(TABLE.partitionKey),
      sortKey: stringKey(TABLE.sortKey),
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      encryption: dynamodb.TableEncryption.CUSTOMER_MANAGED,
      encryptionKey: this.key,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
      stream: STREAM_VIEW[TABLE.streamView],
      timeToLiveAttribute: TABLE.ttlAttribute,
    });
    for (const index of TABLE.indexes) {
      const keys = indexKeyAttributes(index);
      this.table.addGlobalSecondaryIndex({
        indexName: index,
        partitionKey: stringKey(keys.pk),
        sortKey: stringKey(keys.sk),
        projectionType: dynamodb.ProjectionType.ALL,
      });
    }
  }
}
