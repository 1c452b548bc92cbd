import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat, SourceMapMode } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { LOCK_FILE, REPO_ROOT, repoPath } from '../paths';

/**
 * China's Cybersecurity Law (网络安全法, art. 21) asks operators to keep network logs for at least six
 * months; a civil-affairs service falls under it.
 */
export const LOG_RETENTION = logs.RetentionDays.SIX_MONTHS;

/**
 * Middy 6 and some of its dependencies are ESM-only while others still call `require`: bundle as ESM and
 * give the bundle a real `require`. The aliased import keeps the banner from clashing with bundled names.
 */
export const ESM_REQUIRE_BANNER =
  "import { createRequire as __huiminCreateRequire } from 'node:module'; const require = __huiminCreateRequire(import.meta.url);";

export interface NodeFunctionProps {
  /** Handler module relative to the repository root; it exports `handler`. */
  entry: string;
  description: string;
  environment?: Record<string, string>;
  timeout?: Duration;
  memorySize?: number;
  /** Failed asynchronous invocations (after Lambda's own retries) land here with the original event. */
  deadLetterQueue?: sqs.IQueue;
}

/**
 * One Lambda function as this project builds them all: Node.js 24 on arm64, an ESM bundle made by the
 * local esbuild (no Docker), its own log group, and its own role that may write only to that log group
 * (no AWS managed policy, so nothing broader than the function needs).
 */
export class NodeFunction extends Construct {
  readonly fn: NodejsFunction;
  readonly role: iam.Role;
  readonly logGroup: logs.LogGroup;

  constructor(scope: Construct, id: string, props: NodeFunctionProps) {
    super(scope, id);
    this.logGroup = new logs.LogGroup(this, 'Logs', {
      retention: LOG_RETENTION,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      // IAM descriptions accept Latin-1 only, so the wiring's (possibly Chinese) description stays out.
      description: `Execution role of ${this.node.path}`.slice(0, 1000),
    });
    this.logGroup.grantWrite(this.role);

    this.fn = new NodejsFunction(this, 'Function', {
      entry: repoPath(props.entry),
      handler: 'handler',
      description: props.description,
      runtime: lambda.Runtime.NODEJS_24_X,
      architecture: lambda.Architecture.ARM_64,
      memorySize: props.memorySize ?? 512,
      timeout: props.timeout ?? Duration.seconds(10),
      role: this.role,
      logGroup: this.logGroup,
      projectRoot: REPO_ROOT,
      depsLockFilePath: LOCK_FILE,
      environment: {
        POWERTOOLS_SERVICE_NAME: 'huimin',
        POWERTOOLS_METRICS_NAMESPACE: 'Huimin',
        POWERTOOLS_LOG_LEVEL: 'INFO',
        NODE_OPTIONS: '--enable-source-maps',
        ...props.environment,
      },
      deadLetterQueue: props.deadLetterQueue,
      // Lambda's own retries of a failed asynchronous invocation (EventBridge targets); at most 2.
      retryAttempts: props.deadLetterQueue ? 2 : undefined,
      bundling: {
        format: OutputFormat.ESM,
        mainFields: ['module', 'main'],
        banner: ESM_REQUIRE_BANNER,
        minify: true,
        sourceMap: true,
        sourceMapMode: SourceMapMode.DEFAULT,
        sourcesContent: false,
        forceDockerBundling: false,
        // Ship the SDK version the tests ran against rather than whatever the runtime carries today.
        bundleAwsSDK: true,
      },
    });
  }
}
