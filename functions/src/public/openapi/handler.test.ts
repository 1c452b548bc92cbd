import '../../../test-support/setup';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import type { DocumentClientMock } from '../../../test-support/dynamodb';
import { httpEvent, parseResponse } from '../../../test-support/http';
import { fakeContext } from '../../../test-support/lambda';
import { FUNCTION_SPECS, type HttpRoute } from '../../wiring';
import { handler } from './handler';

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

  it('marks the public routes as needing no token', async () => {
    const { doc } = await fetchDocument();

    expect(doc.paths['/health']?.get?.security).toEqual([]);
    expect(doc.paths['/openapi.json']?.get?.security).toEqual([]);
  });
});
