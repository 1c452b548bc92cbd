import { dirname, join } from 'node:path';
import { EVENT_SOURCE } from '@huimin/events';
import { FUNCTION_SPECS, FUNCTIONS, ROLES, routeKeyOf, SECRET_VARIABLES, type SecretName } from '@huimin/functions/wiring';
import { createTableInput, ENTITY_PREFIXES, grantsOf, OUTBOX_STREAM_FILTER, TABLE, WRITE_ACTIONS } from '@huimin/store';
import type { CfnResource } from 'aws-cdk-lib';
import { App, Stack, Validations } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { describe, expect, it } from 'vitest';
import { createApp } from '../../infra/src/app';
import { detailInputTemplate, PIPE_BATCH_SIZE, PIPE_MAX_RETRY_ATTEMPTS } from '../../infra/src/constructs/outbox-pipe';
import { RULE_TARGET_RETRY_ATTEMPTS } from '../../infra/src/constructs/wired-function';
import { ARCHIVE_RETENTION } from '../../infra/src/huimin-stack';
import { repoPath } from '../../infra/src/paths';

// Prepare: synthesize once for the whole file, skipping esbuild (NodejsFunction still checks each entry exists).
const { app, stack } = createApp({ context: { 'aws:cdk:bundling-stacks': [] } });
const template = Template.fromStack(stack);
const resources = template.toJSON().Resources as Record<string, { Type: string; Properties: Record<string, unknown> }>;

const logicalId = (construct: IConstruct): string => stack.getLogicalId(construct.node.defaultChild as CfnResource);
const ofType = (type: string) => Object.entries(resources).filter(([, r]) => r.Type === type);
const props = (id: string): Record<string, unknown> => {
  const resource = resources[id];
  if (!resource) throw new Error(`no resource ${id}`);
  return resource.Properties;
};
const getAtt = (id: string, attribute = 'Arn') => ({ 'Fn::GetAtt': [id, attribute] });

const wired = (name: (typeof FUNCTION_SPECS)[number][0]) => {
  const w = stack.functions.get(name);
  if (!w) throw new Error(`no function for ${name}`);
  return w;
};
const functionId = (name: (typeof FUNCTION_SPECS)[number][0]) => logicalId(wired(name).fn);
const tableId = logicalId(stack.data.table);
const busId = logicalId(stack.bus);

/** Every action a role's inline policies allow, with the resources. */
function statementsOf(roleId: string): { Action: string | string[]; Resource: unknown }[] {
  return ofType('AWS::IAM::Policy')
    .filter(([, p]) => JSON.stringify(p.Properties.Roles) === JSON.stringify([{ Ref: roleId }]))
    .flatMap(([, p]) => (p.Properties.PolicyDocument as { Statement: { Action: string | string[]; Resource: unknown }[] }).Statement);
}
const actionsOf = (roleId: string): string[] => statementsOf(roleId).flatMap((s) => [s.Action].flat());

describe('table', () => {
  const table = props(tableId);

  it('is encrypted with a rotated customer-managed KMS key', () => {
    const keyId = logicalId(stack.data.key);
    expect(table.SSESpecification).toEqual({ SSEEnabled: true, SSEType: 'KMS', KMSMasterKeyId: getAtt(keyId) });
    expect(props(keyId).EnableKeyRotation).toBe(true);
  });

  it('has point-in-time recovery, deletion protection, on-demand billing and is retained', () => {
    expect(table.PointInTimeRecoverySpecification).toEqual({ PointInTimeRecoveryEnabled: true });
    expect(table.DeletionProtectionEnabled).toBe(true);
    expect(table.BillingMode).toBe('PAY_PER_REQUEST');
    expect(resources[tableId]).toMatchObject({ DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' });
  });

  it('has the same keys, indexes, stream and TTL as the table the local stack creates', () => {
    const local = createTableInput('local');
    const byName = (a: { AttributeName: string }, b: { AttributeName: string }) => a.AttributeName.localeCompare(b.AttributeName);
    expect(table.KeySchema).toEqual(local.KeySchema);
    expect([...(table.AttributeDefinitions as { AttributeName: string }[])].sort(byName)).toEqual([...local.AttributeDefinitions].sort(byName));
    expect(table.GlobalSecondaryIndexes).toEqual(local.GlobalSecondaryIndexes);
    expect((table.GlobalSecondaryIndexes as unknown[]).length).toBe(TABLE.indexes.length);
    expect(table.StreamSpecification).toEqual({ StreamViewType: local.StreamSpecification.StreamViewType });
    expect(table.TimeToLiveSpecification).toEqual({ AttributeName: TABLE.ttlAttribute, Enabled: true });
  });
});

describe('functions', () => {
  it('builds exactly one function per wiring entry, plus the pipe enrichment', () => {
    expect(ofType('AWS::Lambda::Function')).toHaveLength(FUNCTION_SPECS.length + 1);
  });

  it.each(FUNCTION_SPECS)('%s runs on nodejs24.x, arm64, with its configuration and own log group', (name, spec) => {
    const fn = props(functionId(name));
    expect(fn).toMatchObject({
      Runtime: 'nodejs24.x',
      Architectures: ['arm64'],
      Handler: 'index.handler',
      Description: spec.description,
      Timeout: spec.timeoutSeconds ?? 10,
      MemorySize: spec.memoryMb ?? 512,
      Environment: {
        Variables: {
          TABLE_NAME: { Ref: tableId },
          POWERTOOLS_SERVICE_NAME: 'huimin',
          POWERTOOLS_METRICS_NAMESPACE: 'Huimin',
          POWERTOOLS_LOG_LEVEL: 'INFO',
          NODE_OPTIONS: '--enable-source-maps',
        },
      },
    });
    const logGroupId = (fn.LoggingConfig as { LogGroup: { Ref: string } }).LogGroup.Ref;
    expect(props(logGroupId).RetentionInDays).toBeGreaterThanOrEqual(180);
  });

  it.each(FUNCTION_SPECS)("%s gets the ARN of each secret its wiring lists, may read those alone, and never holds a secret's value", (name, spec) => {
    const vars = (props(functionId(name)).Environment as { Variables: Record<string, unknown> }).Variables;
    const roleId = (props(functionId(name)).Role as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
    const secretIds = { registry: logicalId(stack.secrets.registry), pageTokens: logicalId(stack.secrets.pageTokens) };
    const listed = spec.secrets ?? [];

    for (const [secret, variable] of Object.entries(SECRET_VARIABLES) as [SecretName, string][]) {
      expect(vars).not.toHaveProperty(variable);
      if (listed.includes(secret)) expect(vars[`${variable}_SECRET_ARN`]).toEqual({ Ref: secretIds[secret] });
      else expect(vars).not.toHaveProperty(`${variable}_SECRET_ARN`);
    }
    const reads = statementsOf(roleId).filter((s) => [s.Action].flat().some((a) => a.startsWith('secretsmanager:')));
    expect(reads.map((s) => [s.Action, s.Resource])).toEqual(listed.map((secret) => ['secretsmanager:GetSecretValue', { Ref: secretIds[secret] }]));
  });

  it('puts no secret value in the template, not even as a dynamic reference', () => {
    expect(JSON.stringify(template.toJSON())).not.toMatch(/resolve:secretsmanager/);
  });

  it.each(FUNCTION_SPECS)('%s holds the page-token key exactly when one of its routes takes a nextToken', async (_name, spec) => {
    const schema = (await import(repoPath(join(dirname(spec.entry), 'schema.ts'))).catch(() => ({}))) as { request?: { query?: { shape?: object } } };
    const pages = schema.request?.query?.shape !== undefined && 'nextToken' in schema.request.query.shape;

    expect((spec.secrets ?? []).includes('pageTokens')).toBe(pages);
  });

  it.each(FUNCTION_SPECS)('%s is granted exactly the data access its wiring declares: item actions by entity prefix, queries by index', (name, spec) => {
    const roleId = (props(functionId(name)).Role as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
    const statements = statementsOf(roleId) as { Action: string | string[]; Resource: unknown; Condition?: Record<string, Record<string, string | string[]>> }[];
    const declared = grantsOf(spec.data);
    const granted = new Set<string>();
    const kms: string[] = [];

    for (const s of statements) {
      const actions = [s.Action].flat();
      if (actions.some((a) => a.startsWith('kms:'))) {
        expect(s.Resource).toEqual(getAtt(logicalId(stack.data.key)));
        expect(JSON.stringify(s.Condition?.StringEquals?.['kms:ViaService'])).toMatch(/dynamodb\./);
        kms.push(...actions);
        continue;
      }
      const dynamo = actions.filter((a) => a.startsWith('dynamodb:'));
      if (dynamo.length === 0) continue;
      expect(dynamo).toEqual(actions);
      for (const resource of [s.Resource].flat()) {
        const index = /\/index\/(gsi\d)/.exec(JSON.stringify(resource))?.[1];
        if (index) {
          expect(actions).toEqual(['dynamodb:Query']);
          // Index queries are bounded by index; which entity's partitions the function reads there is the wiring's.
          for (const g of declared) if (g.endsWith(`:Query@${index}`)) granted.add(g);
          continue;
        }
        expect(resource).toEqual(getAtt(tableId));
        const prefixes = [s.Condition?.['ForAllValues:StringLike']?.['dynamodb:LeadingKeys'] ?? []].flat();
        expect(prefixes.length, 'an item action on the table without dynamodb:LeadingKeys').toBeGreaterThan(0);
        for (const prefix of prefixes) for (const a of actions) granted.add(`${prefix.replace(/#\*$/, '')}:${a.slice('dynamodb:'.length)}`);
      }
    }

    expect([...granted].sort()).toEqual([...declared].sort());
    const writes = [...declared].some((g) => WRITE_ACTIONS.some((w) => g.endsWith(`:${w}`)));
    expect(kms.sort()).toEqual(declared.size === 0 ? [] : ['kms:Decrypt', 'kms:DescribeKey', ...(writes ? ['kms:Encrypt', 'kms:GenerateDataKey', 'kms:ReEncryptFrom', 'kms:ReEncryptTo'] : [])].sort());
    expect(actionsOf(roleId)).not.toContain('dynamodb:Scan');
    // No AWS managed policies: the role writes to its own log group only.
    expect(props(roleId).ManagedPolicyArns).toBeUndefined();
  });

  it('declares entities the store knows, and touches no data from /health, /openapi.json or the programme list', () => {
    const known = new Set(ENTITY_PREFIXES);
    for (const [, spec] of FUNCTION_SPECS) for (const prefix of Object.keys(spec.data)) expect(known).toContain(prefix);
    for (const name of ['health', 'openapi', 'listProgrammes'] as const) expect(FUNCTIONS[name].data).toEqual({});
  });
});

describe('HTTP API', () => {
  const routes = ofType('AWS::ApiGatewayV2::Route').map(([, r]) => r.Properties);
  const wiringRoutes = FUNCTION_SPECS.flatMap(([name, spec]) => (spec.http ?? []).map((route) => ({ name, route })));
  const [[authorizerId, authorizer] = []] = ofType('AWS::ApiGatewayV2::Authorizer');

  it('has one route per wiring route and no other', () => {
    expect(routes.map((r) => r.RouteKey).sort()).toEqual(wiringRoutes.map(({ route }) => routeKeyOf(route)).sort());
  });

  it.each(wiringRoutes.map(({ name, route }) => [routeKeyOf(route), name, route.roles] as const))(
    '%s goes to %s with the right authorization',
    (routeKey, name, roles) => {
      const route = routes.find((r) => r.RouteKey === routeKey);
      if (!route) throw new Error(`no route ${routeKey}`);
      if (roles === 'public') {
        expect(route).toMatchObject({ AuthorizationType: 'NONE' });
        expect(route.AuthorizerId).toBeUndefined();
      } else {
        expect(route).toMatchObject({ AuthorizationType: 'JWT', AuthorizerId: { Ref: authorizerId } });
      }
      const integrationId = (route.Target as { 'Fn::Join': [string, [string, { Ref: string }]] })['Fn::Join'][1][1].Ref;
      expect(props(integrationId)).toMatchObject({ IntegrationType: 'AWS_PROXY', IntegrationUri: getAtt(functionId(name)) });
    },
  );

  it('checks Cognito JWTs: the pool is the issuer and the web client the audience', () => {
    expect(authorizer?.Properties).toMatchObject({
      AuthorizerType: 'JWT',
      IdentitySource: ['$request.header.Authorization'],
      JwtConfiguration: {
        Issuer: getAtt(logicalId(stack.identity.userPool), 'ProviderURL'),
        Audience: [{ Ref: logicalId(stack.identity.webClient) }],
      },
    });
  });

  it('logs access on the default stage and allows CORS for the contract headers', () => {
    template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      StageName: '$default',
      AutoDeploy: true,
      AccessLogSettings: { DestinationArn: Match.anyValue(), Format: Match.stringLikeRegexp('\\$context\\.requestId') },
    });
    template.hasResourceProperties('AWS::ApiGatewayV2::Api', {
      CorsConfiguration: { AllowHeaders: ['Authorization', 'Content-Type', 'Idempotency-Key'], AllowMethods: ['GET', 'POST', 'PUT'] },
    });
  });
});

describe('Cognito', () => {
  it('has one group per role', () => {
    const groups = ofType('AWS::Cognito::UserPoolGroup').map(([, g]) => g.Properties.GroupName);
    expect(groups.sort()).toEqual([...ROLES].sort());
  });

  it('declares custom:providerId, custom:district and custom:street (grid workers), readable but not writable by users', () => {
    const pool = props(logicalId(stack.identity.userPool));
    expect((pool.Schema as { Name: string }[]).map((a) => a.Name).sort()).toEqual(['district', 'providerId', 'street']);
    const client = props(logicalId(stack.identity.webClient));
    expect(client.ReadAttributes).toEqual(expect.arrayContaining(['custom:providerId', 'custom:district', 'custom:street']));
    expect((client.WriteAttributes as string[]).filter((a) => a.startsWith('custom:'))).toEqual([]);
  });

  it('has no hosted login unless the stage names its site', () => {
    expect(props(logicalId(stack.identity.webClient))).toMatchObject({ AllowedOAuthFlowsUserPoolClient: false });
    expect(ofType('AWS::Cognito::UserPoolDomain')).toEqual([]);
  });

  it("turns on the pages' hosted login for a stage's site: code flow only (PKCE), no secret, back to its sign-in page", () => {
    const staged = createApp({ context: { 'aws:cdk:bundling-stacks': [], webOrigin: 'https://huimin.example.gov.cn/', loginDomainPrefix: 'huimin-js' } }).stack;
    const t = Template.fromStack(staged);
    t.hasResourceProperties('AWS::Cognito::UserPoolClient', {
      AllowedOAuthFlows: ['code'],
      AllowedOAuthFlowsUserPoolClient: true,
      AllowedOAuthScopes: Match.arrayWith(['openid', 'profile']),
      CallbackURLs: ['https://huimin.example.gov.cn/signin.html'],
      LogoutURLs: ['https://huimin.example.gov.cn/signin.html'],
      GenerateSecret: false,
    });
    t.resourceCountIs('AWS::Cognito::UserPoolDomain', 1);
    t.hasResourceProperties('AWS::Cognito::UserPoolDomain', { Domain: 'huimin-js' });
    expect(Object.keys(t.findOutputs('OidcIssuer'))).toEqual(['OidcIssuer']);
  });

  it('has a strong password policy and enforced threat protection', () => {
    expect(props(logicalId(stack.identity.userPool))).toMatchObject({
      Policies: { PasswordPolicy: { MinimumLength: 12, RequireLowercase: true, RequireUppercase: true, RequireNumbers: true, RequireSymbols: true } },
      UserPoolTier: 'PLUS',
      UserPoolAddOns: { AdvancedSecurityMode: 'ENFORCED' },
      DeletionProtection: 'ACTIVE',
    });
  });
});

describe('event bus, subscriptions and schedules', () => {
  const rules = ofType('AWS::Events::Rule').map(([, r]) => r.Properties);
  const ruleFor = (name: (typeof FUNCTION_SPECS)[number][0], kind: 'pattern' | 'schedule') => {
    const found = rules.filter(
      (r) =>
        (r.Targets as { Arn: unknown }[])[0]?.Arn !== undefined &&
        JSON.stringify((r.Targets as { Arn: unknown }[])[0]?.Arn) === JSON.stringify(getAtt(functionId(name))) &&
        (kind === 'pattern' ? r.EventPattern !== undefined : r.ScheduleExpression !== undefined),
    );
    expect(found, `rules targeting ${name}`).toHaveLength(1);
    const [rule] = found;
    if (!rule) throw new Error(`no ${kind} rule for ${name}`);
    return { rule, target: (rule.Targets as Record<string, unknown>[])[0] };
  };
  const subscribers = FUNCTION_SPECS.filter(([, spec]) => spec.subscription !== undefined);
  const scheduled = FUNCTION_SPECS.filter(([, spec]) => spec.schedule !== undefined);

  it('archives every event of ours for a year', () => {
    template.hasResourceProperties('AWS::Events::Archive', {
      SourceArn: getAtt(busId),
      EventPattern: { source: [EVENT_SOURCE] },
      RetentionDays: ARCHIVE_RETENTION.toDays(),
    });
  });

  it('has one rule per subscription and per schedule, and no other', () => {
    expect(rules).toHaveLength(subscribers.length + scheduled.length);
  });

  it.each(subscribers)('%s: the rule on the bus holds exactly the wiring pattern, with retries and a DLQ', (name, spec) => {
    const { rule, target } = ruleFor(name, 'pattern');
    expect(rule.EventBusName).toEqual({ Ref: busId });
    expect(rule.EventPattern).toStrictEqual(JSON.parse(JSON.stringify(spec.subscription)));
    const dlqId = logicalId(wired(name).deadLetterQueue?.queue as sqs.Queue);
    expect(target).toMatchObject({
      RetryPolicy: { MaximumRetryAttempts: RULE_TARGET_RETRY_ATTEMPTS, MaximumEventAgeInSeconds: expect.any(Number) },
      DeadLetterConfig: { Arn: getAtt(dlqId) },
    });
    // Errors thrown by the function itself reach the same queue through Lambda's async DLQ.
    expect(props(functionId(name)).DeadLetterConfig).toEqual({ TargetArn: getAtt(dlqId) });
  });

  it.each(scheduled)('%s: a schedule rule on the default bus, with retries and a DLQ', (name, spec) => {
    const { rule, target } = ruleFor(name, 'schedule');
    expect(rule.ScheduleExpression).toBe(spec.schedule);
    expect(rule.EventBusName).toBeUndefined();
    const dlqId = logicalId(wired(name).deadLetterQueue?.queue as sqs.Queue);
    expect(target).toMatchObject({
      DeadLetterConfig: { Arn: getAtt(dlqId) },
      RetryPolicy: { MaximumRetryAttempts: RULE_TARGET_RETRY_ATTEMPTS, MaximumEventAgeInSeconds: expect.any(Number) },
    });
  });

  it('gives every dead-letter queue encryption, TLS-only access and exactly one alarm at the first message', () => {
    const queues = ofType('AWS::SQS::Queue');
    expect(queues).toHaveLength(subscribers.length + scheduled.length + 1); // + the pipe's
    const alarms = ofType('AWS::CloudWatch::Alarm').map(([, a]) => a.Properties);
    expect(alarms).toHaveLength(queues.length);
    for (const [queueId, queue] of queues) {
      expect(queue.Properties.SqsManagedSseEnabled).toBe(true);
      const forQueue = alarms.filter(
        (a) => JSON.stringify(a.Dimensions) === JSON.stringify([{ Name: 'QueueName', Value: getAtt(queueId, 'QueueName') }]),
      );
      expect(forQueue).toHaveLength(1);
      expect(forQueue[0]).toMatchObject({
        Namespace: 'AWS/SQS',
        MetricName: 'ApproximateNumberOfMessagesVisible',
        ComparisonOperator: 'GreaterThanThreshold',
        Threshold: 0,
        AlarmActions: [{ Ref: stack.getLogicalId(stack.alarmTopic.node.defaultChild as CfnResource) }],
      });
      template.hasResourceProperties('AWS::SQS::QueuePolicy', {
        Queues: [{ Ref: queueId }],
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
          ]),
        },
      });
    }
  });
});

describe('outbox pipe', () => {
  const pipe = props(stack.getLogicalId(stack.outbox.pipe));
  const source = (pipe.SourceParameters as Record<string, Record<string, unknown>>).DynamoDBStreamParameters;

  it('reads the table stream from LATEST in batches of 10 with bounded retries and a DLQ', () => {
    expect(pipe.Source).toEqual(getAtt(tableId, 'StreamArn'));
    expect(source).toMatchObject({
      StartingPosition: 'LATEST',
      BatchSize: PIPE_BATCH_SIZE,
      DeadLetterConfig: { Arn: getAtt(logicalId(stack.outbox.deadLetterQueue.queue)) },
    });
    expect(PIPE_BATCH_SIZE).toBe(10);
    // Bounded (-1, the default, retries until the record expires from the stream, blocking its shard).
    expect(source?.MaximumRetryAttempts).toBe(PIPE_MAX_RETRY_ATTEMPTS);
    expect(PIPE_MAX_RETRY_ATTEMPTS).toBeGreaterThan(0);
    expect(source?.MaximumRecordAgeInSeconds).toBeGreaterThan(0);
    expect(source?.OnPartialBatchItemFailure).toBe('AUTOMATIC_BISECT');
  });

  it('keeps only new outbox items, with the store’s filter as the one pattern', () => {
    const filters = (pipe.SourceParameters as { FilterCriteria: { Filters: { Pattern: string }[] } }).FilterCriteria.Filters;
    expect(filters).toHaveLength(1);
    expect(JSON.parse(filters[0]?.Pattern ?? 'null')).toEqual(OUTBOX_STREAM_FILTER);
  });

  it('enriches with its own function and targets the bus with source, detail-type and the detail template', () => {
    expect(pipe.Enrichment).toEqual(getAtt(logicalId(stack.outbox.enrichment.fn)));
    expect(pipe.Target).toEqual(getAtt(busId));
    expect(pipe.TargetParameters).toEqual({
      EventBridgeEventBusParameters: { Source: '$.source', DetailType: '$.detailType' },
      InputTemplate: detailInputTemplate(),
    });
    expect(detailInputTemplate(['data', 'metadata'])).toBe('{"data": <$.detail.data>, "metadata": <$.detail.metadata>}');
  });

  it('has a least-privilege role: stream read, key decrypt, invoke enrichment, put on the bus, send to its DLQ', () => {
    const roleId = logicalId(stack.outbox.role);
    expect(pipe.RoleArn).toEqual(getAtt(roleId));
    expect(props(roleId).AssumeRolePolicyDocument).toMatchObject({
      Statement: [{ Principal: { Service: 'pipes.amazonaws.com' }, Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } } }],
    });
    const statements = statementsOf(roleId);
    const allows = (action: string, resource: unknown) =>
      statements.some((s) => [s.Action].flat().includes(action) && JSON.stringify(s.Resource) === JSON.stringify(resource));
    expect(allows('dynamodb:GetRecords', getAtt(tableId, 'StreamArn'))).toBe(true);
    expect(allows('kms:Decrypt', getAtt(logicalId(stack.data.key)))).toBe(true);
    expect(allows('lambda:InvokeFunction', getAtt(logicalId(stack.outbox.enrichment.fn)))).toBe(true);
    expect(allows('events:PutEvents', getAtt(busId))).toBe(true);
    expect(allows('sqs:SendMessage', getAtt(logicalId(stack.outbox.deadLetterQueue.queue)))).toBe(true);
    // The only unscoped grant is ListStreams, which has no resource to scope to.
    expect(statements.filter((s) => JSON.stringify(s.Resource).includes('"*"')).flatMap((s) => [s.Action].flat())).toEqual([
      'dynamodb:ListStreams',
    ]);
    expect(actionsOf(roleId).some((a) => a.startsWith('dynamodb:Put') || a === 'dynamodb:*' || a === 'events:*')).toBe(false);
  });
});

describe('outputs', () => {
  it.each(['ApiUrl', 'UserPoolId', 'UserPoolClientId', 'EventBusName', 'TableName'])('exports %s', (name) => {
    template.hasOutput(name, { Value: Match.anyValue() });
  });
});

describe('cdk-nag (AWS Solutions)', () => {
  /** The same pack with acknowledgements ignored: every finding the stack would have without them. */
  function rawFindings(scope: IConstruct) {
    const pack = new AwsSolutionsChecks();
    Object.defineProperty(pack, 'isAcknowledged', { value: () => false });
    return pack.validateScope(scope).violations.flatMap((v) => v.violatingResources.map((r) => ({ rule: v.ruleName, path: r.constructPath })));
  }
  function acknowledgements(scope: IConstruct) {
    return scope.node.findAll().flatMap((c) =>
      c.node.metadata
        .filter((m) => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
        .flatMap((m) => Object.entries(m.data as Record<string, string>))
        .map(([id, reason]) => ({ path: c.node.path, rule: id.replace(/^annotation::/i, ''), reason })),
    );
  }

  it('reports no unacknowledged finding', () => {
    expect(new AwsSolutionsChecks().validateScope(app).violations).toEqual([]);
  });

  it('acknowledges only findings that exist, each in its own subtree and with a real reason', () => {
    const findings = rawFindings(app);
    const acks = acknowledgements(app);
    expect(acks.length).toBeGreaterThan(0);
    for (const ack of acks) {
      expect(ack.reason.length, `${ack.rule} at ${ack.path}`).toBeGreaterThan(40);
      const matched = findings.some((f) => f.rule === ack.rule && (f.path === ack.path || `${f.path}`.startsWith(`${ack.path}/`)));
      expect(matched, `stale acknowledgement ${ack.rule} at ${ack.path}`).toBe(true);
    }
    // None sits on the stack or app as a blanket.
    expect(acks.filter((a) => a.path === stack.node.path || a.path === '')).toEqual([]);
  });

  it('does fail on a non-compliant resource (the check is not vacuous)', () => {
    const probeApp = new App();
    const probe = new Stack(probeApp, 'Probe');
    new sqs.Queue(probe, 'Plain', { encryption: sqs.QueueEncryption.UNENCRYPTED });
    const rules = new AwsSolutionsChecks().validateScope(probeApp).violations.map((v) => v.ruleName);
    expect(rules).toEqual(expect.arrayContaining(['AwsSolutions-SQS2', 'AwsSolutions-SQS3', 'AwsSolutions-SQS4']));
  });
});
