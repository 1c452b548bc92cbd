import '../../../test-support/setup';
import { DynamoDBDocumentClient, GetCommand, QueryCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { Applications, Providers, Rounds } from '@huimin/store';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { type DocumentClientMock, outboxEvent, putWithPrefix, tableWith, transactItems, transactionCancelled } from '../../../test-support/dynamodb';
import requested from '../../../test-support/events/allocation-round-requested.json';
import { busEvent, fakeContext } from '../../../test-support/lambda';
import { applicationRecord, completedRoundRecord, DISTRICT, NOW, providerRecord, ROUND_ID, roundRecord } from '../../../test-support/records';
import { ROUND_LEASE_MS, roundClock } from '../../use-cases/allocation';
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
    // The claim, one offer (one free place, given to the older resident), then the outcome
    expect(ddb).toHaveReceivedCommandTimes(TransactWriteCommand, 3);
    expect(putWithPrefix(transactItems(ddb, 0), 'ROUND#')).toMatchObject({
      ExpressionAttributeValues: { ':v': 1 },
      Item: { status: 'RUNNING', version: 2, claim: { token: expect.any(String), until: new Date(NOW.getTime() + ROUND_LEASE_MS).toISOString() } },
    });
    const offer = transactItems(ddb, 1);
    expect(putWithPrefix(offer, 'APP#')).toMatchObject({ Item: { id: waiting(2).id, status: 'OFFERED' }, ExpressionAttributeValues: { ':v': 4 } });
    const offered = offer.find((i) => String(i.Put?.Item?.pk).startsWith('OUTBOX#'));
    expect(outboxEvent(offered!).detail.metadata).toMatchObject({ correlationId: waiting(2).correlationId, causationId: EVENT_ID });

    const [roundPut, marker, ...rest] = transactItems(ddb, 2);
    expect(rest).toEqual([]);
    expect(roundPut?.Put?.Item).not.toHaveProperty('claim');
    expect(roundPut?.Put).toEqual({
      TableName: 'test-table',
      ConditionExpression: '#v = :v',
      ExpressionAttributeNames: { '#v': 'version' },
      ExpressionAttributeValues: { ':v': 2 },
      Item: expect.objectContaining({
        pk: `ROUND#${ROUND_ID}`,
        gsi1pk: `ROUND#gsi1#${DISTRICT}`,
        status: 'COMPLETED',
        version: 3,
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
    ddb.on(TransactWriteCommand).resolvesOnce({}).rejectsOnce(transactionCancelled('None', 'ConditionalCheckFailed', 'None', 'None')).resolves({});

    await handler(busEvent(requested), context);

    expect(ddb).toHaveReceivedCommandTimes(TransactWriteCommand, 3);
    expect(putWithPrefix(transactItems(ddb, 2), 'ROUND#').Item).toMatchObject({ status: 'COMPLETED', planned: 1, offered: 0, conflicts: 1, stillWaiting: 3 });
  });

  it('runs nothing for a redelivered event: the round is no longer RUNNING', async () => {
    given(completedRoundRecord());

    await expect(handler(busEvent(requested), context)).resolves.toBeUndefined();

    expect(ddb).not.toHaveReceivedCommand(QueryCommand);
    expect(ddb).not.toHaveReceivedCommand(TransactWriteCommand);
  });

  it('resolves when a concurrent delivery recorded the outcome first', async () => {
    given();
    ddb.on(TransactWriteCommand).resolvesOnce({}).resolvesOnce({}).rejects(transactionCancelled('ConditionalCheckFailed', 'None'));

    await expect(handler(busEvent(requested), context)).resolves.toBeUndefined();
    expect(ddb).toHaveReceivedCommandTimes(TransactWriteCommand, 3);
  });

  it('waits while another delivery holds the round, and runs nothing once that run has completed it', async () => {
    const held = roundRecord({ claim: { token: 'other-run', until: new Date(NOW.getTime() + 20_000).toISOString() } });
    given(held);
    ddb.on(GetCommand).resolvesOnce({ Item: Rounds.toItem(held) }).resolves({ Item: Rounds.toItem(completedRoundRecord()) });
    const sleep = vi.spyOn(roundClock, 'sleep').mockResolvedValue();

    await expect(handler(busEvent(requested), context)).resolves.toBeUndefined();

    expect(sleep).toHaveBeenCalledTimes(1);
    expect(sleep.mock.calls[0]![0]).toBeLessThanOrEqual(2_000);
    expect(ddb).not.toHaveReceivedCommand(QueryCommand);
    expect(ddb).not.toHaveReceivedCommand(TransactWriteCommand);
  });

  it("takes over a round whose claim has lapsed (a run that died), under the claim's version", async () => {
    given(roundRecord({ version: 2, claim: { token: 'dead-run', until: new Date(NOW.getTime() - 1).toISOString() } }));

    await handler(busEvent(requested), context);

    expect(putWithPrefix(transactItems(ddb, 0), 'ROUND#')).toMatchObject({ ExpressionAttributeValues: { ':v': 2 }, Item: { version: 3, claim: { token: expect.not.stringMatching('dead-run') } } });
    expect(putWithPrefix(transactItems(ddb, 2), 'ROUND#')).toMatchObject({ ExpressionAttributeValues: { ':v': 3 }, Item: { status: 'COMPLETED' } });
  });

  it('runs nothing when another delivery claimed the round first and has completed it', async () => {
    tableWith(ddb, Rounds.toItem(roundRecord()));
    ddb.on(GetCommand).resolvesOnce({ Item: Rounds.toItem(roundRecord()) }).resolves({ Item: Rounds.toItem(completedRoundRecord()) });
    ddb.on(TransactWriteCommand).rejects(transactionCancelled('ConditionalCheckFailed'));

    await expect(handler(busEvent(requested), context)).resolves.toBeUndefined();

    expect(ddb).toHaveReceivedCommandTimes(TransactWriteCommand, 1);
    expect(ddb).not.toHaveReceivedCommand(QueryCommand);
  });

  it('rethrows a failure mid-round, leaving the round RUNNING and giving its claim back for the retry', async () => {
    given();
    ddb.on(TransactWriteCommand).resolvesOnce({}).rejectsOnce(new Error('socket hang up')).resolves({});

    await expect(handler(busEvent(requested), context)).rejects.toThrow('socket hang up');
    expect(ddb).toHaveReceivedCommandTimes(TransactWriteCommand, 3);
    const released = putWithPrefix(transactItems(ddb, 2), 'ROUND#');
    expect(released).toMatchObject({ ExpressionAttributeValues: { ':v': 2 }, Item: { status: 'RUNNING', version: 3 } });
    expect(released.Item).not.toHaveProperty('claim');
  });

  it('rethrows when the outcome cannot be recorded, so the event is retried', async () => {
    given();
    ddb.on(TransactWriteCommand).resolvesOnce({}).resolvesOnce({}).rejects(new Error('throttled'));

    await expect(handler(busEvent(requested), context)).rejects.toThrow('throttled');
  });

  it('throws for a round that does not exist, so the event reaches the dead-letter queue', async () => {
    tableWith(ddb);

    await expect(handler(busEvent(requested), context)).rejects.toThrow(`Allocation round ${ROUND_ID} does not exist`);
    expect(ddb).not.toHaveReceivedCommand(TransactWriteCommand);
  });
});
