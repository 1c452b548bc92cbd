import '../../../test-support/setup';
import { BatchGetCommand, DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { Applications, Assignments } from '@huimin/store';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { type DocumentClientMock, tableWith } from '../../../test-support/dynamodb';
import { type Claims, claims, httpEvent, issuePaths, parseResponse } from '../../../test-support/http';
import { fakeContext } from '../../../test-support/lambda';
import { APP_ID, ASSIGNMENT_ID, applicationRecord, assignmentRecord, NOW } from '../../../test-support/records';
import { handler } from './handler';

const ddb: DocumentClientMock = mockClient(DynamoDBDocumentClient);
const ROUTE = 'GET /assignments';

async function list(c: Claims, query?: Record<string, string>) {
  const event = httpEvent(ROUTE, { claims: c, ...(query ? { queryStringParameters: query } : {}) });
  return parseResponse(await handler(event, fakeContext('listAssignments')));
}

beforeEach(() => {
  ddb.reset();
  tableWith(ddb);
  ddb.on(QueryCommand).resolves({ Items: [Assignments.toItem(assignmentRecord())] });
  ddb.on(BatchGetCommand).resolves({ Responses: { 'test-table': [Applications.toItem(applicationRecord())] } });
  vi.useFakeTimers({ now: NOW, toFake: ['Date'] });
});

afterEach(() => {
  vi.useRealTimers();
});

describe('GET /assignments', () => {
  it('sends only the documented fields, whatever else a stored record carries', async () => {
    // Prepare: a record that (wrongly) carries a resident's phone number
    ddb.on(QueryCommand).resolves({ Items: [{ ...Assignments.toItem(assignmentRecord()), subjectPhone: '13912345678' }] });

    const res = await list(claims.provider('p-near'));

    expect(res.status).toBe(200);
    expect(JSON.stringify(res.body)).not.toContain('13912345678');
  });

  it("tells an offer's resident by age only, and shows how to reach them once accepted", async () => {
    ddb.on(QueryCommand).resolves({
      Items: [Assignments.toItem(assignmentRecord()), Assignments.toItem(assignmentRecord({ id: 'accepted-1', status: 'ACCEPTED', acceptedAt: NOW.toISOString() }))],
    });

    const res = await list(claims.provider('p-near'));

    expect(res.status).toBe(200);
    // One batch read of the page's applications (the same application twice is asked once).
    expect(ddb).toHaveReceivedCommandTimes(BatchGetCommand, 1);
    const read = ddb.commandCalls(BatchGetCommand)[0]!.args[0].input.RequestItems?.['test-table'];
    expect(read?.Keys).toEqual([Applications.key({ id: APP_ID })]);
    // Only what the view shows is read: never the ID number or the history.
    expect(Object.values(read?.ExpressionAttributeNames ?? {}).sort()).toEqual(['address', 'applicant', 'birthDate', 'id', 'name', 'phone', 'subject']);
    const [offer, accepted] = (res.body as { items: Record<string, unknown>[] }).items;
    expect(offer).toMatchObject({ status: 'OFFERED', subjectAge: expect.any(Number) });
    expect(offer).not.toHaveProperty('resident');
    const app = applicationRecord();
    expect(accepted).toMatchObject({
      status: 'ACCEPTED',
      resident: {
        name: app.subject.name,
        phone: app.subject.phone ?? app.applicant.phone,
        address: { street: app.subject.address.street, location: app.subject.address.location },
        contactName: app.applicant.name,
        contactPhone: app.applicant.phone,
      },
    });
    expect(JSON.stringify(res.body)).not.toContain(app.subject.idNumber);
  });

  it("lists the provider's own assignments from gsi1", async () => {
    const res = await list(claims.provider('p-near'));

    expect(res.status).toBe(200);
    expect(ddb).toHaveReceivedCommandExactlyOnceWith(QueryCommand, {
      IndexName: 'gsi1',
      KeyConditionExpression: '#pk = :pk',
      ExpressionAttributeNames: { '#pk': 'gsi1pk' },
      ExpressionAttributeValues: { ':pk': 'ASSIGN#gsi1#p-near' },
    });
    expect(res.body).toEqual({ items: [expect.objectContaining({ id: ASSIGNMENT_ID, status: 'OFFERED' })] });
    const [item] = (res.body as { items: Record<string, unknown>[] }).items;
    expect(item).not.toHaveProperty('version');
    expect(item).not.toHaveProperty('pk');
  });

  it('filters by status through gsi2, whose partition is provider and status', async () => {
    await list(claims.provider('p-near'), { status: 'OFFERED' });

    expect(ddb).toHaveReceivedCommandWith(QueryCommand, {
      IndexName: 'gsi2',
      ExpressionAttributeNames: { '#pk': 'gsi2pk' },
      ExpressionAttributeValues: { ':pk': 'ASSIGN#gsi2#p-near#OFFERED' },
    });
  });

  it('answers 400 for an unknown status without querying', async () => {
    const res = await list(claims.provider('p-near'), { status: 'MAYBE' });

    expect(res.status).toBe(400);
    expect(issuePaths(res)).toEqual(['query.status']);
    expect(ddb).not.toHaveReceivedAnyCommand();
  });

  it('answers 403 to staff', async () => {
    const res = await list(claims.staff());

    expect(res.status).toBe(403);
    expect(ddb).not.toHaveReceivedAnyCommand();
  });
});
