import '../../../test-support/setup';
import { DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { Applications, Providers } from '@huimin/store';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { DocumentClientMock } from '../../../test-support/dynamodb';
import { type Claims, claims, errorOf, httpEvent, issuePaths, parseResponse } from '../../../test-support/http';
import { fakeContext } from '../../../test-support/lambda';
import { applicationRecord, DISTRICT, NOW, providerRecord } from '../../../test-support/records';
import { handler } from './handler';

const ddb: DocumentClientMock = mockClient(DynamoDBDocumentClient);
const ROUTE = 'GET /reports/supply-demand';

async function report(c: Claims, query?: Record<string, string>) {
  const event = httpEvent(ROUTE, { claims: c, ...(query ? { queryStringParameters: query } : {}) });
  return parseResponse(await handler(event, fakeContext('supplyDemandReport')));
}

const waiting = applicationRecord({
  status: 'WAITLISTED',
  eligibility: { eligible: true, reasons: [], policyVersion: 'meal-subsidy/2026.1', age: 82, lowIncome: false },
});

beforeEach(() => {
  ddb.reset();
  // One waitlisted resident; one meal point about 300 m away with places.
  ddb.on(QueryCommand).callsFake((input: { ExpressionAttributeValues: Record<string, string> }) => {
    const pk = input.ExpressionAttributeValues[':pk'];
    if (pk === `APP#gsi3#${DISTRICT}#meal#WAITLISTED`) return { Items: [Applications.toItem(waiting)] };
    if (pk === `PROVIDER#gsi2#${DISTRICT}#meal`) return { Items: [Providers.toItem(providerRecord({ capacity: 40, reserved: 12 }))] };
    return { Items: [] };
  });
  vi.useFakeTimers({ now: NOW, toFake: ['Date'] });
});

afterEach(() => {
  vi.useRealTimers();
});

describe('GET /reports/supply-demand', () => {
  it("reads the district's open applications by status and its meal points, and reports the optimal allocation", async () => {
    const res = await report(claims.staff(DISTRICT));

    expect(res.status).toBe(200);
    for (const status of ['AWAITING_APPROVAL', 'MATCHING', 'OFFERED', 'ACTIVE', 'WAITLISTED']) {
      expect(ddb).toHaveReceivedCommandWith(QueryCommand, { IndexName: 'gsi3', ExpressionAttributeValues: { ':pk': `APP#gsi3#${DISTRICT}#meal#${status}` } });
    }
    expect(ddb).toHaveReceivedCommandWith(QueryCommand, { IndexName: 'gsi2', ExpressionAttributeValues: { ':pk': `PROVIDER#gsi2#${DISTRICT}#meal` } });
    expect(res.body).toMatchObject({
      district: DISTRICT,
      kind: 'meal',
      policyVersion: 'meal-subsidy/2026.1',
      totals: { demand: 1, capacity: 40, served: 1, unmet: 0, spare: 39 },
    });
  });

  it('answers 403 to anyone but staff, and 400 for a programme with no report yet', async () => {
    expect((await report(claims.family())).status).toBe(403);

    const childcare = await report(claims.staff(DISTRICT), { type: 'childcare' });

    expect(childcare.status).toBe(400);
    expect(errorOf(childcare).code).toBe('VALIDATION_FAILED');
    expect(issuePaths(childcare)).toEqual(['query.type']);
    expect(ddb).not.toHaveReceivedCommand(QueryCommand);
  });
});
