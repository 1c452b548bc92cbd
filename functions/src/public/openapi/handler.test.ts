import '../../../test-support/setup';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { publishedJsonSchema } from '@huimin/domain';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import type { DocumentClientMock } from '../../../test-support/dynamodb';
import { httpEvent, parseResponse } from '../../../test-support/http';
import { fakeContext } from '../../../test-support/lambda';
import { FUNCTION_SPECS, type HttpRoute } from '../../wiring';
import { buildOpenApiDocument } from './document';
import { handler } from './handler';
import { HTTP_SCHEMAS, type HttpSchemas } from './schema';

const ddb: DocumentClientMock = mockClient(DynamoDBDocumentClient);

interface OpenApiDocument {
  openapi: string;
  paths: Record<string, Record<string, { operationId: string; security?: unknown[]; responses: Record<string, unknown> }>>;
  components: { schemas: Record<string, unknown> };
}

async function fetchDocument() {
  const res = parseResponse(await handler(httpEvent('GET /openapi.json', { claims: null }), fakeContext('openapi')));
  return { res, doc: res.body as OpenApiDocument };
}

const routes = FUNCTION_SPECS.flatMap(([name, spec]) => ((spec.http ?? []) as readonly HttpRoute[]).map((r) => ({ name, ...r })));

beforeEach(() => {
  ddb.reset();
});

describe('GET /openapi.json', () => {
  it('answers an OpenAPI 3.1 document without a token, touching no table', async () => {
    const { res, doc } = await fetchDocument();

    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.components.schemas).toHaveProperty('Error');
    expect(ddb).not.toHaveReceivedAnyCommand();
  });

  it('has every HTTP route of the wiring table', async () => {
    const { doc } = await fetchDocument();

    expect(routes.length).toBeGreaterThan(0);
    for (const route of routes) {
      expect(doc.paths, `${route.method} ${route.path}`).toHaveProperty([route.path, route.method.toLowerCase(), 'operationId'], route.name);
    }
    // And nothing the wiring does not serve.
    const documented = Object.entries(doc.paths).flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`));
    expect(documented.sort()).toEqual(routes.map((r) => `${r.method} ${r.path}`).sort());
  });

  it('documents the Idempotency-Key header and a 202 for submitting an application', async () => {
    const { doc } = await fetchDocument();

    const submit = doc.paths['/applications']?.post as unknown as { parameters: { name: string; in: string }[]; responses: Record<string, unknown> };
    expect(submit.parameters).toContainEqual(expect.objectContaining({ name: 'Idempotency-Key', in: 'header' }));
    expect(submit.responses).toHaveProperty('202');
    expect(submit.responses).toHaveProperty('422');
  });

  it('documents a 202 for starting an allocation round, which runs asynchronously', async () => {
    const { doc } = await fetchDocument();

    expect(doc.paths['/allocation-rounds']?.post?.responses).toHaveProperty('202');
    expect(doc.paths['/allocation-rounds']?.post?.responses).not.toHaveProperty('200');
    expect(doc.paths['/allocation-rounds/{id}']?.get?.responses).toHaveProperty('200');
  });

  it('documents the success body of every HTTP operation from its folder\'s response schema', async () => {
    const { doc } = await fetchDocument();

    for (const route of routes) {
      const responses = doc.paths[route.path]?.[route.method.toLowerCase()]?.responses ?? {};
      const success = Object.keys(responses).filter((code) => /^2\d\d$/.test(code));
      expect(success, `${route.method} ${route.path}`).toHaveLength(1);
      const schemas: HttpSchemas = HTTP_SCHEMAS[route.name as keyof typeof HTTP_SCHEMAS];
      const expected = publishedJsonSchema(schemas.response, 'output');
      expect(responses[success[0]!], `${route.method} ${route.path}`).toHaveProperty(['content', schemas.contentType ?? 'application/json', 'schema'], expected);
      // JSON bodies are objects; a file (the settlement's CSV) is its text.
      expect(expected, `${route.method} ${route.path}`).toHaveProperty('type', schemas.contentType ? 'string' : 'object');
    }
  });

  it('documents the list pages as {items, nextToken?}', async () => {
    const { doc } = await fetchDocument();

    for (const path of ['/applications', '/assignments', '/subsidies', '/providers']) {
      const ok = doc.paths[path]?.get?.responses['200'];
      expect(ok, path).toHaveProperty(['content', 'application/json', 'schema', 'required'], ['items']);
      expect(ok, path).toHaveProperty(['content', 'application/json', 'schema', 'properties', 'items', 'type'], 'array');
      expect(ok, path).toHaveProperty(['content', 'application/json', 'schema', 'properties', 'nextToken', 'type'], 'string');
    }
  });

  it('documents 415 for a body that is not JSON on every route that takes a token', async () => {
    const { doc } = await fetchDocument();

    for (const route of routes.filter((r) => r.roles !== 'public')) {
      expect(doc.paths[route.path]?.[route.method.toLowerCase()]?.responses, `${route.method} ${route.path}`).toHaveProperty('415');
    }
  });

  it('marks the public routes as needing no token', async () => {
    const { doc } = await fetchDocument();

    expect(doc.paths['/health']?.get?.security).toEqual([]);
    expect(doc.paths['/openapi.json']?.get?.security).toEqual([]);
  });
});

describe('published response schemas', () => {
  it('stay open to added fields, so adding one breaks no client', () => {
    const text = JSON.stringify(buildOpenApiDocument());

    expect(text).not.toContain('"additionalProperties":false');
  });
});
