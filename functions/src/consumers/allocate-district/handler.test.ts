import '../../../test-support/setup';
import { DynamoDBDocumentClient, GetCommand, QueryCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { Applications, Providers, Rounds } from '@huimin/store';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { type DocumentClientMock, outboxEvent, putWithPrefix, tableWith, transactItems, transactionCancelled } from '../../../test-support/dynamodb';
import requested from '../../../test-support/events/allocation-round-requested.json';
import { busEvent, fakeContext } from '../../../test-support/lambda';
import { applicationRecord, completedRoundRecord, DISTRICT, NOW, providerRecord, ROUND_ID, roundRecord } from '../../../test-support/records';
import { handler } from './handler';

const ddb: DocumentClientMock = mockClient(DynamoDBDocumentClient);
const context = fakeContext('allocateDistrict');

const EVENT_ID = requested.detail.metadata.eventId;

/** Two residents waiting near one meal point with a single free place, and one far from any. */
const waiting = (n: number, location = { lat: 32.105, lng: 118.93 }) =>
  applicationRecord({
    id: `a0000000-0000-4000-8000-00000000000${n}`,
    correlationId: `a0000000-0000-4000-8000-00000000000${n}`,
    status: 'WAITLISTED',
    version: 4,
    createdAt: `2026-11-0${n}T00:00:00.000Z`,
    subject: { ...applicationRecord().subject, address: { district: DISTRICT, street: '仙林街道', location } },
    eligibility: { eligible: true, reasons: [], policyVersion: 'meal-subsidy/2026.1', age: 70 + n, lowIncome: false },
  });
const apps = [waiting(1), waiting(2), waiting(3, { lat: 32.3, lng: 119.2 })];
const point = providerRecord({ id: 'p-near', capacity: 40, reserved: 39 });

function given(round = roundRecord()) {
  tableWith(ddb, Rounds.toItem(round));
  ddb.on(QueryCommand, { IndexName: 'gsi3' }).resolves({ Items: apps.map((a) => Applications.toItem(a)) });
  ddb.on(QueryCommand, { IndexName: 'gsi2' }).resolves({ Items: [Providers.toItem(point)] });
}

beforeEach(() => {
  ddb.reset();
  ddb.on(TransactWriteCommand).resolves({});
  vi.useFakeTimers({ now: NOW, toFake: ['Date'] });
});

afterEach(() => {
  vi.useRealTimers();
});

describe('allocate-district consumer', () => {
  it("runs the round over the district's waitlist, then records its outcome on the round", async () => {
    // Prepare
    given();

    // Act
    await handler(busEvent(requested), context);

    // Assess: the round read, the waitlist and the meal points queried
    expect(ddb).toHaveReceivedCommandWith(GetCommand, { Key: { pk: `ROUND#${ROUND_ID}`, sk: 'ROUND' }, ConsistentRead: true });
    expect(ddb).toHaveReceivedCommandWith(QueryCommand, { IndexName: 'gsi3', ExpressionAttributeValues: { ':pk': `APP#gsi3#${DISTRICT}#meal#WAITLISTED` } });
    expect(ddb).toHaveReceivedCommandWith(QueryCommand, { IndexName: 'gsi2', ExpressionAttributeValues: { ':pk': `PROVIDER#gsi2#${DISTRICT}#meal` } });
    // One offer (one free place, given to the older resident), then the outcome
    expect(ddb).toHaveReceivedCommandTimes(TransactWriteCommand, 2);
    const offer = transactItems(ddb, 0);
    expect(putWithPrefix(offer, 'APP#')).toMatchObject({ Item: { id: waiting(2).id, status: 'OFFERED' }, ExpressionAttributeValues: { ':v': 4 } });
    const offered = offer.find((i) => String(i.Put?.Item?.pk).startsWith('OUTBOX#'));
    expect(outboxEvent(offered!).detail.metadata).toMatchObject({ correlationId: waiting(2).correlationId, causationId: EVENT_ID });

    const [roundPut, marker, ...rest] = transactItems(ddb, 1);
    expect(rest).toEqual([]);
    expect(roundPut?.Put).toEqual({
      TableName: 'test-table',
      ConditionExpression: '#v = :v',
      ExpressionAttributeNames: { '#v': 'version' },
      ExpressionAttributeValues: { ':v': 1 },
      Item: expect.objectContaining({
        pk: `ROUND#${ROUND_ID}`,
        gsi1pk: `ROUND#gsi1#${DISTRICT}`,
        status: 'COMPLETED',
        version: 2,
        requestedBy: 'staff-1',
        createdAt: '2026-11-27T07:59:00.000Z',
        completedAt: NOW.toISOString(),
        updatedAt: NOW.toISOString(),
        considered: 3,
        planned: 1,
        offered: 1,
        conflicts: 0,
        stillWaiting: 2,
        objective: expect.any(Number),
        policyVersion: 'meal-subsidy/2026.1',
      }),
    });
    expect(marker?.Put).toMatchObject({ Item: { pk: `CONSUMED#allocateDistrict#${EVENT_ID}` }, ConditionExpression: 'attribute_not_exists(pk)' });
  });

  it('counts an offer lost to a concurrent change as a conflict and still completes', async () => {
    given();
    ddb.on(TransactWriteCommand).rejectsOnce(transactionCancelled('None', 'ConditionalCheckFailed', 'None', 'None')).resolves({});

    await handler(busEvent(requested), context);

    expect(ddb).toHaveReceivedCommandTimes(TransactWriteCommand, 2);
    expect(putWithPrefix(transactItems(ddb, 1), 'ROUND#').Item).toMatchObject({ status: 'COMPLETED', planned: 1, offered: 0, conflicts: 1, stillWaiting: 3 });
  });

  it('runs nothing for a redelivered event: the round is no longer RUNNING', async () => {
    given(completedRoundRecord());

    await expect(handler(busEvent(requested), context)).resolves.toBeUndefined();

    expect(ddb).not.toHaveReceivedCommand(QueryCommand);
    expect(ddb).not.toHaveReceivedCommand(TransactWriteCommand);
  });

  it('resolves when a concurrent delivery recorded the outcome first', async () => {
    given();
    ddb.on(TransactWriteCommand).resolvesOnce({}).rejects(transactionCancelled('ConditionalCheckFailed', 'None'));

    await expect(handler(busEvent(requested), context)).resolves.toBeUndefined();
    expect(ddb).toHaveReceivedCommandTimes(TransactWriteCommand, 2);
  });

  it('rethrows a failure mid-round, leaving the round RUNNING for the retry', async () => {
    given();
    ddb.on(TransactWriteCommand).rejects(new Error('socket hang up'));

    await expect(handler(busEvent(requested), context)).rejects.toThrow('socket hang up');
    expect(ddb).toHaveReceivedCommandTimes(TransactWriteCommand, 1);
    expect(() => putWithPrefix(transactItems(ddb, 0), 'ROUND#')).toThrow();
  });

  it('rethrows when the outcome cannot be recorded, so the event is retried', async () => {
    given();
    ddb.on(TransactWriteCommand).resolvesOnce({}).rejects(new Error('throttled'));

    await expect(handler(busEvent(requested), context)).rejects.toThrow('throttled');
  });

  it('throws for a round that does not exist, so the event reaches the dead-letter queue', async () => {
    tableWith(ddb);

    await expect(handler(busEvent(requested), context)).rejects.toThrow(`Allocation round ${ROUND_ID} does not exist`);
    expect(ddb).not.toHaveReceivedCommand(TransactWriteCommand);
  });
});
