import '../../../test-support/setup';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import type { DocumentClientMock } from '../../../test-support/dynamodb';
import { httpEvent, parseResponse } from '../../../test-support/http';
import { fakeContext } from '../../../test-support/lambda';
import { handler } from './handler';

const ddb: DocumentClientMock = mockClient(DynamoDBDocumentClient);

beforeEach(() => {
  ddb.reset();
});

describe('GET /health', () => {
  it('answers 200 without a token and without touching the table', async () => {
    const res = parseResponse(await handler(httpEvent('GET /health', { claims: null }), fakeContext('health')));

    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'ok' });
    expect(ddb).not.toHaveReceivedAnyCommand();
  });
});
