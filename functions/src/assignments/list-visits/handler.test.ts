import '../../../test-support/setup';
import { DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { Applications, Assignments, type VisitRecord, Visits } from '@huimin/store';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { type DocumentClientMock, tableWith } from '../../../test-support/dynamodb';
import { type Claims, claims, httpEvent, parseResponse } from '../../../test-support/http';
import { fakeContext } from '../../../test-support/lambda';
import { APP_ID, ASSIGNMENT_ID, assignmentRecord, HOME, NOW, OTHER_DISTRICT, offeredApplication } from '../../../test-support/records';
import { handler } from './handler';

const ddb: DocumentClientMock = mockClient(DynamoDBDocumentClient);
const ROUTE = 'GET /assignments/{id}/visits';

const visit: VisitRecord = {
  id: 'v-1',
  assignmentId: ASSIGNMENT_ID,
  applicationId: APP_ID,
  providerId: 'p-near',
  district: '320113',
  startedAt: '2026-11-27T05:00:00.000Z',
  endedAt: '2026-11-27T06:30:00.000Z',
  minutes: 90,
  services: ['cleaning'],
  location: { ...HOME },
  distanceMetres: 12,
  policyVersion: 'home-visit-subsidy/2026.1',
  recordedBy: 'prov-user-1',
  createdAt: NOW.toISOString(),
};

async function list(who: Claims) {
  const event = httpEvent(ROUTE, { claims: who, pathParameters: { id: ASSIGNMENT_ID } });
  return parseResponse(await handler(event, fakeContext('listVisits')));
}

beforeEach(() => {
  ddb.reset();
  const assignment = assignmentRecord({ status: 'ACCEPTED', type: 'home-visit', needs: { services: ['cleaning'], careLevel: 2 }, units: 12 });
  tableWith(ddb, Assignments.toItem(assignment), Applications.toItem(offeredApplication(assignment, { status: 'ACTIVE' })));
  ddb.on(QueryCommand).resolves({ Items: [Visits.toItem(visit)] });
  vi.useFakeTimers({ now: NOW, toFake: ['Date'] });
});

afterEach(() => {
  vi.useRealTimers();
});

describe('GET /assignments/{id}/visits', () => {
  it("lists the visits oldest first to the provider, the district's staff and the family, without the recorded position", async () => {
    for (const who of [claims.provider(), claims.staff(), claims.family()]) {
      const res = await list(who);

      expect(res.status).toBe(200);
      expect(res.body).toEqual({ items: [expect.objectContaining({ id: 'v-1', minutes: 90, distanceMetres: 12 })] });
      expect(JSON.stringify(res.body)).not.toContain(String(HOME.lat));
    }
    expect(ddb).toHaveReceivedCommandWith(QueryCommand, {
      KeyConditionExpression: '#pk = :pk',
      ExpressionAttributeValues: { ':pk': `VISIT#${ASSIGNMENT_ID}` },
      ScanIndexForward: true,
    });
  });

  it("answers 404 to another provider or family, and 403 to another district's staff", async () => {
    expect((await list(claims.provider('p-far'))).status).toBe(404);
    expect((await list(claims.family('fam-2'))).status).toBe(404);
    expect((await list(claims.grid())).status).toBe(404);
    expect((await list(claims.staff(OTHER_DISTRICT))).status).toBe(403);
  });
});
