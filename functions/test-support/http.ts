import type { APIGatewayProxyEventV2WithJWTAuthorizer, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { DISTRICT } from './records';

export type Claims = Record<string, string | number | boolean | string[]>;

/**
 * Claims as API Gateway's HTTP API JWT authorizer passes them on: arrays flattened to text
 * (`"[family]"`). `groupsAsArray` gives the form the local stack passes.
 */
export const claims = {
  family: (sub = 'fam-1'): Claims => ({ sub, 'cognito:groups': '[family]' }),
  provider: (providerId = 'p-near', sub = 'prov-user-1'): Claims => ({ sub, 'cognito:groups': '[provider]', 'custom:providerId': providerId }),
  staff: (district = DISTRICT, sub = 'staff-1'): Claims => ({ sub, 'cognito:groups': '[staff]', 'custom:district': district }),
  grid: (street = '仙林街道', district = DISTRICT, sub = 'grid-7'): Claims => ({ sub, 'cognito:groups': '[grid]', 'custom:district': district, 'custom:street': street }),
};

export function groupsAsArray(c: Claims): Claims {
  const groups = c['cognito:groups'];
  return { ...c, 'cognito:groups': typeof groups === 'string' ? groups.replace(/^\[|\]$/g, '').split(/\s+/).filter(Boolean) : [] };
}

export interface HttpEventOptions {
  /** Claims of the verified token; `null` for a request that reached the function with none. */
  claims: Claims | null;
  /** An object is sent as JSON; a string is sent as it is. */
  body?: unknown;
  headers?: Record<string, string>;
  pathParameters?: Record<string, string>;
  queryStringParameters?: Record<string, string>;
  requestId?: string;
}

/**
 * An API Gateway HTTP API (payload v2) event for `routeKey` (`POST /applications`). The raw path is
 * the route's template with the path parameters filled in.
 */
export function httpEvent(routeKey: string, opts: HttpEventOptions): APIGatewayProxyEventV2WithJWTAuthorizer {
  const [method = 'GET', template = '/'] = routeKey.split(' ');
  const rawPath = template.replace(/\{(\w+)\}/g, (_m, name: string) => opts.pathParameters?.[name] ?? `{${name}}`);
  const body = opts.body === undefined ? undefined : typeof opts.body === 'string' ? opts.body : JSON.stringify(opts.body);
  const headers: Record<string, string> = {
    accept: 'application/json',
    ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    ...(opts.claims ? { authorization: 'Bearer header.payload.signature' } : {}),
    ...opts.headers,
  };
  const query = opts.queryStringParameters;
  const requestId = opts.requestId ?? 'req-1';
  return {
    version: '2.0',
    routeKey,
    rawPath,
    rawQueryString: query ? new URLSearchParams(query).toString() : '',
    headers,
    ...(query ? { queryStringParameters: query } : {}),
    ...(opts.pathParameters ? { pathParameters: opts.pathParameters } : {}),
    ...(body === undefined ? {} : { body }),
    isBase64Encoded: false,
    requestContext: {
      accountId: '123456789012',
      apiId: 'api123',
      domainName: 'api123.execute-api.cn-northwest-1.amazonaws.com.cn',
      domainPrefix: 'api123',
      http: { method, path: rawPath, protocol: 'HTTP/1.1', sourceIp: '203.0.113.7', userAgent: 'vitest' },
      requestId,
      routeKey,
      stage: '$default',
      time: '27/Nov/2026:08:00:00 +0000',
      timeEpoch: Date.UTC(2026, 10, 27, 8),
      // With `claims: null` the authorizer passed nothing on: what the 401 path guards against.
      authorizer: { principalId: '', integrationLatency: 0, jwt: { claims: opts.claims ?? {}, scopes: [] } },
    },
  };
}

/** A middy handler's answer, with the JSON body parsed. */
export interface ParsedResponse {
  status: number;
  headers: Record<string, unknown>;
  body: unknown;
  rawBody: string;
}

export function parseResponse(res: APIGatewayProxyStructuredResultV2): ParsedResponse {
  const rawBody = res.body ?? '';
  return { status: res.statusCode ?? 200, headers: res.headers ?? {}, body: rawBody ? JSON.parse(rawBody) : undefined, rawBody };
}

/** CONTRACT.md's error body. */
export interface ErrorBody {
  error: { code: string; message: string; messageZh: string; issues?: { path: string; message: string }[]; requestId: string };
}

export function errorOf(res: ParsedResponse): ErrorBody['error'] {
  return (res.body as ErrorBody).error;
}

/** The field paths an error names, in order. */
export function issuePaths(res: ParsedResponse): string[] {
  return (errorOf(res).issues ?? []).map((i) => i.path);
}
