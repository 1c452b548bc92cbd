import { ERROR_CODES, type ErrorCode, publishedJsonSchema } from '@huimin/domain';
import { z } from 'zod';
import { FUNCTION_SPECS, type HttpRoute } from '../../wiring';
import { HTTP_SCHEMAS, type HttpSchemas } from './schema';

const errorBody = z.object({
  error: z.object({
    code: z
      .enum(Object.keys(ERROR_CODES) as [ErrorCode, ...ErrorCode[]])
      .describe(
        Object.entries(ERROR_CODES)
          .map(([code, { status, description }]) => `${code} (${status}): ${description}`)
          .join('; '),
      ),
    message: z.string(),
    messageZh: z.string(),
    issues: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
    requestId: z.string(),
  }),
});

/** Requests are documented as clients send them (before defaults), responses as clients receive them. */
const jsonSchema = (s: z.ZodType, io: 'input' | 'output' = 'input') => publishedJsonSchema(s, io);

const ERROR_RESPONSES = {
  '400': 'Bad input; `issues` names each field / 输入有误',
  '401': 'No or bad token / 未认证',
  '403': "Wrong role or another district's data / 无权限",
  '404': 'Not found or not yours / 未找到',
  '409': 'Conflicting state change / 状态冲突',
  '413': 'Body over 64 KiB / 请求过大',
  '415': 'Body not JSON / 请求内容类型必须为 application/json',
  '422': 'Idempotency-Key reused with another body / 幂等键冲突',
};

/** The OpenAPI 3.1 document, derived from the wiring table and each function's request and response schemas. */
export function buildOpenApiDocument() {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const [name, spec] of FUNCTION_SPECS) {
    for (const route of (spec.http ?? []) as readonly HttpRoute[]) {
      const { request: schemas, response, successStatus, contentType } = HTTP_SCHEMAS[name as keyof typeof HTTP_SCHEMAS] as HttpSchemas;
      const parameters: unknown[] = [];
      for (const where of ['path', 'query'] as const) {
        const s = schemas[where];
        if (!s) continue;
        const js = jsonSchema(s) as { properties?: Record<string, unknown>; required?: string[] };
        for (const [pname, pschema] of Object.entries(js.properties ?? {})) {
          parameters.push({ name: pname, in: where, required: where === 'path' || (js.required ?? []).includes(pname), schema: pschema });
        }
      }
      if (name === 'submitApplication') {
        parameters.push({ name: 'Idempotency-Key', in: 'header', required: false, schema: { type: 'string', maxLength: 128 } });
      }
      paths[route.path] ??= {};
      paths[route.path]![route.method.toLowerCase()] = {
        operationId: name,
        summary: spec.description,
        ...(route.roles === 'public' ? { security: [] } : { 'x-roles': route.roles }),
        ...(parameters.length ? { parameters } : {}),
        ...(schemas.body ? { requestBody: { required: true, content: { 'application/json': { schema: jsonSchema(schemas.body) } } } } : {}),
        responses: {
          [successStatus ?? (name === 'submitApplication' || name === 'runAllocationRound' ? 202 : name === 'registerProvider' ? 201 : 200)]: {
            description: response.description ?? 'OK',
            content: { [contentType ?? 'application/json']: { schema: jsonSchema(response, 'output') } },
          },
          ...(route.roles === 'public'
            ? {}
            : Object.fromEntries(
                Object.entries(ERROR_RESPONSES).map(([code, description]) => [
                  code,
                  { description, content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } },
                ]),
              )),
        },
      };
    }
  }
  return {
    openapi: '3.1.0' as const,
    info: { title: 'Huimin 惠民 — care service matching API', version: '1.0.0' },
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
      schemas: { Error: jsonSchema(errorBody) },
    },
    security: [{ bearer: [] }],
    paths,
  };
}
