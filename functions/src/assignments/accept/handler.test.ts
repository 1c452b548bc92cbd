import '../../../test-support/setup';
import { DynamoDBDocumentClient, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { Applications, Assignments } from '@huimin/store';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { type DocumentClientMock, outboxEvent, tableWith, transactItems } from '../../../test-support/dynamodb';
import { type Claims, claims, errorOf, httpEvent, parseResponse } from '../../../test-support/http';
import { fakeContext } from '../../../test-support/lambda';
import { APP_ID, ASSIGNMENT_ID, assignmentRecord, NOW, offeredApplication } from '../../../test-support/records';
import { handler } from './handler';

const ddb: DocumentClientMock = mockClient(DynamoDBDocumentClient);
const ROUTE = 'POST /assignments/{id}/accept';

async function accept(c: Claims = claims.provider('p-near')) {
  const event = httpEvent(ROUTE, { claims: c, pathParameters: { id: ASSIGNMENT_ID }, requestId: 'req-accept' });
  return parseResponse(await handler(event, fakeContext('acceptAssignment')));
}

beforeEach(() => {
  ddb.reset();
  ddb.on(TransactWriteCommand).resolves({});
  vi.useFakeTimers({ now: NOW, toFake: ['Date'] });
});

afterEach(() => {
  vi.useRealTimers();
});

describe('POST /assignments/{id}/accept', () => {
  it('accepts an open offer with both records conditioned on the versions read', async () => {
    // Prepare
    const assignment = assignmentRecord({ version: 1 });
    tableWith(ddb, Assignments.toItem(assignment), Applications.toItem(offeredApplication(assignment, { version: 4 })));

    // Act
    const res = await accept();

    // Assess
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: ASSIGNMENT_ID, status: 'ACCEPTED', providerId: 'p-near' });
    expect(res.body).not.toHaveProperty('version');
    const [assignmentPut, appPut, outbox, ...rest] = transactItems(ddb);
    expect(rest).toEqual([]);
    expect(assignmentPut?.Put).toEqual({
      TableName: 'test-table',
      Item: expect.objectContaining({
        pk: `ASSIGN#${ASSIGNMENT_ID}`,
        sk: 'ASSIGN',
        status: 'ACCEPTED',
        version: 2,
        updatedAt: NOW.toISOString(),
        gsi1pk: 'ASSIGN#gsi1#p-near',
        gsi2pk: 'ASSIGN#gsi2#p-near#ACCEPTED',
      }),
      ConditionExpression: '#v = :v',
      ExpressionAttributeNames: { '#v': 'version' },
      ExpressionAttributeValues: { ':v': 1 },
    });
    // An accepted offer leaves the sparse expiry index.
    expect(assignmentPut?.Put?.Item).not.toHaveProperty('gsi3pk');
    expect(appPut?.Put).toEqual({
      TableName: 'test-table',
      Item: expect.objectContaining({
        pk: `APP#${APP_ID}`,
        status: 'ACTIVE',
        version: 5,
        assignment: expect.objectContaining({ id: ASSIGNMENT_ID, status: 'ACCEPTED' }),
        gsi3pk: 'APP#gsi3#320113#meal#ACTIVE',
      }),
      ConditionExpression: '#v = :v',
      ExpressionAttributeNames: { '#v': 'version' },
      ExpressionAttributeValues: { ':v': 4 },
    });
    expect(outboxEvent(outbox!)).toMatchObject({
      detailType: 'AssignmentAccepted',
      detail: {
        metadata: { causationId: 'req-accept', correlationId: APP_ID, idempotencyKey: `AssignmentAccepted:${APP_ID}:5` },
        data: { assignmentId: ASSIGNMENT_ID, applicationId: APP_ID, providerId: 'p-near', applicationStatus: 'ACTIVE' },
      },
    });
  });

  it('answers an offer it already accepted as before, writing nothing', async () => {
    tableWith(ddb, Assignments.toItem(assignmentRecord({ status: 'ACCEPTED', version: 2 })));

    const res = await accept();

    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'ACCEPTED' });
    expect(ddb).not.toHaveReceivedCommand(TransactWriteCommand);
  });

  it("answers 404 for another provider's assignment and writes nothing", async () => {
    tableWith(ddb, Assignments.toItem(assignmentRecord({ providerId: 'p-far' })));

    const res = await accept(claims.provider('p-near'));

    expect(res.status).toBe(404);
    expect(errorOf(res)).toMatchObject({ code: 'NOT_FOUND', requestId: 'req-accept' });
    expect(ddb).not.toHaveReceivedCommand(TransactWriteCommand);
  });

  it('answers 409 OFFER_EXPIRED for a lapsed offer, and lets it lapse in one transaction', async () => {
    // Prepare: the deadline passed a minute ago.
    const assignment = assignmentRecord({ expiresAt: new Date(NOW.getTime() - 60_000).toISOString(), version: 1 });
    tableWith(ddb, Assignments.toItem(assignment), Applications.toItem(offeredApplication(assignment, { version: 4 })));

    // Act
    const res = await accept();

    // Assess
    expect(res.status).toBe(409);
    expect(errorOf(res)).toEqual({ code: 'OFFER_EXPIRED', message: expect.any(String), messageZh: expect.any(String), requestId: 'req-accept' });
    expect(ddb).toHaveReceivedCommandTimes(TransactWriteCommand, 1);
    const [assignmentPut, appPut, release, outbox, ...rest] = transactItems(ddb);
    expect(rest).toEqual([]);
    expect(assignmentPut?.Put).toMatchObject({
      Item: { pk: `ASSIGN#${ASSIGNMENT_ID}`, status: 'EXPIRED', version: 2 },
      ConditionExpression: '#v = :v',
      ExpressionAttributeValues: { ':v': 1 },
    });
    expect(appPut?.Put).toMatchObject({
      Item: {
        pk: `APP#${APP_ID}`,
        status: 'MATCHING',
        version: 5,
        exclusions: [{ providerId: 'p-near', until: '2026-12-04T08:00:00.000Z' }],
        assignment: { id: ASSIGNMENT_ID, status: 'EXPIRED' },
      },
      ConditionExpression: '#v = :v',
      ExpressionAttributeValues: { ':v': 4 },
    });
    expect(release?.Update).toMatchObject({
      Key: { pk: 'PROVIDER#p-near', sk: 'PROVIDER' },
      UpdateExpression: 'SET #r = #r - :n, #a = #a + :n',
      ExpressionAttributeNames: { '#r': 'reserved', '#a': 'available' },
      ExpressionAttributeValues: { ':n': 1 },
    });
    expect(outboxEvent(outbox!)).toMatchObject({
      detailType: 'AssignmentExpired',
      source: 'huimin.care',
      detail: {
        metadata: { causationId: 'req-accept', idempotencyKey: `AssignmentExpired:${APP_ID}:5` },
        data: { assignmentId: ASSIGNMENT_ID, applicationId: APP_ID, providerId: 'p-near', releasedProviderId: 'p-near', applicationStatus: 'MATCHING' },
      },
    });
  });

  it('answers 403 to a provider token that names no provider', async () => {
    const res = await accept({ sub: 'prov-user-1', 'cognito:groups': '[provider]' });

    expect(res.status).toBe(403);
    expect(ddb).not.toHaveReceivedAnyCommand();
  });

  it('answers 403 to a family', async () => {
    const res = await accept(claims.family());

    expect(res.status).toBe(403);
    expect(ddb).not.toHaveReceivedAnyCommand();
  });
});
