import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import { MalformedRequestError, NotFoundError, PayloadTooLargeError, parseWith, UnauthorizedError, ValidationError } from '@huimin/domain';
import { errorResponse } from '@huimin/functions/http';
import { FUNCTION_SPECS, type FunctionName, type HttpRoute, routeKeyOf } from '@huimin/functions/wiring';
import type { APIGatewayProxyEventV2WithJWTAuthorizer, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { lambdaContext } from './bus';
import type { DemoIdentity } from './seed';
import { type LocalTokens, tokenRequestSchema } from './tokens';

const PUBLIC_DIR = fileURLToPath(new URL('../public/', import.meta.url));
/** API Gateway accepts up to 10 MB; beyond this the local server refuses before reading on. */
const HARD_BODY_LIMIT = 1024 * 1024;

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
};

export type HttpInvoke = (fn: FunctionName, event: APIGatewayProxyEventV2WithJWTAuthorizer) => Promise<APIGatewayProxyStructuredResultV2>;

interface CompiledRoute {
  fn: FunctionName;
  route: HttpRoute;
  regex: RegExp;
  params: string[];
}

/** The wiring's routes as matchers: `/applications/{id}` → `^/applications/([^/]+)$`. */
export function compileRoutes(): CompiledRoute[] {
  return FUNCTION_SPECS.flatMap(([fn, spec]) =>
    ((spec.http ?? []) as readonly HttpRoute[]).map((route) => {
      const params: string[] = [];
      const source = route.path.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{(\w+)\}/g, (_m, name: string) => {
        params.push(name);
        return '([^/]+)';
      });
      return { fn, route, regex: new RegExp(`^${source}$`), params };
    }),
  );
}

function send(res: ServerResponse, r: APIGatewayProxyStructuredResultV2) {
  res.writeHead(r.statusCode ?? 200, { 'cache-control': 'no-store', ...(r.headers as Record<string, string>) });
  res.end(r.body ?? '');
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > HARD_BODY_LIMIT) throw new PayloadTooLargeError(HARD_BODY_LIMIT);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * The local HTTP API: the wiring's routes, each request checked for a valid token as the JWT
 * authorizer would, then handed to the function as an API Gateway HTTP API (v2) event.
 */
export function createLocalServer(deps: { tokens: LocalTokens; invoke: HttpInvoke; identities?: readonly DemoIdentity[] }): Server {
  const routes = compileRoutes();
  const server = createServer(async (req, res) => {
    const requestId = randomUUID();
    try {
      const url = new URL(req.url ?? '/', 'http://localhost');
      const method = (req.method ?? 'GET').toUpperCase();
      if (method === 'POST' && url.pathname === '/local/token') {
        const body = await readBody(req);
        let json: unknown;
        try {
          json = JSON.parse(body || '{}');
        } catch {
          throw new ValidationError([{ path: '(body)', message: '请求内容不是有效的 JSON / The body is not valid JSON' }]);
        }
        const parsed = parseWith(tokenRequestSchema, json);
        if (!parsed.ok) throw new ValidationError(parsed.issues);
        return send(res, { statusCode: 200, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ token: await deps.tokens.sign(parsed.value) }) });
      }
      // The local sign-in page's list of demo people (never in the CDK stack, like /local/token).
      if (method === 'GET' && url.pathname === '/local/identities') {
        return send(res, { statusCode: 200, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ items: deps.identities ?? [] }) });
      }
      let matched: { compiled: CompiledRoute; params: Record<string, string> } | undefined;
      for (const compiled of routes) {
        if (compiled.route.method !== method) continue;
        const m = compiled.regex.exec(url.pathname);
        if (!m) continue;
        matched = { compiled, params: Object.fromEntries(compiled.params.map((p, i) => [p, m[i + 1] ?? ''])) };
        break;
      }
      if (!matched) {
        if (method === 'GET' && (await serveStatic(url.pathname, res))) return;
        throw new NotFoundError(`Route ${method} ${url.pathname}`, `接口 ${method} ${url.pathname}`);
      }
      const { compiled } = matched;
      let claims: Record<string, unknown> = {};
      if (compiled.route.roles !== 'public') {
        const verified = await deps.tokens.verify(req.headers.authorization);
        if (!verified) throw new UnauthorizedError();
        claims = verified;
      }
      const params = Object.fromEntries(Object.entries(matched.params).map(([k, v]) => [k, decodePathParameter(v)]));
      const body = await readBody(req);
      const headers = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k.toLowerCase(), Array.isArray(v) ? v.join(',') : (v ?? '')]));
      const query: Record<string, string> = {};
      for (const [k, v] of url.searchParams) query[k] = query[k] === undefined ? v : `${query[k]},${v}`;
      const now = new Date();
      const event: APIGatewayProxyEventV2WithJWTAuthorizer = {
        version: '2.0',
        routeKey: routeKeyOf(compiled.route),
        rawPath: url.pathname,
        rawQueryString: url.search.replace(/^\?/, ''),
        headers,
        ...(Object.keys(query).length ? { queryStringParameters: query } : {}),
        ...(Object.keys(params).length ? { pathParameters: params } : {}),
        requestContext: {
          accountId: '000000000000',
          apiId: 'local',
          authorizer: { principalId: '', integrationLatency: 0, jwt: { claims: claims as Record<string, string>, scopes: [] } },
          domainName: req.headers.host ?? 'localhost',
          domainPrefix: 'localhost',
          http: { method, path: url.pathname, protocol: 'HTTP/1.1', sourceIp: req.socket.remoteAddress ?? '127.0.0.1', userAgent: req.headers['user-agent'] ?? '' },
          requestId,
          routeKey: routeKeyOf(compiled.route),
          stage: '$default',
          time: now.toISOString(),
          timeEpoch: now.getTime(),
        },
        ...(body ? { body } : {}),
        isBase64Encoded: false,
      };
      send(res, await deps.invoke(compiled.fn, event));
    } catch (err) {
      send(res, errorResponse(err, requestId));
    }
  });
  // A request Node cannot parse (a raw non-ASCII byte in the request line) still gets the contract's body.
  server.on('clientError', (_err, socket) => {
    if (!socket.writable) return socket.destroy();
    const { statusCode, body } = errorResponse(new MalformedRequestError('The request could not be parsed', '请求格式无法解析'), randomUUID());
    const text = String(body);
    socket.end(`HTTP/1.1 ${statusCode} Bad Request\r\ncontent-type: application/json; charset=utf-8\r\ncontent-length: ${Buffer.byteLength(text)}\r\nconnection: close\r\n\r\n${text}`);
  });
  return server;
}

/**
 * A path id as API Gateway hands it over: decoded, after the token is checked. Malformed
 * percent-encoding (`%ZZ`) stays as it came, so the role check still answers 403 and then the route's
 * path schema refuses it with a 400 naming `path.id`.
 */
function decodePathParameter(raw: string): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw;
  }
}

async function serveStatic(pathname: string, res: ServerResponse): Promise<boolean> {
  const rel = pathname === '/' ? 'index.html' : pathname.replace(/^\/+/, '');
  const file = normalize(join(PUBLIC_DIR, rel));
  if (!file.startsWith(PUBLIC_DIR)) return false;
  try {
    const content = await readFile(file);
    res.writeHead(200, { 'content-type': MIME[extname(file)] ?? 'application/octet-stream', 'cache-control': 'no-store' });
    res.end(content);
    return true;
  } catch {
    return false;
  }
}

export { lambdaContext };
