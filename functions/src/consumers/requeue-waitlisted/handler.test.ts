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
  it('offers home-visit hours by priority first, then by time waited, to each whose hours fit what is free', async () => {
    // Prepare: 10 hours free; a resident of higher priority (lower weight) who joined last, one whose 12 hours do not fit.
    const hours = (n: number, demand: number, priorityWeight: number) => ({
      ...waiting(n),
      type: 'home-visit' as const,
      needs: { services: ['cleaning'], careLevel: 2 },
      eligibility: { eligible: true, reasons: [], policyVersion: 'home-visit-subsidy/2026.1', age: 85, demand, priorityWeight },
    });
    const org = providerRecord({ id: PROVIDER_ID, kind: 'home-visit', capacity: 40, reserved: 30, services: ['cleaning'], streets: ['仙林街道'] });
    tableWith(ddb, Providers.toItem(org));
    ddb.on(QueryCommand).resolves({ Items: [hours(1, 6, 1), hours(2, 12, 0.4), hours(3, 6, 0.55), hours(4, 4, 1)].map((a) => Applications.toItem(a)) });

    // Act
    await handler(busEvent(completed), context);

    // Assess: 2 (0.4) needs 12 h and does not fit; 3 (0.55, 6 h) first; then 1 (oldest at weight 1, 6 h) no longer fits 4 h; 4 (4 h) does.
    const moved = ddb.commandCalls(TransactWriteCommand).map((c) => c.args[0].input.TransactItems?.[0]?.Put?.Item?.id);
    expect(moved).toEqual([waiting(3).id, waiting(4).id]);
  });

  it('offers the longest-waiting application at the provider with the free place, as many as there are free places', async () => {
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
    const [appPut, reserve, assignmentPut, marker, outbox, ...rest] = transactItems(ddb);
    expect(rest).toEqual([]);
    // Offered at the provider whose place came free, through WAITLISTED → MATCHING → OFFERED.
    expect(appPut?.Put).toMatchObject({
      Item: { id: waiting(1).id, status: 'OFFERED', version: 5, gsi3pk: `APP#gsi3#${DISTRICT}#meal#OFFERED`, assignment: { providerId: PROVIDER_ID } },
      ConditionExpression: '#v = :v',
      ExpressionAttributeValues: { ':v': 4 },
    });
    expect(((appPut?.Put?.Item?.history ?? []) as { status: string }[]).map((h) => h.status).slice(-2)).toEqual(['MATCHING', 'OFFERED']);
    expect(reserve?.Update).toMatchObject({ Key: { pk: `PROVIDER#${PROVIDER_ID}`, sk: 'PROVIDER' }, ConditionExpression: 'attribute_exists(pk) AND #a >= :n', ExpressionAttributeValues: { ':n': 1 } });
    expect(assignmentPut?.Put?.Item).toMatchObject({ applicationId: waiting(1).id, providerId: PROVIDER_ID, status: 'OFFERED', units: 1 });
    // A redelivered event finds this marker and offers nobody twice.
    expect(marker?.Put).toMatchObject({
      Item: { pk: `CONSUMED#requeueWaitlisted#${completed.detail.metadata.eventId}:${waiting(1).id}` },
      ConditionExpression: 'attribute_not_exists(pk)',
    });
    expect(outboxEvent(outbox!)).toMatchObject({
      detailType: 'AssignmentOffered',
      detail: {
        metadata: { correlationId: waiting(1).id, causationId: completed.detail.metadata.eventId },
        data: { applicationId: waiting(1).id, providerId: PROVIDER_ID, applicationStatus: 'OFFERED' },
      },
    });
  });

  it('goes on down the list when another offer took the room first, re-reading what is left', async () => {
    // Prepare: two places free; the first offer loses its reservation to a concurrent one, leaving one.
    tableWith(ddb, Providers.toItem(providerRecord({ id: PROVIDER_ID, capacity: 40, reserved: 38 })));
    ddb.on(QueryCommand).resolves({ Items: [waiting(1), waiting(2), waiting(3)].map((a) => Applications.toItem(a)) });
    ddb.on(TransactWriteCommand).rejectsOnce(transactionCancelled('None', 'ConditionalCheckFailed', 'None', 'None', 'None')).resolves({});

    // Act
    await handler(busEvent(completed), context);

    // Assess: the lost race re-read the provider, then offered the next two in order
    expect(ddb.commandCalls(GetCommand).filter((c) => c.args[0].input.Key?.pk === `PROVIDER#${PROVIDER_ID}`)).toHaveLength(2);
    const offered = ddb.commandCalls(TransactWriteCommand).map((c) => c.args[0].input.TransactItems?.[0]?.Put?.Item?.id);
    expect(offered).toEqual([waiting(1).id, waiting(1).id, waiting(2).id]);
  });

  it('passes over an application someone else moved first and takes the next', async () => {
    ddb.on(TransactWriteCommand).rejectsOnce(transactionCancelled('ConditionalCheckFailed', 'None')).resolves({});

    await handler(busEvent(completed), context);

    expect(ddb).toHaveReceivedCommandTimes(TransactWriteCommand, 2);
    expect(transactItems(ddb, 1)[0]?.Put?.Item).toMatchObject({ id: waiting(2).id, status: 'OFFERED' });
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

describe('requeue-waitlisted consumer, meal points', () => {
  it('offers a freed place first come, first served, whatever the age (the waitlist order of meals)', async () => {
    // Prepare: one place; the 95-year-old applied after the 65-year-old
    const aged = (n: number, age: number, priorityWeight: number) => ({
      ...waiting(n),
      eligibility: { eligible: true, reasons: [], policyVersion: 'meal-subsidy/2026.1', age, demand: 1, priorityWeight },
    });
    ddb.on(QueryCommand).resolves({ Items: [aged(2, 95, 0.4), aged(1, 65, 1)].map((a) => Applications.toItem(a)) });

    // Act
    await handler(busEvent(completed), context);

    // Assess
    expect(transactItems(ddb)[0]?.Put?.Item).toMatchObject({ id: waiting(1).id, status: 'OFFERED' });
    expect(ddb).toHaveReceivedCommandTimes(TransactWriteCommand, 1);
  });
});
