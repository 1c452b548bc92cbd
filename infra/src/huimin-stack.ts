import { EVENT_SOURCE } from '@huimin/events';
import { FUNCTION_SPECS, type FunctionName, type SecretName } from '@huimin/functions/wiring';
import { CfnOutput, Duration, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sns from 'aws-cdk-lib/aws-sns';
import type { Construct } from 'constructs';
import { DataStore } from './constructs/data-store';
import { HttpApi } from './constructs/http-api';
import { Identity } from './constructs/identity';
import { OutboxPipe } from './constructs/outbox-pipe';
import { WiredFunction } from './constructs/wired-function';

export const ARCHIVE_RETENTION = Duration.days(365);

const pascal = (name: string): string => name.charAt(0).toUpperCase() + name.slice(1);

/**
 * The whole backend, built from the wiring table (functions/src/wiring.ts) and the store's table
 * definition: nothing here names a route, a pattern or a handler of its own.
 */
export class HuiminStack extends Stack {
  readonly data: DataStore;
  readonly bus: events.EventBus;
  readonly functions: ReadonlyMap<FunctionName, WiredFunction>;
  readonly identity: Identity;
  readonly http: HttpApi;
  readonly outbox: OutboxPipe;
  /** Where every dead-letter alarm goes; subscribe on-call to it. */
  readonly alarmTopic: sns.Topic;
  /** The secrets functions read at cold start, by the wiring's names. */
  readonly secrets: Record<SecretName, secretsmanager.Secret>;

  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, {
      description: 'Huimin (惠民): matching elderly residents and families to care providers',
      ...props,
    });

    this.data = new DataStore(this, 'Data');

    this.bus = new events.EventBus(this, 'Bus', { description: 'Huimin domain events (outbox → pipe → bus)' });
    // A year of every event we publish, so a consumer's history can be replayed after a fix.
    this.bus.archive('Archive', {
      description: `Every ${EVENT_SOURCE} event`,
      eventPattern: { source: [EVENT_SOURCE] },
      retention: ARCHIVE_RETENTION,
    });

    const alarmTopic = new sns.Topic(this, 'AlarmTopic', {
      displayName: 'Huimin alarms (dead-letter queues)',
      enforceSSL: true,
    });
    this.alarmTopic = alarmTopic;

    // Secrets the functions read at cold start, by the wiring's names; none is rotated by a Lambda.
    const hmacKey = (id: string, description: string, whyNoRotationLambda: string) => {
      const secret = new secretsmanager.Secret(this, id, { description, generateSecretString: { passwordLength: 64, excludePunctuation: true } });
      Validations.of(secret).acknowledge({ id: 'AwsSolutions-SMG4', reason: whyNoRotationLambda });
      return secret;
    };
    this.secrets = {
      // The low-income registry stores HMACs of ID numbers under this key (packages/store).
      registry: hmacKey(
        'RegistryHmacKey',
        'HMAC key of the low-income registry (ID numbers are stored only as HMACs under it)',
        'Rotating this key would orphan every registry entry hashed under it; it is rotated by re-importing the registry under a new key, not by a rotation Lambda.',
      ),
      // Page tokens are signed (packages/store/src/page-tokens.ts) with one key every list function shares.
      pageTokens: hmacKey(
        'PageTokenKey',
        'HMAC key of the page tokens list routes hand out (nextToken)',
        'Rotating it only ends the page tokens in flight (a client asks for the first page again); it is rotated by replacing the secret, without a rotation Lambda.',
      ),
    };

    const functions = new Map<FunctionName, WiredFunction>();
    for (const [name, spec] of FUNCTION_SPECS) {
      functions.set(
        name,
        new WiredFunction(this, pascal(name), {
          name,
          spec,
          table: this.data.table,
          tableKey: this.data.key,
          bus: this.bus,
          alarmTopic,
          secrets: this.secrets,
        }),
      );
    }
    this.functions = functions;

    // The stage's site and hosted login (cdk.json or `-c webOrigin=… -c loginDomainPrefix=…`); without them no hosted login.
    const webOrigin: unknown = this.node.tryGetContext('webOrigin');
    const loginDomainPrefix: unknown = this.node.tryGetContext('loginDomainPrefix');
    this.identity = new Identity(this, 'Identity', {
      ...(typeof webOrigin === 'string' && webOrigin ? { webOrigin } : {}),
      ...(typeof loginDomainPrefix === 'string' && loginDomainPrefix ? { loginDomainPrefix } : {}),
    });
    this.http = new HttpApi(this, 'Http', {
      specs: FUNCTION_SPECS,
      functions: new Map<FunctionName, IFunction>([...functions].map(([name, wired]) => [name, wired.fn])),
      userPool: this.identity.userPool,
      userPoolClient: this.identity.webClient,
    });

    this.outbox = new OutboxPipe(this, 'Outbox', { table: this.data.table, bus: this.bus, alarmTopic });

    new CfnOutput(this, 'ApiUrl', { value: this.http.stage.url, description: 'HTTP API base URL' });
    new CfnOutput(this, 'UserPoolId', { value: this.identity.userPool.userPoolId });
    new CfnOutput(this, 'UserPoolClientId', { value: this.identity.webClient.userPoolClientId });
    if (this.identity.loginDomain) {
      // The issuer and client the site's config.json names (packages/local/public/oidc.js).
      new CfnOutput(this, 'OidcIssuer', { value: `https://cognito-idp.${this.region}.${this.urlSuffix}/${this.identity.userPool.userPoolId}`, description: "The site's config.json: oidc.issuer" });
    }
    new CfnOutput(this, 'EventBusName', { value: this.bus.eventBusName });
    new CfnOutput(this, 'TableName', { value: this.data.table.tableName });
    new CfnOutput(this, 'AlarmTopicArn', { value: alarmTopic.topicArn, description: 'Subscribe on-call here' });
  }
}
