import { EVENT_CATALOGUE } from '@huimin/events';
import { OUTBOX_STREAM_FILTER } from '@huimin/store';
import { Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as pipes from 'aws-cdk-lib/aws-pipes';
import type * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { DeadLetterQueue } from './dead-letter-queue';
import { LOG_RETENTION, NodeFunction } from './node-function';

export const PIPE_BATCH_SIZE = 10; // also the most an event-bus target accepts per PutEvents
export const PIPE_MAX_RETRY_ATTEMPTS = 10;
export const PIPE_MAX_RECORD_AGE = Duration.hours(6);

/**
 * The top-level keys every event detail has (STYLE.md #8: `metadata` beside `data`), read from the
 * catalogue so the template below follows the events package. A catalogue whose events disagree would
 * need a different template, so that stops the synth.
 */
export function detailKeys(): string[] {
  const [first, ...rest] = EVENT_CATALOGUE.map((e) => Object.keys(e.detail.shape).sort());
  if (!first) throw new Error('EVENT_CATALOGUE is empty');
  for (const keys of rest) {
    if (keys.join() !== first.join()) throw new Error(`event details disagree on top-level keys: ${first} vs ${keys}`);
  }
  return first;
}

/**
 * The target input template, applied to each element the enrichment returns (`{source, detailType,
 * detail}`; see pipe-enrichment/handler.ts for why there is an enrichment). A template that is just
 * `<$.detail>` would not do: Pipes strips the inner quotes of an object inserted on its own. An object
 * placed as the value of a key is copied as JSON, so the detail is rebuilt key by key.
 */
export function detailInputTemplate(keys: readonly string[] = detailKeys()): string {
  return `{${keys.map((k) => `"${k}": <$.detail.${k}>`).join(', ')}}`;
}

export interface OutboxPipeProps {
  table: dynamodb.ITable;
  bus: events.IEventBus;
  alarmTopic: sns.ITopic;
}

/**
 * Outbox → bus (DESIGN.md, "No lost events"): an EventBridge Pipe reads the table's stream, keeps only new
 * outbox items (the store's OUTBOX_STREAM_FILTER, the same pattern the local poller applies), has the
 * enrichment parse each item's detail, and puts the events on the bus. Failed batches are bisected and
 * retried a bounded number of times, then their coordinates go to a dead-letter queue with an alarm.
 */
export class OutboxPipe extends Construct {
  readonly pipe: pipes.CfnPipe;
  readonly role: iam.Role;
  readonly enrichment: NodeFunction;
  readonly deadLetterQueue: DeadLetterQueue;

  constructor(scope: Construct, id: string, props: OutboxPipeProps) {
    super(scope, id);
    const streamArn = props.table.tableStreamArn;
    if (!streamArn) throw new Error('the outbox pipe needs a table with a stream');

    this.enrichment = new NodeFunction(this, 'Enrichment', {
      entry: 'infra/src/pipe-enrichment/handler.ts',
      description: 'Outbox pipe enrichment: parses the detail JSON of each outbox item',
      memorySize: 256,
    });
    this.deadLetterQueue = new DeadLetterQueue(this, 'DeadLetters', { owner: 'the outbox pipe', alarmTopic: props.alarmTopic });
    Validations.of(this.deadLetterQueue.queue).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason:
        'This queue is itself a dead-letter queue: the DynamoDB-stream source of the outbox Pipe sends failed batches here. cdk-nag only recognises queues named in an SQS redrive policy or a Lambda DeadLetterConfig.',
    });
    const pipeLogs = new logs.LogGroup(this, 'Logs', { retention: LOG_RETENTION, removalPolicy: RemovalPolicy.RETAIN });

    const stack = Stack.of(this);
    this.role = new iam.Role(this, 'Role', {
      description: 'Outbox pipe: reads the table stream, invokes its enrichment, puts events on the bus',
      assumedBy: new iam.ServicePrincipal('pipes.amazonaws.com', {
        conditions: { StringEquals: { 'aws:SourceAccount': stack.account } },
      }),
    });
    // Stream read and kms:Decrypt on the table's key (the stream is encrypted with it).
    props.table.grantStreamRead(this.role);
    Validations.of(this.role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'dynamodb:ListStreams is not scoped to a resource (granted by Table.grantStreamRead); the record-reading actions are limited to the stream ARN of this table.',
    });
    this.role.addToPolicy(
      new iam.PolicyStatement({ actions: ['lambda:InvokeFunction'], resources: [this.enrichment.fn.functionArn] }),
    );
    props.bus.grantPutEventsTo(this.role);
    this.deadLetterQueue.queue.grantSendMessages(this.role);
    pipeLogs.grantWrite(this.role);

    this.pipe = new pipes.CfnPipe(this, 'Pipe', {
      description: 'Huimin outbox: new OUTBOX# items on the table stream become events on the bus',
      roleArn: this.role.roleArn,
      desiredState: 'RUNNING',
      source: streamArn,
      sourceParameters: {
        dynamoDbStreamParameters: {
          startingPosition: 'LATEST',
          batchSize: PIPE_BATCH_SIZE,
          maximumRetryAttempts: PIPE_MAX_RETRY_ATTEMPTS,
          maximumRecordAgeInSeconds: PIPE_MAX_RECORD_AGE.toSeconds(),
          onPartialBatchItemFailure: 'AUTOMATIC_BISECT',
          deadLetterConfig: { arn: this.deadLetterQueue.queue.queueArn },
        },
        filterCriteria: { filters: [{ pattern: JSON.stringify(OUTBOX_STREAM_FILTER) }] },
      },
      enrichment: this.enrichment.fn.functionArn,
      target: props.bus.eventBusArn,
      targetParameters: {
        // Dynamic paths into each element the enrichment returned.
        eventBridgeEventBusParameters: { source: '$.source', detailType: '$.detailType' },
        inputTemplate: detailInputTemplate(),
      },
      logConfiguration: {
        // ERROR only: INFO/TRACE with execution data would copy event payloads into the logs.
        level: 'ERROR',
        cloudwatchLogsLogDestination: { logGroupArn: pipeLogs.logGroupArn },
      },
    });
    // The role's policy must exist before the pipe starts polling the stream.
    this.pipe.node.addDependency(this.role);
  }
}
