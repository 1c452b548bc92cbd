import { type EventPatternJson, type FunctionName, type FunctionSpec, SECRET_VARIABLES, type SecretName } from '@huimin/functions/wiring';
import { type DataAccess, type DataAction, WRITE_ACTIONS } from '@huimin/store';
import { Aws, Duration } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { DeadLetterQueue } from './dead-letter-queue';
import { NodeFunction } from './node-function';

/** EventBridge keeps retrying delivery to Lambda (throttling, service errors) this many times, for this long. */
export const RULE_TARGET_RETRY_ATTEMPTS = 4;
export const RULE_TARGET_MAX_EVENT_AGE = Duration.hours(2);

/**
 * The wiring holds event patterns as EventBridge writes them (`detail-type`); the CDK `EventPattern` type
 * spells that one top-level key `detailType` and renders it back. Nothing else is renamed, so the rule's
 * synthesized pattern is the wiring's JSON, key for key (test/infra asserts it).
 */
export function toCdkEventPattern(json: EventPatternJson): events.EventPattern {
  const { 'detail-type': detailType, ...rest } = json;
  return (detailType === undefined ? rest : { ...rest, detailType }) as events.EventPattern;
}

export interface WiredFunctionProps {
  name: FunctionName;
  spec: FunctionSpec;
  table: dynamodb.ITable;
  /** The table's customer-managed key. */
  tableKey: kms.IKey;
  bus: events.IEventBus;
  alarmTopic: sns.ITopic;
  /** Every secret by name; a function gets the ARN of, and may read, only those its spec lists. */
  secrets: Record<SecretName, secretsmanager.ISecret>;
}

/**
 * One row of the wiring table made real: the function, its table access, and, for event consumers and
 * scheduled jobs, the rule that triggers it with a dead-letter queue and alarm of its own. HTTP routes are
 * attached by the API construct, which owns the authorizer.
 *
 * Failures take one of two paths, both into the same queue with the original event as the message body:
 * EventBridge could not deliver (rule target DLQ, after RULE_TARGET_RETRY_ATTEMPTS), or the function threw
 * (Lambda's asynchronous-invocation DLQ, after its 2 retries).
 */
export class WiredFunction extends Construct {
  readonly fn: NodejsFunction;
  readonly deadLetterQueue?: DeadLetterQueue;

  constructor(scope: Construct, id: string, props: WiredFunctionProps) {
    super(scope, id);
    const { name, spec } = props;
    const triggeredByEvents = spec.subscription !== undefined || spec.schedule !== undefined;
    if (triggeredByEvents) {
      this.deadLetterQueue = new DeadLetterQueue(this, 'DeadLetters', { owner: name, alarmTopic: props.alarmTopic });
    }

    this.fn = new NodeFunction(this, 'Handler', {
      entry: spec.entry,
      description: spec.description,
      timeout: spec.timeoutSeconds === undefined ? undefined : Duration.seconds(spec.timeoutSeconds),
      memorySize: spec.memoryMb,
      environment: {
        TABLE_NAME: props.table.tableName,
        // The ARN only: the function reads the value at cold start (functions/src/lib/config.ts).
        ...Object.fromEntries((spec.secrets ?? []).map((name) => [`${SECRET_VARIABLES[name]}_SECRET_ARN`, props.secrets[name].secretArn])),
      },
      deadLetterQueue: this.deadLetterQueue?.queue,
    }).fn;

    for (const statement of dataStatements(spec.data, props.table, props.tableKey)) this.fn.addToRolePolicy(statement);
    for (const name of spec.secrets ?? []) {
      this.fn.addToRolePolicy(new iam.PolicyStatement({ actions: ['secretsmanager:GetSecretValue'], resources: [props.secrets[name].secretArn] }));
    }

    const target = (): targets.LambdaFunction =>
      new targets.LambdaFunction(this.fn, {
        deadLetterQueue: this.deadLetterQueue?.queue,
        retryAttempts: RULE_TARGET_RETRY_ATTEMPTS,
        maxEventAge: RULE_TARGET_MAX_EVENT_AGE,
      });

    if (spec.subscription !== undefined) {
      new events.Rule(this, 'Subscription', {
        eventBus: props.bus,
        description: `${name}: ${spec.description}`.slice(0, 512),
        eventPattern: toCdkEventPattern(spec.subscription),
        targets: [target()],
      });
    }
    if (spec.schedule !== undefined) {
      // Scheduled rules only run on the account's default bus.
      new events.Rule(this, 'Schedule', {
        description: `${name} (${spec.schedule}): ${spec.description}`.slice(0, 512),
        schedule: events.Schedule.expression(spec.schedule),
        targets: [target()],
      });
    }
  }
}

/**
 * The policy of one function's data access (the wiring's `data`), least privilege:
 * - item actions and queries of a partition on the table itself, each only on the entities declared,
 *   by `dynamodb:LeadingKeys` on their key prefixes (every partition key starts `<PREFIX>#`; a
 *   transaction is authorised per item action it holds);
 * - queries of an index on that index alone. The index's partition keys start with the entity's prefix
 *   too, but `dynamodb:LeadingKeys` is documented for the table's partition key, so the index queries
 *   are bounded by index, not by entity;
 * - the table key's decrypt (and, for a writer, encrypt) actions, only when DynamoDB calls on the
 *   function's behalf (`kms:ViaService`). Nothing for a function that touches no data.
 */
export function dataStatements(access: DataAccess, table: dynamodb.ITable, key: kms.IKey): iam.PolicyStatement[] {
  const onTable = new Map<DataAction, string[]>();
  const indexes = new Set<string>();
  for (const [prefix, actions] of Object.entries(access)) {
    for (const action of actions ?? []) {
      if (action.startsWith('Query@')) indexes.add(action.slice('Query@'.length));
      else onTable.set(action, [...(onTable.get(action) ?? []), prefix]);
    }
  }
  // One statement per set of prefixes, holding every action allowed on exactly that set.
  const byPrefixes = new Map<string, DataAction[]>();
  for (const [action, prefixes] of onTable) {
    const k = [...prefixes].sort().join(',');
    byPrefixes.set(k, [...(byPrefixes.get(k) ?? []), action]);
  }
  const statements = [...byPrefixes].map(
    ([prefixes, actions]) =>
      new iam.PolicyStatement({
        actions: actions.sort().map((a) => `dynamodb:${a}`),
        resources: [table.tableArn],
        conditions: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': prefixes.split(',').map((p) => `${p}#*`) } },
      }),
  );
  if (indexes.size > 0) {
    statements.push(new iam.PolicyStatement({ actions: ['dynamodb:Query'], resources: [...indexes].sort().map((i) => `${table.tableArn}/index/${i}`) }));
  }
  if (onTable.size + indexes.size > 0) {
    const writes = [...onTable.keys()].some((a) => WRITE_ACTIONS.includes(a));
    statements.push(
      new iam.PolicyStatement({
        actions: ['kms:Decrypt', 'kms:DescribeKey', ...(writes ? ['kms:Encrypt', 'kms:GenerateDataKey', 'kms:ReEncryptFrom', 'kms:ReEncryptTo'] : [])],
        resources: [key.keyArn],
        conditions: { StringEquals: { 'kms:ViaService': `dynamodb.${Aws.REGION}.${Aws.URL_SUFFIX}` } },
      }),
    );
  }
  return statements;
}
