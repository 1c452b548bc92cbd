import '../../../test-support/setup';
import { DynamoDBDocumentClient, GetCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { type DocumentClientMock, outboxEvent, putWithPrefix, tableWith, transactItems, transactionCancelled, UUID } from '../../../test-support/dynamodb';
import { type Claims, claims, errorOf, groupsAsArray, httpEvent, issuePaths, parseResponse } from '../../../test-support/http';
import { fakeContext } from '../../../test-support/lambda';
import { applicationRecord, DISTRICT, idNumberFor, mealApplicationBody, NOW, NOW_EPOCH_SECONDS, SUBJECT_ID_NUMBER } from '../../../test-support/records';
import { handler } from './handler';

const ddb: DocumentClientMock = mockClient(DynamoDBDocumentClient);
const ROUTE = 'POST /applications';

async function submit(opts: { body?: unknown; claims?: Claims | null; headers?: Record<string, string>; requestId?: string } = {}) {
  const event = httpEvent(ROUTE, {
    claims: opts.claims === undefined ? claims.family() : opts.claims,
    body: opts.body === undefined ? mealApplicationBody() : opts.body,
    ...(opts.headers ? { headers: opts.headers } : {}),
    ...(opts.requestId ? { requestId: opts.requestId } : {}),
  });
  return parseResponse(await handler(event, fakeContext('submitApplication')));
}

function withSubject(patch: (s: ReturnType<typeof mealApplicationBody>['subject']) => void) {
  const body = mealApplicationBody();
  patch(body.subject);
  return body;
}

beforeEach(() => {
  ddb.reset();
  tableWith(ddb);
  ddb.on(TransactWriteCommand).resolves({});
  vi.useFakeTimers({ now: NOW, toFake: ['Date'] });
});

afterEach(() => {
  vi.useRealTimers();
});

describe('POST /applications', () => {
  it('answers 202 and writes the application and its ApplicationSubmitted event in one transaction', async () => {
    // Act
    const res = await submit({ requestId: 'req-42' });

    // Assess
    expect(res.status).toBe(202);
    const { id, status } = res.body as { id: string; status: string };
    expect(id).toMatch(UUID);
    expect(status).toBe('SUBMITTED');
    expect(ddb).toHaveReceivedCommandTimes(TransactWriteCommand, 1);
    expect(ddb).toHaveReceivedCommandWith(TransactWriteCommand, { ClientRequestToken: expect.stringMatching(UUID) });

    const items = transactItems(ddb);
    expect(items).toHaveLength(3);
    const [app, open, outbox] = items;
    // One open application per person per programme: keyed by an HMAC of the ID number, never the number.
    expect(open?.Put).toEqual({
      TableName: 'test-table',
      ConditionExpression: 'attribute_not_exists(pk)',
      Item: {
        pk: expect.stringMatching(/^OPENAPP#meal#[0-9a-f]{64}$/),
        sk: 'OPENAPP',
        entity: 'OPENAPP',
        type: 'meal',
        idHash: expect.stringMatching(/^[0-9a-f]{64}$/),
        applicationId: id,
        createdAt: NOW.toISOString(),
      },
    });
    expect(JSON.stringify(open)).not.toContain(SUBJECT_ID_NUMBER);
    expect(app?.Put).toEqual({
      TableName: 'test-table',
      ConditionExpression: 'attribute_not_exists(pk)',
      Item: expect.objectContaining({
        pk: `APP#${id}`,
        sk: 'APP',
        entity: 'APP',
        id,
        type: 'meal',
        status: 'SUBMITTED',
        ownerSub: 'fam-1',
        district: DISTRICT,
        street: '仙林街道',
        version: 1,
        correlationId: id,
        createdAt: NOW.toISOString(),
        gsi1pk: 'APP#gsi1#fam-1',
        gsi1sk: `${NOW.toISOString()}#${id}`,
        gsi2pk: `APP#gsi2#${DISTRICT}`,
        gsi2sk: `${NOW.toISOString()}#${id}`,
        gsi3pk: `APP#gsi3#${DISTRICT}#meal#SUBMITTED`,
        gsi3sk: `${NOW.toISOString()}#${id}`,
        applicant: { name: '王芳', phone: '13912345678', relationship: 'child' },
        subject: expect.objectContaining({ idNumber: SUBJECT_ID_NUMBER, birthDate: '1944-03-15', sex: 'female' }),
        needs: { diets: [] },
        exclusions: [],
        history: [expect.objectContaining({ status: 'SUBMITTED', at: NOW.toISOString(), by: 'fam-1' })],
      }),
    });

    const put = outbox?.Put;
    expect(put?.ConditionExpression).toBe('attribute_not_exists(pk)');
    expect(put?.Item).toEqual({
      pk: expect.stringMatching(/^OUTBOX#[0-9a-f-]{36}$/),
      sk: 'OUTBOX',
      entity: 'OUTBOX',
      eventId: expect.stringMatching(UUID),
      source: 'huimin.care',
      detailType: 'ApplicationSubmitted',
      detail: expect.any(String),
      createdAt: NOW.toISOString(),
      ttl: NOW_EPOCH_SECONDS + 7 * 24 * 3600,
    });
    expect(put?.Item?.pk).toBe(`OUTBOX#${put?.Item?.eventId}`);
    const event = outboxEvent(outbox!);
    expect(event.detail).toEqual({
      metadata: {
        schemaVersion: 1,
        eventId: put?.Item?.eventId,
        correlationId: id,
        causationId: 'req-42',
        idempotencyKey: `ApplicationSubmitted:${id}:1`,
        occurredAt: NOW.toISOString(),
      },
      data: { applicationId: id, type: 'meal', district: DISTRICT, applicationStatus: 'SUBMITTED' },
    });
  });

  it('keeps the resident ID number out of the event', async () => {
    await submit();

    const event = putWithPrefix(transactItems(ddb), 'OUTBOX#');
    expect(String(event.Item?.detail)).not.toContain(SUBJECT_ID_NUMBER);
  });

  it('accepts the groups claim as an array, as the local stack passes it', async () => {
    const res = await submit({ claims: groupsAsArray(claims.family()) });

    expect(res.status).toBe(202);
    expect(ddb).toHaveReceivedCommandTimes(TransactWriteCommand, 1);
  });

  it('records the Idempotency-Key in the same transaction', async () => {
    const res = await submit({ headers: { 'Idempotency-Key': 'form-7f3a' } });

    expect(res.status).toBe(202);
    const { id } = res.body as { id: string };
    // The earlier submission is looked up with a strongly consistent read.
    expect(ddb).toHaveReceivedCommandWith(GetCommand, {
      TableName: 'test-table',
      Key: { pk: 'SUBMISSION#fam-1#form-7f3a', sk: 'SUBMISSION' },
      ConsistentRead: true,
    });
    const items = transactItems(ddb);
    expect(items.map((i) => String(i.Put?.Item?.pk).split('#')[0])).toEqual(['APP', 'SUBMISSION', 'OPENAPP', 'OUTBOX']);
    expect(items[1]?.Put).toEqual({
      TableName: 'test-table',
      ConditionExpression: 'attribute_not_exists(pk)',
      Item: {
        pk: 'SUBMISSION#fam-1#form-7f3a',
        sk: 'SUBMISSION',
        entity: 'SUBMISSION',
        ownerSub: 'fam-1',
        idempotencyKey: 'form-7f3a',
        bodyHash: expect.stringMatching(/^[0-9a-f]{64}$/),
        applicationId: id,
        createdAt: NOW.toISOString(),
        ttl: NOW_EPOCH_SECONDS + 24 * 3600,
      },
    });
  });

  it('answers 409 DUPLICATE_APPLICATION naming the open application when the person already has one', async () => {
    // Prepare: the open-application item's condition fails; it names the application holding it.
    ddb.on(TransactWriteCommand).rejects(transactionCancelled('None', 'ConditionalCheckFailed', 'None'));
    ddb.on(GetCommand).resolves({ Item: { pk: 'OPENAPP#meal#x', sk: 'OPENAPP', type: 'meal', idHash: 'x', applicationId: 'app-open-1', createdAt: NOW.toISOString() } });

    // Act
    const res = await submit();

    // Assess
    expect(res.status).toBe(409);
    expect(errorOf(res)).toMatchObject({ code: 'DUPLICATE_APPLICATION', existingId: 'app-open-1' });
  });

  it('lets a grid worker apply for a resident of their street only, recording who filed it', async () => {
    const ok = await submit({ claims: claims.grid() });
    const items = transactItems(ddb);
    const refused = await submit({ claims: claims.grid('马群街道') });

    expect(ok.status).toBe(202);
    expect(items[0]?.Put?.Item).toMatchObject({ ownerSub: 'grid-7', filedBy: { role: 'grid', sub: 'grid-7', district: DISTRICT, street: '仙林街道' } });
    expect(refused.status).toBe(403);
  });

  describe('an Idempotency-Key replay', () => {
    /** Submits once with the key and returns what the first request stored. */
    async function firstSubmission(key: string) {
      const first = await submit({ headers: { 'idempotency-key': key } });
      const submission = putWithPrefix(transactItems(ddb), 'SUBMISSION#').Item!;
      ddb.reset();
      return { id: (first.body as { id: string }).id, submission };
    }

    it('with the same body answers 202 with the earlier id and writes nothing', async () => {
      // Prepare
      const earlier = await firstSubmission('form-7f3a');
      const app = applicationRecord({ id: earlier.id, status: 'AWAITING_APPROVAL' });
      tableWith(ddb, earlier.submission, { ...app, pk: `APP#${earlier.id}`, sk: 'APP' });

      // Act
      const res = await submit({ headers: { 'idempotency-key': 'form-7f3a' } });

      // Assess
      expect(res.status).toBe(202);
      expect(res.body).toEqual({ id: earlier.id, status: 'AWAITING_APPROVAL' });
      expect(ddb).toHaveReceivedCommandWith(GetCommand, { Key: { pk: 'SUBMISSION#fam-1#form-7f3a', sk: 'SUBMISSION' } });
      expect(ddb).toHaveReceivedCommandWith(GetCommand, { Key: { pk: `APP#${earlier.id}`, sk: 'APP' } });
      expect(ddb).not.toHaveReceivedCommand(TransactWriteCommand);
    });

    it('with a different body answers 422 and writes nothing', async () => {
      const earlier = await firstSubmission('form-7f3a');
      tableWith(ddb, earlier.submission);
      const other = mealApplicationBody();
      other.applicant.phone = '13800001111';

      const res = await submit({ body: other, headers: { 'idempotency-key': 'form-7f3a' }, requestId: 'req-9' });

      expect(res.status).toBe(422);
      expect(errorOf(res)).toEqual({
        code: 'IDEMPOTENCY_KEY_REUSED',
        message: expect.any(String),
        messageZh: expect.any(String),
        requestId: 'req-9',
      });
      expect(ddb).not.toHaveReceivedCommand(TransactWriteCommand);
    });

    it('that lost a race to the first request answers as a replay', async () => {
      // Prepare: the read finds nothing, the write then fails on the submission item's condition.
      const earlier = await firstSubmission('form-7f3a');
      ddb.on(GetCommand).resolvesOnce({}).resolves({ Item: earlier.submission });
      ddb.on(GetCommand, { Key: { pk: `APP#${earlier.id}`, sk: 'APP' } }).resolves({ Item: { ...applicationRecord({ id: earlier.id }), pk: `APP#${earlier.id}`, sk: 'APP' } });
      ddb.on(TransactWriteCommand).rejects(transactionCancelled('None', 'ConditionalCheckFailed', 'None'));

      // Act
      const res = await submit({ headers: { 'idempotency-key': 'form-7f3a' } });

      // Assess
      expect(res.status).toBe(202);
      expect(res.body).toEqual({ id: earlier.id, status: 'SUBMITTED' });
      expect(ddb).toHaveReceivedCommandTimes(TransactWriteCommand, 1);
    });
  });

  describe('refuses bad input with the contract error body and touches no table', () => {
    const cases: { name: string; body: unknown; paths: string[] }[] = [
      {
        name: 'an ID number with a wrong check character',
        body: withSubject((s) => {
          s.idNumber = '320113194403150427';
        }),
        paths: ['subject.idNumber'],
      },
      {
        name: 'a subject under 60',
        body: withSubject((s) => {
          s.idNumber = idNumberFor('19800101');
        }),
        paths: ['subject.idNumber'],
      },
      {
        name: 'an unknown district',
        body: withSubject((s) => {
          s.address.district = '999999';
        }),
        paths: ['subject.address.district'],
      },
      {
        name: 'a street the district does not have',
        body: withSubject((s) => {
          s.address.street = '南京路';
        }),
        paths: ['subject.address.street'],
      },
      {
        name: 'coordinates outside China',
        body: withSubject((s) => {
          s.address.location = { lat: 51.5072, lng: -0.1276 };
        }),
        paths: ['subject.address.location'],
      },
      { name: 'an unknown type', body: { ...mealApplicationBody(), type: 'spa' }, paths: ['type'] },
      {
        name: 'a retrofit wish not in the catalogue',
        body: { ...mealApplicationBody(), type: 'retrofit', needs: { wishes: ['jacuzzi'] } },
        paths: ['needs.wishes.0'],
      },
      {
        name: 'missing fields',
        body: { type: 'meal', subject: { name: '王秀英' } },
        paths: ['applicant', 'subject.idNumber', 'subject.address'],
      },
    ];

    it.each(cases)('400 for $name', async ({ body, paths }) => {
      const res = await submit({ body, requestId: 'req-bad' });

      expect(res.status).toBe(400);
      expect(res.headers['content-type']).toMatch(/^application\/json/);
      expect(errorOf(res)).toEqual({
        code: 'VALIDATION_FAILED',
        message: expect.any(String),
        messageZh: expect.any(String),
        issues: expect.any(Array),
        requestId: 'req-bad',
      });
      expect(issuePaths(res)).toEqual(paths);
      expect(ddb).not.toHaveReceivedAnyCommand();
    });

    it('400 for malformed JSON', async () => {
      const res = await submit({ body: '{"type":"meal",' });

      expect(res.status).toBe(400);
      expect(errorOf(res)).toMatchObject({ code: 'MALFORMED_REQUEST', requestId: 'req-1' });
      expect(ddb).not.toHaveReceivedAnyCommand();
    });

    it('400 for an Idempotency-Key that is not 1–128 visible characters', async () => {
      const res = await submit({ headers: { 'idempotency-key': 'k'.repeat(129) } });

      expect(res.status).toBe(400);
      expect(issuePaths(res)).toEqual(['headers.idempotency-key']);
      expect(ddb).not.toHaveReceivedAnyCommand();
    });

    it('415 for a body that is not JSON', async () => {
      const res = await submit({ body: 'type=meal', headers: { 'content-type': 'application/x-www-form-urlencoded' } });

      expect(res.status).toBe(415);
      expect(errorOf(res)).toMatchObject({ code: 'UNSUPPORTED_MEDIA_TYPE', requestId: 'req-1' });
      expect(ddb).not.toHaveReceivedAnyCommand();
    });

    it('413 for a body over 64 KiB', async () => {
      const body = { ...mealApplicationBody(), padding: 'x'.repeat(64 * 1024) };

      const res = await submit({ body });

      expect(res.status).toBe(413);
      expect(errorOf(res)).toMatchObject({ code: 'PAYLOAD_TOO_LARGE', messageZh: expect.stringContaining('64 KiB') });
      expect(ddb).not.toHaveReceivedAnyCommand();
    });

    it('401 without claims', async () => {
      const res = await submit({ claims: null });

      expect(res.status).toBe(401);
      expect(errorOf(res)).toEqual({ code: 'UNAUTHORIZED', message: expect.any(String), messageZh: expect.any(String), requestId: 'req-1' });
      expect(ddb).not.toHaveReceivedAnyCommand();
    });

    it.each([
      ['staff', claims.staff()],
      ['a provider', claims.provider()],
      ['a token with no group', { sub: 'fam-1' }],
    ])('403 for %s', async (_who, c) => {
      const res = await submit({ claims: c });

      expect(res.status).toBe(403);
      expect(errorOf(res)).toMatchObject({ code: 'FORBIDDEN', requestId: 'req-1' });
      expect(ddb).not.toHaveReceivedAnyCommand();
    });
  });

  it('answers a DynamoDB failure as a 500 that reveals nothing', async () => {
    ddb.on(TransactWriteCommand).rejects(new Error('connect ECONNREFUSED 10.0.0.1:443'));

    const res = await submit({ requestId: 'req-500' });

    expect(res.status).toBe(500);
    expect(errorOf(res)).toEqual({ code: 'INTERNAL', message: expect.any(String), messageZh: expect.any(String), requestId: 'req-500' });
    expect(res.rawBody).not.toContain('ECONNREFUSED');
  });
});
