import '../../../test-support/setup';
import { DynamoDBDocumentClient, GetCommand, QueryCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { Applications, Providers } from '@huimin/store';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { type DocumentClientMock, outboxEvent, tableWith, transactItems, transactionCancelled } from '../../../test-support/dynamodb';
import completed from '../../../test-support/events/assignment-completed.json';
import { busEvent, fakeContext } from '../../../test-support/lambda';
import { applicationRecord, DISTRICT, NOW, providerRecord } from '../../../test-support/records';
import { handler } from './handler';

const ddb: DocumentClientMock = mockClient(DynamoDBDocumentClient);
const context = fakeContext('requeueWaitlisted');

const PROVIDER_ID = completed.detail.data.releasedProviderId;
const waiting = (n: number) =>
  applicationRecord({
    id: `a0000000-0000-4000-8000-00000000000${n}`,
    correlationId: `a0000000-0000-4000-8000-00000000000${n}`,
    status: 'WAITLISTED',
    version: 4,
    createdAt: `2026-11-0${n}T00:00:00.000Z`,
  });

beforeEach(() => {
  ddb.reset();
  // One place free.
  tableWith(ddb, Providers.toItem(providerRecord({ id: PROVIDER_ID, capacity: 40, reserved: 39 })));
  ddb.on(QueryCommand).resolves({ Items: [waiting(1), waiting(2), waiting(3)].map((a) => Applications.toItem(a)) });
  ddb.on(TransactWriteCommand).resolves({});
  vi.useFakeTimers({ now: NOW, toFake: ['Date'] });
});

afterEach(() => {
  vi.useRealTimers();
});

describe('requeue-waitlisted consumer', () => {
  it('wakes by priority first, then by time waited, while the demand fits what is free', async () => {
    // Prepare: 10 hours free; a resident of higher priority (lower weight) who joined last, one whose 12 hours do not fit.
    const hours = (n: number, demand: number, priorityWeight: number) => ({
      ...waiting(n),
      eligibility: { eligible: true, reasons: [], policyVersion: 'home-visit-subsidy/2026.1', age: 85, demand, priorityWeight },
    });
    tableWith(ddb, Providers.toItem(providerRecord({ id: PROVIDER_ID, capacity: 40, reserved: 30 })));
    ddb.on(QueryCommand).resolves({ Items: [hours(1, 6, 1), hours(2, 12, 0.4), hours(3, 6, 0.55), hours(4, 4, 1)].map((a) => Applications.toItem(a)) });

    // Act
    await handler(busEvent(completed), context);

    // Assess: 3 (0.55, 6 h) first; 2 (0.4) needs 12 h and does not fit; then 1 (oldest at weight 1, 6 h) no longer fits 4 h; 4 (4 h) does.
    const moved = ddb.commandCalls(TransactWriteCommand).map((c) => c.args[0].input.TransactItems?.[0]?.Put?.Item?.id);
    expect(moved).toEqual([waiting(3).id, waiting(4).id]);
  });

  it('moves the longest-waiting application back to matching, as many as there are free places', async () => {
    await handler(busEvent(completed), context);

    expect(ddb).toHaveReceivedCommandWith(GetCommand, { Key: { pk: `PROVIDER#${PROVIDER_ID}`, sk: 'PROVIDER' } });
    expect(ddb).toHaveReceivedCommandWith(QueryCommand, {
      IndexName: 'gsi3',
      KeyConditionExpression: '#pk = :pk',
      ExpressionAttributeNames: { '#pk': 'gsi3pk' },
      ExpressionAttributeValues: { ':pk': `APP#gsi3#${DISTRICT}#meal#WAITLISTED` },
      ScanIndexForward: true,
    });
    expect(ddb).toHaveReceivedCommandTimes(TransactWriteCommand, 1);
    const [appPut, marker, outbox] = transactItems(ddb);
    expect(appPut?.Put).toMatchObject({
      Item: { id: waiting(1).id, status: 'MATCHING', version: 5, gsi3pk: `APP#gsi3#${DISTRICT}#meal#MATCHING` },
      ConditionExpression: '#v = :v',
      ExpressionAttributeValues: { ':v': 4 },
    });
    // A redelivered event finds this marker and moves nobody twice.
    expect(marker?.Put).toMatchObject({
      Item: { pk: `CONSUMED#requeueWaitlisted#${completed.detail.metadata.eventId}:${waiting(1).id}` },
      ConditionExpression: 'attribute_not_exists(pk)',
    });
    expect(outboxEvent(outbox!)).toMatchObject({
      detailType: 'ApplicationRequeued',
      detail: {
        metadata: { correlationId: waiting(1).id, causationId: completed.detail.metadata.eventId },
        data: { applicationId: waiting(1).id, applicationStatus: 'MATCHING' },
      },
    });
  });

  it('passes over an application someone else moved first and takes the next', async () => {
    ddb.on(TransactWriteCommand).rejectsOnce(transactionCancelled('ConditionalCheckFailed', 'None')).resolves({});

    await handler(busEvent(completed), context);

    expect(ddb).toHaveReceivedCommandTimes(TransactWriteCommand, 2);
    expect(transactItems(ddb, 1)[0]?.Put?.Item).toMatchObject({ id: waiting(2).id, status: 'MATCHING' });
  });

  it('does nothing for a provider that no longer exists', async () => {
    tableWith(ddb);

    await handler(busEvent(completed), context);

    expect(ddb).not.toHaveReceivedCommand(QueryCommand);
    expect(ddb).not.toHaveReceivedCommand(TransactWriteCommand);
  });

  it('rethrows a DynamoDB failure', async () => {
    ddb.on(QueryCommand).rejects(new Error('Internal server error'));

    await expect(handler(busEvent(completed), context)).rejects.toThrow('Internal server error');
  });
});
