import '../../../test-support/setup';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { Applications, VisitMonths } from '@huimin/store';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { type DocumentClientMock, tableWith } from '../../../test-support/dynamodb';
import { type Claims, claims, errorOf, groupsAsArray, httpEvent, issuePaths, parseResponse } from '../../../test-support/http';
import { fakeContext } from '../../../test-support/lambda';
import { APP_ID, ASSIGNMENT_ID, applicationRecord, assignmentRecord, NOW, OTHER_DISTRICT, offeredApplication, SUBJECT_ID_NUMBER, SUBSIDY_ID } from '../../../test-support/records';
import { handler } from './handler';

const ddb: DocumentClientMock = mockClient(DynamoDBDocumentClient);
const ROUTE = 'GET /applications/{id}';

async function get(c: Claims, id = APP_ID) {
  const event = httpEvent(ROUTE, { claims: c, pathParameters: { id } });
  return parseResponse(await handler(event, fakeContext('getApplication')));
}

const stored = applicationRecord({
  status: 'AWAITING_APPROVAL',
  version: 2,
  eligibility: { eligible: true, reasons: [], policyVersion: 'meal-subsidy/2026.1', age: 82 },
  subsidy: { id: SUBSIDY_ID, status: 'PENDING', amount: 5 },
});

beforeEach(() => {
  ddb.reset();
  tableWith(ddb, Applications.toItem(stored));
  vi.useFakeTimers({ now: NOW, toFake: ['Date'] });
});

afterEach(() => {
  vi.useRealTimers();
});

describe('GET /applications/{id}', () => {
  it('shows the owner the application with the ID number masked', async () => {
    // Act
    const res = await get(claims.family('fam-1'));

    // Assess
    expect(res.status).toBe(200);
    expect(ddb).toHaveReceivedCommandExactlyOnceWith(GetCommand, {
      TableName: 'test-table',
      Key: { pk: `APP#${APP_ID}`, sk: 'APP' },
      ConsistentRead: true,
    });
    expect(res.body).toMatchObject({
      id: APP_ID,
      type: 'meal',
      status: 'AWAITING_APPROVAL',
      subject: { name: '王秀英', idNumberMasked: '320113********0426', age: 82, sex: 'female' },
      eligibility: { eligible: true, policyVersion: 'meal-subsidy/2026.1' },
      subsidy: { id: SUBSIDY_ID, status: 'PENDING', amount: 5, currency: 'CNY' },
      assignment: null,
      history: [expect.objectContaining({ status: 'SUBMITTED' })],
    });
    expect(res.rawBody).not.toContain(SUBJECT_ID_NUMBER);
    expect(res.rawBody).not.toContain('"idNumber"');
    // Nor the table's key attributes or the version counter.
    expect(res.body).not.toHaveProperty('pk');
    expect(res.body).not.toHaveProperty('version');
  });

  it("shows a home-visit family the month's entitled hours and what visits have used", async () => {
    // Prepare: 12 hours a month, 90 minutes recorded in November (China time)
    const assignment = assignmentRecord({ status: 'ACCEPTED', type: 'home-visit', needs: { services: ['cleaning'], careLevel: 2 }, units: 12 });
    const app = offeredApplication(assignment, {
      type: 'home-visit',
      status: 'ACTIVE',
      needs: { services: ['cleaning'], careLevel: 2 },
      eligibility: { eligible: true, reasons: [], policyVersion: 'home-visit-subsidy/2026.1', age: 82, demand: 12, priorityWeight: 0.7 },
      subsidy: { id: SUBSIDY_ID, status: 'APPROVED', amount: 25 },
    });
    tableWith(ddb, Applications.toItem(app), VisitMonths.toItem({ assignmentId: ASSIGNMENT_ID, month: '2026-11', minutes: 90, intervals: [], version: 1 }));

    // Act
    const res = await get(claims.family('fam-1'));

    // Assess
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      type: 'home-visit',
      entitlement: { hoursPerMonth: 12, month: '2026-11', usedThisMonth: 1.5 },
      subsidy: { amount: 25, unit: 'hour' },
    });
  });

  it('shows no entitlement on a meal application', async () => {
    expect((await get(claims.family('fam-1'))).body).not.toHaveProperty('entitlement');
  });

  it('accepts the groups claim as an array', async () => {
    const res = await get(groupsAsArray(claims.family('fam-1')));

    expect(res.status).toBe(200);
  });

  it("answers 404 for another family's application, as if it did not exist", async () => {
    const res = await get(claims.family('fam-2'));

    expect(res.status).toBe(404);
    expect(errorOf(res)).toMatchObject({ code: 'NOT_FOUND', requestId: 'req-1' });
    expect(res.rawBody).not.toContain('王秀英');
  });

  it('answers 404 for an id that does not exist', async () => {
    const res = await get(claims.family('fam-1'), 'no-such-application');

    expect(res.status).toBe(404);
    expect(ddb).toHaveReceivedCommandWith(GetCommand, { Key: { pk: 'APP#no-such-application', sk: 'APP' } });
  });

  it('shows staff of its district the application', async () => {
    const res = await get(claims.staff());

    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: APP_ID, subject: { idNumberMasked: '320113********0426' } });
    expect(res.rawBody).not.toContain(SUBJECT_ID_NUMBER);
  });

  it('answers 403 to staff of another district', async () => {
    const res = await get(claims.staff(OTHER_DISTRICT));

    expect(res.status).toBe(403);
    expect(errorOf(res)).toMatchObject({ code: 'FORBIDDEN' });
  });

  it('answers 403 to a provider, whom the route does not admit, without reading', async () => {
    const res = await get(claims.provider());

    expect(res.status).toBe(403);
    expect(ddb).not.toHaveReceivedAnyCommand();
  });

  it('answers 403 to staff whose token names no district', async () => {
    const res = await get({ sub: 'staff-9', 'cognito:groups': '[staff]' });

    expect(res.status).toBe(403);
    expect(ddb).not.toHaveReceivedAnyCommand();
  });

  it('refuses an id that could not be a key, without reading', async () => {
    const res = await get(claims.family('fam-1'), 'a#b');

    expect(res.status).toBe(400);
    expect(issuePaths(res)).toEqual(['path.id']);
    expect(ddb).not.toHaveReceivedAnyCommand();
  });
});
