import '../../../test-support/setup';
import { DynamoDBDocumentClient, QueryCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { Applications, Assignments } from '@huimin/store';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { type DocumentClientMock, outboxEvent, tableWith, transactItems } from '../../../test-support/dynamodb';
import sweep from '../../../test-support/events/scheduled-sweep.json';
import { fakeContext, scheduledEvent } from '../../../test-support/lambda';
import { assignmentRecord, NOW, offeredApplication } from '../../../test-support/records';
import { handler } from './handler';

const ddb: DocumentClientMock = mockClient(DynamoDBDocumentClient);
const context = fakeContext('expireOffers');
const scheduled = scheduledEvent(sweep);

const overdue = assignmentRecord({ id: 'b0000000-0000-4000-8000-000000000001', expiresAt: '2026-11-27T07:00:00.000Z' });
const open = assignmentRecord({ id: 'b0000000-0000-4000-8000-000000000002', applicationId: 'other-app', expiresAt: '2026-11-28T07:00:00.000Z' });

beforeEach(() => {
  ddb.reset();
  tableWith(ddb, Applications.toItem(offeredApplication(overdue, { version: 4 })));
  ddb.on(QueryCommand).resolves({ Items: [overdue, open].map((a) => Assignments.toItem(a)) });
  ddb.on(TransactWriteCommand).resolves({});
  vi.useFakeTimers({ now: NOW, toFake: ['Date'] });
});

afterEach(() => {
  vi.useRealTimers();
});

describe('expire-offers sweep', () => {
  it('lets offers past their deadline lapse, oldest deadline first, and leaves open ones', async () => {
    await handler(scheduled, context);

    expect(ddb).toHaveReceivedCommandWith(QueryCommand, {
      IndexName: 'gsi3',
      ExpressionAttributeNames: { '#pk': 'gsi3pk' },
      ExpressionAttributeValues: { ':pk': 'ASSIGN#gsi3#OFFERED' },
      ScanIndexForward: true,
      Limit: 100,
    });
    expect(ddb).toHaveReceivedCommandTimes(TransactWriteCommand, 1);
    const [assignmentPut, appPut, release, outbox] = transactItems(ddb);
    expect(assignmentPut?.Put?.Item).toMatchObject({ id: overdue.id, status: 'EXPIRED' });
    expect(assignmentPut?.Put?.Item).not.toHaveProperty('gsi3pk');
    expect(appPut?.Put).toMatchObject({ Item: { status: 'MATCHING', exclusions: [{ providerId: 'p-near', until: '2026-12-04T08:00:00.000Z' }] }, ExpressionAttributeValues: { ':v': 4 } });
    expect(release?.Update).toMatchObject({ Key: { pk: 'PROVIDER#p-near', sk: 'PROVIDER' }, UpdateExpression: 'SET #r = #r - :n, #a = #a + :n' });
    expect(outboxEvent(outbox!)).toMatchObject({
      detailType: 'AssignmentExpired',
      detail: { metadata: { causationId: sweep.id }, data: { assignmentId: overdue.id, releasedProviderId: 'p-near', applicationStatus: 'MATCHING' } },
    });
  });

  it('writes nothing when no offer is overdue', async () => {
    ddb.on(QueryCommand).resolves({ Items: [Assignments.toItem(open)] });

    await handler(scheduled, context);

    expect(ddb).not.toHaveReceivedCommand(TransactWriteCommand);
  });

  it('throws for an event without an id, touching no table', async () => {
    await expect(handler({ ...scheduled, id: '' }, context)).rejects.toThrow();
    expect(ddb).not.toHaveReceivedAnyCommand();
  });
});
