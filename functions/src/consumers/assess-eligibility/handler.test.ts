import '../../../test-support/setup';
import { ProvisionedThroughputExceededException } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { Applications, hashIdNumber, LowIncomeRegistry } from '@huimin/store';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { type DocumentClientMock, outboxEvent, tableWith, transactItems, transactionCancelled, UUID } from '../../../test-support/dynamodb';
import badDetail from '../../../test-support/events/application-submitted.bad-detail.json';
import submitted from '../../../test-support/events/application-submitted.json';
import unknownType from '../../../test-support/events/unknown-detail-type.json';
import { busEvent, fakeContext } from '../../../test-support/lambda';
import { applicationRecord, DISTRICT, NOW, SUBJECT_ID_NUMBER } from '../../../test-support/records';
import { handler } from './handler';

const ddb: DocumentClientMock = mockClient(DynamoDBDocumentClient);
const context = fakeContext('assessEligibility');

const APP_ID = submitted.detail.data.applicationId;
const EVENT_ID = submitted.detail.metadata.eventId;
const lowIncomeKey = { pk: `LOWINCOME#${DISTRICT}`, sk: hashIdNumber(SUBJECT_ID_NUMBER, 'test-registry-key') };

beforeEach(() => {
  ddb.reset();
  tableWith(ddb, Applications.toItem(applicationRecord({ id: APP_ID, status: 'SUBMITTED', version: 1 })));
  ddb.on(TransactWriteCommand).resolves({});
  vi.useFakeTimers({ now: NOW, toFake: ['Date'] });
});

afterEach(() => {
  vi.useRealTimers();
});

describe('assess-eligibility consumer', () => {
  it('assesses a submitted application: subsidy pending, consumed marker and EligibilityAssessed in one transaction', async () => {
    // Act
    await handler(busEvent(submitted), context);

    // Assess: the reads
    expect(ddb).toHaveReceivedNthCommandWith(GetCommand, 1, { TableName: 'test-table', Key: { pk: `APP#${APP_ID}`, sk: 'APP' }, ConsistentRead: true });
    expect(ddb).toHaveReceivedNthCommandWith(GetCommand, 2, { TableName: 'test-table', Key: lowIncomeKey });
    // The registry is keyed by a hash: the ID number itself never leaves in a request.
    expect(lowIncomeKey.sk).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(ddb.commandCalls(GetCommand)[1]?.args[0].input)).not.toContain(SUBJECT_ID_NUMBER);

    // Assess: the write
    expect(ddb).toHaveReceivedCommandTimes(TransactWriteCommand, 1);
    const [appPut, subsidyPut, consumed, outbox, ...rest] = transactItems(ddb);
    expect(rest).toEqual([]);
    expect(appPut?.Put).toMatchObject({
      Item: {
        pk: `APP#${APP_ID}`,
        status: 'AWAITING_APPROVAL',
        version: 2,
        gsi3pk: `APP#gsi3#${DISTRICT}#meal#AWAITING_APPROVAL`,
        eligibility: { eligible: true, policyVersion: 'meal-subsidy/2026.1', age: 82 },
        subsidy: { status: 'PENDING', amount: 5 },
      },
      ConditionExpression: '#v = :v',
      ExpressionAttributeNames: { '#v': 'version' },
      ExpressionAttributeValues: { ':v': 1 },
    });
    const subsidyId = String(subsidyPut?.Put?.Item?.id);
    expect(subsidyId).toMatch(UUID);
    expect(appPut?.Put?.Item?.subsidy).toEqual({ id: subsidyId, status: 'PENDING', amount: 5 });
    expect(subsidyPut?.Put).toEqual({
      TableName: 'test-table',
      ConditionExpression: 'attribute_not_exists(pk)',
      Item: expect.objectContaining({
        pk: `SUBSIDY#${subsidyId}`,
        sk: 'SUBSIDY',
        applicationId: APP_ID,
        district: DISTRICT,
        status: 'PENDING',
        amount: 5,
        currency: 'CNY',
        version: 1,
        gsi2pk: `SUBSIDY#gsi2#${DISTRICT}`,
        gsi2sk: `PENDING#${NOW.toISOString()}#${subsidyId}`,
      }),
    });
    expect(consumed?.Put).toEqual({
      TableName: 'test-table',
      ConditionExpression: 'attribute_not_exists(pk)',
      Item: {
        pk: `CONSUMED#assessEligibility#${EVENT_ID}`,
        sk: 'CONSUMED',
        entity: 'CONSUMED',
        consumer: 'assessEligibility',
        eventId: EVENT_ID,
        ttl: expect.any(Number),
      },
    });
    expect(outboxEvent(outbox!)).toEqual({
      detailType: 'EligibilityAssessed',
      source: 'huimin.care',
      detail: {
        metadata: {
          schemaVersion: 1,
          eventId: expect.stringMatching(UUID),
          correlationId: submitted.detail.metadata.correlationId,
          causationId: EVENT_ID,
          idempotencyKey: `EligibilityAssessed:${APP_ID}:2`,
          occurredAt: NOW.toISOString(),
        },
        data: {
          applicationId: APP_ID,
          type: 'meal',
          district: DISTRICT,
          eligible: true,
          policyVersion: 'meal-subsidy/2026.1',
          subsidyId,
          subsidyAmount: 5,
          applicationStatus: 'AWAITING_APPROVAL',
        },
      },
    });
  });

  it('grants the subsidy without a staff step to a resident on the low-income registry (免申即享)', async () => {
    ddb.on(GetCommand, { Key: lowIncomeKey }).resolves({ Item: LowIncomeRegistry.toItem({ district: DISTRICT, idHash: lowIncomeKey.sk, importedAt: NOW.toISOString(), source: 'test' }) });

    await handler(busEvent(submitted), context);

    const [appPut, subsidyPut, , outbox] = transactItems(ddb);
    expect(appPut?.Put?.Item).toMatchObject({ status: 'MATCHING', subsidy: { status: 'APPROVED', amount: 10 } });
    expect(subsidyPut?.Put?.Item).toMatchObject({ status: 'APPROVED', amount: 10, decidedBy: 'policy:autoApproveLowIncome' });
    expect(outboxEvent(outbox!).detail.data).toMatchObject({ subsidyAmount: 10, applicationStatus: 'MATCHING' });
  });

  it("applies the application's own programme: home-visit hours by care level, subsidy per hour, stored demand and priority", async () => {
    // Prepare: 82 years old, care level 3 (重度失能), not on the registry
    const homeVisit = applicationRecord({ id: APP_ID, type: 'home-visit', status: 'SUBMITTED', version: 1, needs: { services: ['bathing'], careLevel: 3 } });
    tableWith(ddb, Applications.toItem(homeVisit));

    // Act
    await handler(busEvent(submitted), context);

    // Assess: 20 hours for level 3 + 2 for 80–89; 25 yuan an hour, waiting for staff
    const [appPut, subsidyPut] = transactItems(ddb);
    expect(appPut?.Put?.Item).toMatchObject({
      status: 'AWAITING_APPROVAL',
      gsi3pk: `APP#gsi3#${DISTRICT}#home-visit#AWAITING_APPROVAL`,
      eligibility: { eligible: true, policyVersion: 'home-visit-subsidy/2026.1', demand: 22, priorityWeight: 0.55 },
      subsidy: { status: 'PENDING', amount: 25 },
    });
    expect(subsidyPut?.Put?.Item).toMatchObject({ unit: 'hour', amount: 25, policyVersion: 'home-visit-subsidy/2026.1' });
  });

  it('frees the person\'s open-application slot in the same transaction when the application is ineligible', async () => {
    // Prepare: care level 0, 65 years old, not on the registry: no hours are due
    const young = applicationRecord({
      id: APP_ID,
      type: 'home-visit',
      status: 'SUBMITTED',
      version: 1,
      openKey: 'f'.repeat(64),
      subject: { ...applicationRecord().subject, birthDate: '1961-03-15' },
      needs: { services: ['cleaning'], careLevel: 0 },
    });
    tableWith(ddb, Applications.toItem(young));

    // Act
    await handler(busEvent(submitted), context);

    // Assess
    const [appPut, close] = transactItems(ddb);
    expect(appPut?.Put?.Item).toMatchObject({ status: 'INELIGIBLE' });
    expect(close?.Delete).toEqual({
      TableName: 'test-table',
      Key: { pk: `OPENAPP#home-visit#${'f'.repeat(64)}`, sk: 'OPENAPP' },
      ConditionExpression: 'attribute_not_exists(pk) OR #a = :a',
      ExpressionAttributeNames: { '#a': 'applicationId' },
      ExpressionAttributeValues: { ':a': APP_ID },
    });
  });

  it('resolves without error for a redelivered event whose consumed marker already exists', async () => {
    // Prepare: items are [application, subsidy, consumed, outbox]; the marker's condition fails.
    ddb.on(TransactWriteCommand).rejects(transactionCancelled('None', 'None', 'ConditionalCheckFailed', 'None'));

    // Act / Assess
    await expect(handler(busEvent(submitted), context)).resolves.toBeUndefined();
    expect(ddb).toHaveReceivedCommandTimes(TransactWriteCommand, 1);
  });

  it('resolves when another writer moved the application first', async () => {
    ddb.on(TransactWriteCommand).rejects(transactionCancelled('ConditionalCheckFailed', 'None', 'None', 'None'));

    await expect(handler(busEvent(submitted), context)).resolves.toBeUndefined();
  });

  it('does nothing for an application no longer SUBMITTED', async () => {
    tableWith(ddb, Applications.toItem(applicationRecord({ id: APP_ID, status: 'MATCHING', version: 2 })));

    await handler(busEvent(submitted), context);

    expect(ddb).not.toHaveReceivedCommand(TransactWriteCommand);
  });

  it('rethrows a DynamoDB failure so that EventBridge retries', async () => {
    ddb.on(TransactWriteCommand).rejects(new ProvisionedThroughputExceededException({ message: 'Rate of requests exceeds the allowed throughput', $metadata: {} }));

    await expect(handler(busEvent(submitted), context)).rejects.toBeInstanceOf(ProvisionedThroughputExceededException);
  });

  it('rethrows a failed read too', async () => {
    ddb.on(GetCommand).rejects(new ProvisionedThroughputExceededException({ message: 'throttled', $metadata: {} }));

    await expect(handler(busEvent(submitted), context)).rejects.toThrow('throttled');
    expect(ddb).not.toHaveReceivedCommand(TransactWriteCommand);
  });

  it('throws for a detail that fails the catalogue schema, touching no table', async () => {
    await expect(handler(busEvent(badDetail), context)).rejects.toThrow(/Cannot consume ApplicationSubmitted/);
    expect(ddb).not.toHaveReceivedAnyCommand();
  });

  it('throws for a detail-type outside the catalogue', async () => {
    await expect(handler(busEvent(unknownType), context)).rejects.toThrow(/ApplicationTeleported: not in the catalogue/);
    expect(ddb).not.toHaveReceivedAnyCommand();
  });
});
