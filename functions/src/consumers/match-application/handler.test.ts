import '../../../test-support/setup';
import { DynamoDBDocumentClient, GetCommand, QueryCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { Applications, type ProviderRecord, Providers } from '@huimin/store';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { type DocumentClientMock, outboxEvent, tableWith, transactItems, transactionCancelled, UUID } from '../../../test-support/dynamodb';
import assessed from '../../../test-support/events/eligibility-assessed.matching.json';
import { busEvent, fakeContext } from '../../../test-support/lambda';
import { applicationRecord, DISTRICT, NOW, providerRecord } from '../../../test-support/records';
import { handler } from './handler';

const ddb: DocumentClientMock = mockClient(DynamoDBDocumentClient);
const context = fakeContext('matchApplication');

const APP_ID = assessed.detail.data.applicationId;
const EVENT_ID = assessed.detail.metadata.eventId;
const OFFER_HOURS = 48;

/** About 300 m and 800 m from the subject's home, both inside the default 1 km. */
const near = providerRecord({ id: 'p-near', name: '仙林街道长者食堂', location: { lat: 32.1077, lng: 118.93 }, capacity: 40, reserved: 39 });
const far = providerRecord({ id: 'p-far', name: '仙林湖社区助餐点', location: { lat: 32.1122, lng: 118.93 }, capacity: 20, reserved: 3 });

function given(providers: ProviderRecord[], app = applicationRecord({ id: APP_ID, status: 'MATCHING', version: 3 })) {
  tableWith(ddb, Applications.toItem(app));
  // Listed in street-and-id order, as gsi2 holds them, not by distance.
  ddb.on(QueryCommand).resolves({ Items: providers.map((p) => Providers.toItem(p)) });
}

/** The provider a transaction tries to reserve, by its Update's key. */
function reserved(items: ReturnType<typeof transactItems>): string | undefined {
  return items.find((i) => i.Update?.UpdateExpression === 'SET #r = #r + :n, #a = #a - :n')?.Update?.Key?.pk;
}

beforeEach(() => {
  ddb.reset();
  ddb.on(TransactWriteCommand).resolves({});
  vi.useFakeTimers({ now: NOW, toFake: ['Date'] });
});

afterEach(() => {
  vi.useRealTimers();
});

describe('match-application consumer', () => {
  it('offers the nearest place: reservation, assignment, application, marker and event in one transaction', async () => {
    // Prepare
    given([far, near]);

    // Act
    await handler(busEvent(assessed), context);

    // Assess
    expect(ddb).toHaveReceivedCommandWith(GetCommand, { Key: { pk: `APP#${APP_ID}`, sk: 'APP' } });
    expect(ddb).toHaveReceivedCommandWith(QueryCommand, {
      IndexName: 'gsi2',
      ExpressionAttributeNames: { '#pk': 'gsi2pk' },
      ExpressionAttributeValues: { ':pk': `PROVIDER#gsi2#${DISTRICT}#meal` },
    });
    expect(ddb).toHaveReceivedCommandTimes(TransactWriteCommand, 1);
    const [appPut, reserve, assignmentPut, consumed, outbox, ...rest] = transactItems(ddb);
    expect(rest).toEqual([]);
    const assignmentId = String(assignmentPut?.Put?.Item?.id);
    const expiresAt = new Date(NOW.getTime() + OFFER_HOURS * 3600_000).toISOString();
    expect(appPut?.Put).toMatchObject({
      Item: {
        pk: `APP#${APP_ID}`,
        status: 'OFFERED',
        version: 4,
        assignment: { id: assignmentId, providerId: 'p-near', status: 'OFFERED', expiresAt, distanceMetres: 300 },
      },
      ConditionExpression: '#v = :v',
      ExpressionAttributeValues: { ':v': 3 },
    });
    expect(reserve?.Update).toEqual({
      TableName: 'test-table',
      Key: { pk: 'PROVIDER#p-near', sk: 'PROVIDER' },
      UpdateExpression: 'SET #r = #r + :n, #a = #a - :n',
      ConditionExpression: 'attribute_exists(pk) AND #a >= :n',
      ExpressionAttributeNames: { '#r': 'reserved', '#a': 'available' },
      ExpressionAttributeValues: { ':n': 1 },
    });
    expect(assignmentId).toMatch(UUID);
    expect(assignmentPut?.Put).toMatchObject({
      ConditionExpression: 'attribute_not_exists(pk)',
      Item: {
        pk: `ASSIGN#${assignmentId}`,
        applicationId: APP_ID,
        providerId: 'p-near',
        status: 'OFFERED',
        expiresAt,
        gsi1pk: 'ASSIGN#gsi1#p-near',
        gsi2pk: 'ASSIGN#gsi2#p-near#OFFERED',
        // Open offers sit in the sparse expiry index, ordered by deadline.
        gsi3pk: 'ASSIGN#gsi3#OFFERED',
        gsi3sk: `${expiresAt}#${assignmentId}`,
      },
    });
    expect(consumed?.Put?.Item).toMatchObject({ pk: `CONSUMED#matchApplication#${EVENT_ID}` });
    expect(outboxEvent(outbox!)).toMatchObject({
      detailType: 'AssignmentOffered',
      detail: {
        metadata: { causationId: EVENT_ID, correlationId: assessed.detail.metadata.correlationId, idempotencyKey: `AssignmentOffered:${APP_ID}:4` },
        data: { assignmentId, applicationId: APP_ID, providerId: 'p-near', expiresAt, distanceMetres: 300, applicationStatus: 'OFFERED' },
      },
    });
  });

  it('tries the next nearest when the nearest lost its last place to another offer', async () => {
    // Prepare: items are [application, reserve, assignment, consumed, outbox]; the reservation fails.
    given([far, near]);
    ddb.on(TransactWriteCommand).rejectsOnce(transactionCancelled('None', 'ConditionalCheckFailed', 'None', 'None', 'None')).resolves({});

    // Act
    await handler(busEvent(assessed), context);

    // Assess
    expect(ddb).toHaveReceivedCommandTimes(TransactWriteCommand, 2);
    expect(reserved(transactItems(ddb, 0))).toBe('PROVIDER#p-near');
    const second = transactItems(ddb, 1);
    expect(reserved(second)).toBe('PROVIDER#p-far');
    expect(second[0]?.Put?.Item).toMatchObject({ status: 'OFFERED', assignment: { providerId: 'p-far', distanceMetres: 801 } });
    expect(second[2]?.Put?.Item).toMatchObject({ providerId: 'p-far', providerName: '仙林湖社区助餐点' });
    expect(outboxEvent(second[4]!).detail.data).toMatchObject({ providerId: 'p-far' });
  });

  it('waitlists when every place within reach is taken meanwhile', async () => {
    given([far, near]);
    ddb
      .on(TransactWriteCommand)
      .rejectsOnce(transactionCancelled('None', 'ConditionalCheckFailed', 'None', 'None', 'None'))
      .rejectsOnce(transactionCancelled('None', 'ConditionalCheckFailed', 'None', 'None', 'None'))
      .resolves({});

    await handler(busEvent(assessed), context);

    expect(ddb).toHaveReceivedCommandTimes(TransactWriteCommand, 3);
    const [appPut, consumed, outbox, ...rest] = transactItems(ddb, 2);
    expect(rest).toEqual([]);
    expect(appPut?.Put).toMatchObject({
      Item: { pk: `APP#${APP_ID}`, status: 'WAITLISTED', version: 4, gsi3pk: `APP#gsi3#${DISTRICT}#meal#WAITLISTED` },
      ExpressionAttributeValues: { ':v': 3 },
    });
    expect(appPut?.Put?.Item).not.toHaveProperty('assignment');
    expect(consumed?.Put?.Item).toMatchObject({ pk: `CONSUMED#matchApplication#${EVENT_ID}` });
    expect(outboxEvent(outbox!)).toMatchObject({ detailType: 'ApplicationWaitlisted', detail: { data: { applicationId: APP_ID, applicationStatus: 'WAITLISTED' } } });
  });

  it('waitlists straight away when no provider is admissible', async () => {
    given([
      providerRecord({ id: 'p-full', capacity: 10, reserved: 10 }),
      providerRecord({ id: 'p-excluded' }),
      providerRecord({ id: 'p-halal-only', diets: ['halal'] }),
      providerRecord({ id: 'p-too-far', location: { lat: 32.12, lng: 118.93 } }),
    ], applicationRecord({ id: APP_ID, status: 'MATCHING', version: 3, needs: { diets: ['soft'] }, exclusions: [{ providerId: 'p-excluded', until: '2026-12-04T08:00:00.000Z' }] }));

    await handler(busEvent(assessed), context);

    expect(ddb).toHaveReceivedCommandTimes(TransactWriteCommand, 1);
    expect(transactItems(ddb)[0]?.Put?.Item).toMatchObject({ status: 'WAITLISTED' });
    expect(reserved(transactItems(ddb))).toBeUndefined();
  });

  it('resolves without a second offer for a redelivered event', async () => {
    given([far, near]);
    ddb.on(TransactWriteCommand).rejects(transactionCancelled('None', 'None', 'None', 'ConditionalCheckFailed', 'None'));

    await expect(handler(busEvent(assessed), context)).resolves.toBeUndefined();
    expect(ddb).toHaveReceivedCommandTimes(TransactWriteCommand, 1);
  });

  it('does nothing for an application no longer MATCHING', async () => {
    given([far, near], applicationRecord({ id: APP_ID, status: 'OFFERED', version: 4 }));

    await handler(busEvent(assessed), context);

    expect(ddb).not.toHaveReceivedCommand(QueryCommand);
    expect(ddb).not.toHaveReceivedCommand(TransactWriteCommand);
  });

  it('rethrows a failure that is not a lost race', async () => {
    given([far, near]);
    ddb.on(TransactWriteCommand).rejects(new Error('socket hang up'));

    await expect(handler(busEvent(assessed), context)).rejects.toThrow('socket hang up');
    expect(ddb).toHaveReceivedCommandTimes(TransactWriteCommand, 1);
  });
});
