import {
  AppError,
  ConflictError,
  MalformedRequestError,
  PayloadTooLargeError,
  parseWith,
  UnsupportedMediaTypeError,
  ValidationError,
} from '@huimin/domain';
import { InvalidPageTokenError, TransactionConflictError } from '@huimin/store';
import middy, { type MiddlewareObj } from '@middy/core';
import type { APIGatewayProxyEventV2WithJWTAuthorizer, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import type { z } from 'zod';
import { FUNCTIONS, type FunctionName, type FunctionSpec, type HttpRoute, type Role, routeKeyOf } from '../wiring';
import { type Actor, actorFrom } from './actor';
import { type Deps, getDeps } from './config';
import { logger } from './logger';

export type HttpEvent = APIGatewayProxyEventV2WithJWTAuthorizer;
export type HttpResponse = APIGatewayProxyStructuredResultV2;

export const MAX_BODY_BYTES = 64 * 1024;

const JSON_HEADERS = { 'content-type': 'application/json; charset=utf-8' };

/** Store failures that are the client's to resolve, in the contract's terms. */
function toAppError(err: unknown): AppError | undefined {
  if (err instanceof AppError) return err;
  if (err instanceof InvalidPageTokenError) return new ValidationError([{ path: 'nextToken', message: '分页令牌无效 / nextToken is not valid' }]);
  // Someone else changed the record between our read and our write: a 409, to reload and retry.
  if (err instanceof TransactionConflictError) return new ConflictError('The record changed meanwhile; reload and try again', '数据已被更新，请刷新后重试');
  return undefined;
}

/** CONTRACT.md's error body. Below 500 the message is the error's; at 500 it says nothing inside. */
export function errorResponse(err: unknown, requestId: string): HttpResponse {
  const known = toAppError(err);
  if (!known) {
    logger.error('Unhandled error', { requestId, error: err as Error });
    return {
      statusCode: 500,
      headers: JSON_HEADERS,
      body: JSON.stringify({
        error: { code: 'INTERNAL', message: 'Something went wrong on our side', messageZh: '系统内部错误，请稍后再试', requestId },
      }),
    };
  }
  return {
    statusCode: known.status,
    headers: JSON_HEADERS,
    body: JSON.stringify({
      error: {
        code: known.code,
        message: known.message,
        messageZh: known.messageZh,
        ...(known.issues ? { issues: known.issues } : {}),
        ...known.details,
        requestId,
      },
    }),
  };
}

/** The one error middleware: every failure leaves as CONTRACT.md's body. */
export const httpErrors = (): MiddlewareObj<HttpEvent, HttpResponse> => ({
  onError: (request) => {
    request.response = errorResponse(request.error, request.event.requestContext?.requestId ?? 'unknown');
  },
});

/** The roles the wiring admits to function F's routes. */
type RolesOf<F extends FunctionName> = (typeof FUNCTIONS)[F] extends { http: readonly { roles: infer R }[] }
  ? R extends readonly (infer Role)[]
    ? Role
    : never
  : never;
/** Who can be calling function F: the wiring's roles, as actors (so handlers need no role checks). */
export type ActorOf<F extends FunctionName> = Extract<Actor, { role: RolesOf<F> }>;

export interface HttpRequest<B, Q, P, A extends Actor = Actor> {
  actor: A;
  body: B;
  query: Q;
  path: P;
  rawBody: string;
  headers: Record<string, string | undefined>;
  requestId: string;
}

export interface HttpResult<T = unknown> {
  status: number;
  body?: T;
  /** Extra response headers (a download's file name). */
  headers?: Record<string, string>;
}

function routeFor(fn: FunctionName, routeKey: string): HttpRoute {
  const spec: FunctionSpec = FUNCTIONS[fn];
  const routes = spec.http ?? [];
  const route = routes.find((r) => routeKeyOf(r) === routeKey) ?? routes[0];
  if (!route) throw new Error(`${fn} has no HTTP route in the wiring`);
  return route;
}

function readBody(event: HttpEvent): { raw: string; json: unknown } {
  const raw = event.body ? (event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body) : '';
  if (Buffer.byteLength(raw, 'utf8') > MAX_BODY_BYTES) throw new PayloadTooLargeError(MAX_BODY_BYTES);
  if (raw.trim() === '') return { raw, json: undefined };
  const type = event.headers?.['content-type'] ?? event.headers?.['Content-Type'] ?? '';
  if (!/^application\/(.+\+)?json\b/i.test(type.trim())) throw new UnsupportedMediaTypeError();
  try {
    return { raw, json: JSON.parse(raw) };
  } catch {
    throw new MalformedRequestError('The body is not valid JSON', '请求内容不是有效的 JSON');
  }
}

function parsePart<S extends z.ZodType>(schema: S | undefined, input: unknown, where: string): z.output<S> | undefined {
  if (!schema) return undefined;
  const parsed = parseWith(schema, input ?? {});
  if (!parsed.ok) {
    throw new ValidationError(parsed.issues.map((i) => ({ ...i, path: where === 'body' ? i.path : `${where}.${i.path}` })));
  }
  return parsed.value;
}

type Out<S> = S extends z.ZodType ? z.output<S> : undefined;

/**
 * A thin HTTP handler: the wiring says who may call it; its folder's schema.ts says what it takes
 * (`request`) and what it answers (`response`, the schema the OpenAPI document shows). `run` gets
 * parsed, authorised input and the module-scope dependencies, and returns a status and a body the
 * `response` schema accepts: a body that does not match the document does not compile.
 */
export function httpHandler<
  F extends FunctionName,
  R extends z.ZodType,
  B extends z.ZodType | undefined = undefined,
  Q extends z.ZodType | undefined = undefined,
  P extends z.ZodType | undefined = undefined,
>(
  fn: F,
  { request: schemas, response, contentType }: { request: { body?: B; query?: Q; path?: P }; response: R; contentType?: string },
  run: (req: HttpRequest<Out<B>, Out<Q>, Out<P>, ActorOf<F>>, deps: Deps) => Promise<HttpResult<z.input<R>>>,
) {
  return middy<HttpEvent, HttpResponse, Error, Context>()
    .use(httpErrors())
    .handler(async (event) => {
      const route = routeFor(fn, event.routeKey);
      const requestId = event.requestContext?.requestId ?? 'unknown';
      const roles = route.roles as readonly Role[];
      // actorFrom admits only the wiring's roles for this route, which is what ActorOf<F> says.
      const actor = actorFrom(event.requestContext?.authorizer?.jwt?.claims, roles) as ActorOf<F>;
      const { raw, json } = readBody(event);
      const req: HttpRequest<Out<B>, Out<Q>, Out<P>, ActorOf<F>> = {
        actor,
        body: parsePart(schemas.body, json, 'body') as Out<B>,
        query: parsePart(schemas.query, event.queryStringParameters, 'query') as Out<Q>,
        path: parsePart(schemas.path, event.pathParameters, 'path') as Out<P>,
        rawBody: raw,
        headers: lowerCaseKeys(event.headers ?? {}),
        requestId,
      };
      const result = await run(req, await getDeps());
      // The documented shape, enforced: keys a view did not declare (a phone number on a record,
      // say) are dropped rather than sent; a body that breaks the schema is our bug, a logged 500.
      const body = result.body === undefined ? undefined : response.parse(result.body);
      // A schema folder that names another content type (a CSV file) answers its text as it is.
      if (contentType) return { statusCode: result.status, headers: { 'content-type': contentType, ...result.headers }, body: String(body ?? '') };
      return {
        statusCode: result.status,
        headers: { ...JSON_HEADERS, ...result.headers },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      };
    });
}

/** Routes that carry no token (health, the OpenAPI document); `response` as for httpHandler. */
export function publicHandler<R extends z.ZodType>(_schemas: { response: R }, run: () => Promise<HttpResult<z.input<R>>>) {
  return middy<HttpEvent, HttpResponse, Error, Context>()
    .use(httpErrors())
    .handler(async () => {
      const result = await run();
      return { statusCode: result.status, headers: JSON_HEADERS, body: JSON.stringify(result.body) };
    });
}

function lowerCaseKeys(h: Record<string, string | undefined>): Record<string, string | undefined> {
  return Object.fromEntries(Object.entries(h).map(([k, v]) => [k.toLowerCase(), v]));
}
