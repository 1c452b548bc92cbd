import type { EventPatternJson, FunctionName, FunctionSpec } from '@huimin/functions/wiring';
import { Duration, Stack, Validations } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
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
  bus: events.IEventBus;
  alarmTopic: sns.ITopic;
  /** The low-income registry's HMAC key, given only to functions whose spec asks for it. */
  registryKey: secretsmanager.ISecret;
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
        // Resolved by CloudFormation at deploy time from Secrets Manager; never in the template.
        ...(spec.registryKey ? { REGISTRY_HMAC_KEY: props.registryKey.secretValue.unsafeUnwrap() } : {}),
      },
      deadLetterQueue: this.deadLetterQueue?.queue,
    }).fn;

    if (spec.table === 'readWrite') props.table.grantReadWriteData(this.fn);
    else props.table.grantReadData(this.fn);
    this.acknowledgeTableGrant(props.table, spec.table);

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

  /**
   * The standard table grants name the indexes as `<table>/index/*` and, for writers, the key's
   * `kms:GenerateDataKey*`/`kms:ReEncrypt*` action families. cdk-nag reports those wildcards; they are
   * what the grant needs and reach no further than this table and its key.
   */
  private acknowledgeTableGrant(table: dynamodb.ITable, access: FunctionSpec['table']): void {
    const tableArn = Stack.of(this).resolve(table.tableArn) as { 'Fn::GetAtt'?: [string, string] };
    const tableLogicalId = tableArn['Fn::GetAtt']?.[0];
    if (!tableLogicalId) throw new Error('expected the table to be defined in this stack');
    const acknowledge = Validations.of(this);
    acknowledge.acknowledge({
      id: `AwsSolutions-IAM5[Resource::<${tableLogicalId}.Arn>/index/*]`,
      reason: 'Handlers query the GSIs of the one table (gsi1..gsi3); the wildcard covers the indexes of that table only.',
    });
    if (access === 'readWrite') {
      acknowledge.acknowledge(
        {
          id: 'AwsSolutions-IAM5[Action::kms:GenerateDataKey*]',
          reason: 'Writing to a table encrypted with a customer-managed key needs data keys from it; granted on that key only.',
        },
        {
          id: 'AwsSolutions-IAM5[Action::kms:ReEncrypt*]',
          reason: 'Part of the standard DynamoDB write grant on the customer-managed table key; granted on that key only.',
        },
      );
    }
  }
}
