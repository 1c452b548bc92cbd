import '../../../test-support/setup';
import { DynamoDBDocumentClient, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { Applications, Assignments, VisitMonths } from '@huimin/store';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { type DocumentClientMock, outboxEvent, tableWith, transactItems, transactionCancelled } from '../../../test-support/dynamodb';
import { claims, errorOf, httpEvent, issuePaths, parseResponse } from '../../../test-support/http';
import { fakeContext } from '../../../test-support/lambda';
import { APP_ID, ASSIGNMENT_ID, assignmentRecord, HOME, NOW, offeredApplication } from '../../../test-support/records';
import { handler } from './handler';

const ddb: DocumentClientMock = mockClient(DynamoDBDocumentClient);
const ROUTE = 'POST /assignments/{id}/visits';
/** NOW is 16:00 in Nanjing on 27 November: a visit from 13:00 to 14:30 that afternoon. */
const visit = { startedAt: '2026-11-27T13:00:00+08:00', endedAt: '2026-11-27T14:30:00+08:00', services: ['cleaning'], location: { ...HOME } };
const MONTH_KEY = { pk: `VISITMONTH#${ASSIGNMENT_ID}#2026-11`, sk: 'VISITMONTH' };

async function record(body: unknown = visit, providerId = 'p-near') {
  const event = httpEvent(ROUTE, { claims: claims.provider(providerId), pathParameters: { id: ASSIGNMENT_ID }, body, requestId: 'req-visit' });
  return parseResponse(await handler(event, fakeContext('recordVisit')));
}

/** An accepted home-visit assignment: 12 hours a month of cleaning and bathing; `usedMinutes` already recorded this month. */
function givenActiveHomeVisits(usedMinutes?: number, intervals: [string, string][] = []) {
  const needs = { services: ['cleaning', 'bathing'], careLevel: 2 };
  const assignment = assignmentRecord({ status: 'ACCEPTED', type: 'home-visit', needs, units: 12, acceptedAt: '2026-11-20T02:00:00.000Z' });
  const app = offeredApplication(assignment, {
    type: 'home-visit',
    status: 'ACTIVE',
    needs,
    eligibility: { eligible: true, reasons: [], policyVersion: 'home-visit-subsidy/2026.1', age: 82, demand: 12, priorityWeight: 0.7 },
  });
  const items = [Assignments.toItem(assignment), Applications.toItem(app)];
  if (usedMinutes !== undefined) items.push(VisitMonths.toItem({ assignmentId: ASSIGNMENT_ID, month: '2026-11', minutes: usedMinutes, intervals, version: 3 }));
  tableWith(ddb, ...items);
}

beforeEach(() => {
  ddb.reset();
  ddb.on(TransactWriteCommand).resolves({});
  vi.useFakeTimers({ now: NOW, toFake: ['Date'] });
});

afterEach(() => {
  vi.useRealTimers();
});

describe('POST /assignments/{id}/visits', () => {
  it("records the visit, the month's minutes and its event in one transaction", async () => {
    // Prepare
    givenActiveHomeVisits(120, [['2026-11-20T01:00:00.000Z', '2026-11-20T03:00:00.000Z']]);

    // Act
    const res = await record();

    // Assess
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ assignmentId: ASSIGNMENT_ID, applicationId: APP_ID, minutes: 90, services: ['cleaning'], distanceMetres: 0, policyVersion: 'home-visit-subsidy/2026.1' });
    expect(res.body).not.toHaveProperty('location');
    const [visitPut, monthPut, assignmentCheck, servicePut, monthCount, outbox, ...rest] = transactItems(ddb);
    expect(rest).toEqual([]);
    // What the month's settlement pays for it, counted on its month (which must still be open).
    expect(servicePut?.Put?.Item).toMatchObject({ sk: expect.stringMatching(/^visit:/), date: '2026-11-27', month: '2026-11', units: 1.5, unit: 'hour' });
    expect(monthCount?.Update?.ConditionExpression).toBe('attribute_not_exists(pk) OR #s = :open');
    // The service must still be the accepted one read: a visit never lands on a cancelled or completed one.
    expect(assignmentCheck?.ConditionCheck).toMatchObject({
      Key: { pk: `ASSIGN#${ASSIGNMENT_ID}`, sk: 'ASSIGN' },
      ConditionExpression: '#v = :v AND #s = :s',
      ExpressionAttributeValues: { ':v': 1, ':s': 'ACCEPTED' },
    });
    expect(visitPut?.Put).toMatchObject({
      ConditionExpression: 'attribute_not_exists(pk)',
      Item: { pk: `VISIT#${ASSIGNMENT_ID}`, sk: expect.stringMatching(/^2026-11-27T05:00:00.000Z#/), startedAt: '2026-11-27T05:00:00.000Z', endedAt: '2026-11-27T06:30:00.000Z', minutes: 90 },
    });
    // The month is replaced under the version read: two visits recorded at once cannot both pass.
    expect(monthPut?.Put).toMatchObject({
      Item: { ...MONTH_KEY, minutes: 210, intervals: [['2026-11-20T01:00:00.000Z', '2026-11-20T03:00:00.000Z'], ['2026-11-27T05:00:00.000Z', '2026-11-27T06:30:00.000Z']], version: 4 },
      ConditionExpression: '#v = :v',
      ExpressionAttributeValues: { ':v': 3 },
    });
    expect(outboxEvent(outbox!)).toMatchObject({ detailType: 'VisitRecorded', detail: { data: { month: '2026-11', minutes: 90, usedMinutesThisMonth: 210 } } });
  });

  it("creates the month's record with the first visit", async () => {
    givenActiveHomeVisits();

    const res = await record();

    expect(res.status).toBe(201);
    expect(transactItems(ddb)[1]?.Put).toMatchObject({ Item: { ...MONTH_KEY, minutes: 90, version: 1 }, ConditionExpression: 'attribute_not_exists(pk)' });
  });

  it.each([
    ['away from the address', { location: { lat: HOME.lat + 0.01, lng: HOME.lng } }, 'location', /1112米|超出300米/],
    ['in the future', { startedAt: '2026-11-27T17:00:00+08:00', endedAt: '2026-11-27T18:00:00+08:00' }, 'endedAt', /不能晚于当前时间/],
    ['longer than the policy allows', { startedAt: '2026-11-27T08:00:00+08:00', endedAt: '2026-11-27T13:00:00+08:00' }, 'endedAt', /不超过4小时/],
    ['a service the resident did not ask for', { services: ['rehabilitation'] }, 'services.0', /未申请此项服务/],
    ['before the resident was taken on', { startedAt: '2026-11-19T09:00:00+08:00', endedAt: '2026-11-19T10:00:00+08:00' }, 'startedAt', /早于接单时间（2026-11-20 10:00）/],
    ['shorter than a minute', { endedAt: '2026-11-27T13:00:20+08:00' }, 'endedAt', /至少1分钟/],
  ])('refuses a visit %s with 422 naming the field, writing nothing', async (_what, patch, path, messageZh) => {
    givenActiveHomeVisits();

    const res = await record({ ...visit, ...patch });

    expect(res.status).toBe(422);
    expect(errorOf(res)).toMatchObject({ code: 'VISIT_REFUSED' });
    expect(issuePaths(res)).toEqual([path]);
    expect(errorOf(res).issues?.[0]?.message).toMatch(messageZh);
    expect(ddb).not.toHaveReceivedCommand(TransactWriteCommand);
  });

  it('refuses a visit recorded more than the policy\'s seven days after it', async () => {
    const assignment = assignmentRecord({ status: 'ACCEPTED', type: 'home-visit', needs: { services: ['cleaning'], careLevel: 2 }, units: 12, acceptedAt: '2026-10-01T00:00:00.000Z' });
    const app = offeredApplication(assignment, {
      type: 'home-visit',
      status: 'ACTIVE',
      needs: { services: ['cleaning'], careLevel: 2 },
      eligibility: { eligible: true, reasons: [], policyVersion: 'home-visit-subsidy/2026.1', age: 82, demand: 12, priorityWeight: 0.7 },
    });
    tableWith(ddb, Assignments.toItem(assignment), Applications.toItem(app));

    const res = await record({ ...visit, startedAt: '2026-11-19T09:00:00+08:00', endedAt: '2026-11-19T10:00:00+08:00' });

    expect(res.status).toBe(422);
    expect(issuePaths(res)).toEqual(['startedAt']);
    expect(errorOf(res).issues?.[0]?.message).toMatch(/7天内登记/);
  });

  it('refuses a visit that overlaps one recorded, or goes beyond the hours left this month', async () => {
    givenActiveHomeVisits(11 * 60, [['2026-11-27T05:30:00.000Z', '2026-11-27T06:00:00.000Z']]);

    const res = await record();

    expect(res.status).toBe(422);
    expect(issuePaths(res).sort()).toEqual(['endedAt', 'startedAt']);
    expect(JSON.stringify(errorOf(res).issues)).toContain('1 h 0 min left this month');
  });

  it('checks again against the month when another visit was recorded meanwhile', async () => {
    givenActiveHomeVisits(60);
    ddb.on(TransactWriteCommand).rejectsOnce(transactionCancelled('None', 'ConditionalCheckFailed', 'None')).resolves({});

    const res = await record();

    expect(res.status).toBe(201);
    expect(ddb).toHaveReceivedCommandTimes(TransactWriteCommand, 2);
  });

  it('answers 409 for an assignment that is not active, and 404 for another provider', async () => {
    givenActiveHomeVisits();
    const other = await record(visit, 'p-far');
    const offered = assignmentRecord({ status: 'OFFERED' });
    tableWith(ddb, Assignments.toItem(offered));
    const notActive = await record();

    expect(other.status).toBe(404);
    expect(notActive.status).toBe(409);
    expect(ddb).not.toHaveReceivedCommand(TransactWriteCommand);
  });

  it('answers 400 naming endedAt when the visit ends before it starts', async () => {
    const res = await record({ ...visit, endedAt: '2026-11-27T12:00:00+08:00' });

    expect(res.status).toBe(400);
    expect(issuePaths(res)).toEqual(['endedAt']);
  });
});
