import { type FunctionName, type FunctionSpec, routeKeyOf } from '@huimin/functions/wiring';
import { RemovalPolicy, Validations } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import * as apigw from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpJwtAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type * as cognito from 'aws-cdk-lib/aws-cognito';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { LOG_RETENTION } from './node-function';

export interface HttpApiProps {
  specs: readonly (readonly [FunctionName, FunctionSpec])[];
  functions: ReadonlyMap<FunctionName, IFunction>;
  userPool: cognito.UserPool;
  userPoolClient: cognito.IUserPoolClient;
}

/**
 * The public HTTP API: one route per wiring route. A route open to roles carries the Cognito JWT authorizer
 * (API Gateway checks signature, expiry, issuer and audience; the handler checks the `cognito:groups` and
 * `custom:*` claims); a `public` route carries none.
 */
export class HttpApi extends Construct {
  readonly api: apigw.HttpApi;
  readonly stage: apigw.HttpStage;

  constructor(scope: Construct, id: string, props: HttpApiProps) {
    super(scope, id);
    this.api = new apigw.HttpApi(this, 'Api', {
      apiName: 'huimin',
      description: 'Huimin (惠民): applications, assignments, subsidies, providers and reports',
      createDefaultStage: false,
      corsPreflight: {
        allowOrigins: ['*'],
        allowMethods: [apigw.CorsHttpMethod.GET, apigw.CorsHttpMethod.POST, apigw.CorsHttpMethod.PUT],
        allowHeaders: ['Authorization', 'Content-Type', 'Idempotency-Key'],
      },
    });

    const accessLogs = new logs.LogGroup(this, 'AccessLogs', {
      retention: LOG_RETENTION,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.stage = this.api.addStage('DefaultStage', {
      stageName: '$default',
      autoDeploy: true,
      throttle: { rateLimit: 200, burstLimit: 400 },
      accessLogSettings: {
        destination: new apigw.LogGroupLogDestination(accessLogs),
        // No request bodies or query strings: they may hold resident ID numbers.
        format: AccessLogFormat.custom(
          JSON.stringify({
            requestId: '$context.requestId',
            requestTime: '$context.requestTime',
            sourceIp: '$context.identity.sourceIp',
            routeKey: '$context.routeKey',
            status: '$context.status',
            responseLength: '$context.responseLength',
            latencyMs: '$context.responseLatency',
            sub: '$context.authorizer.claims.sub',
            authorizerError: '$context.authorizer.error',
            integrationError: '$context.integrationErrorMessage',
          }),
        ),
      },
    });

    const jwt = new HttpJwtAuthorizer('CognitoJwt', props.userPool.userPoolProviderUrl, {
      jwtAudience: [props.userPoolClient.userPoolClientId],
    });
    const none = new apigw.HttpNoneAuthorizer();

    for (const [name, spec] of props.specs) {
      if (!spec.http?.length) continue;
      const fn = props.functions.get(name);
      if (!fn) throw new Error(`wiring: no function built for ${name}`);
      const integration = new HttpLambdaIntegration(`${name}Integration`, fn);
      for (const route of spec.http) {
        const isPublic = route.roles === 'public';
        const httpRoute = new apigw.HttpRoute(this, routeKeyOf(route), {
          httpApi: this.api,
          routeKey: apigw.HttpRouteKey.with(route.path, apigw.HttpMethod[route.method]),
          integration,
          authorizer: isPublic ? none : jwt,
        });
        if (isPublic) {
          Validations.of(httpRoute).acknowledge({
            id: 'AwsSolutions-APIG4',
            reason: `${routeKeyOf(route)} is public by contract (CONTRACT.md: liveness and the OpenAPI document need no token); it reads nothing about any person.`,
          });
        }
      }
    }
  }
}
