import '../../../test-support/setup';
import { DynamoDBDocumentClient, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { Applications, Assignments } from '@huimin/store';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { type DocumentClientMock, outboxEvent, tableWith, transactItems } from '../../../test-support/dynamodb';
import { type Claims, claims, errorOf, httpEvent, parseResponse } from '../../../test-support/http';
import { fakeContext } from '../../../test-support/lambda';
import { APP_ID, assignmentRecord, NOW, offeredApplication } from '../../../test-support/records';
import { handler as declineHandler } from '../decline-offer/handler';
import { handler as acceptHandler } from './handler';

const ddb: DocumentClientMock = mockClient(DynamoDBDocumentClient);

/** A childcare place offered to the family by a round: the toddler class of a nursery. */
const nurseryOffer = (over = {}) =>
  assignmentRecord({ providerId: 'nursery-1', providerName: '仙林街道普惠托育中心', type: 'childcare', pool: 'toddler', needs: { preferences: ['nursery-1'] }, ...over });
const childcareApp = (a = nurseryOffer()) => offeredApplication(a, { type: 'childcare', ownerSub: 'fam-1', needs: { preferences: ['nursery-1'], startMonth: '2027-01' } });

async function answer(which: 'accept' | 'decline', c: Claims = claims.family()) {
  const event = httpEvent(`POST /applications/{id}/offer/${which}`, { claims: c, pathParameters: { id: APP_ID }, body: {}, requestId: `req-${which}` });
  const fn = which === 'accept' ? acceptHandler : declineHandler;
  return parseResponse(await fn(event, fakeContext(which === 'accept' ? 'acceptOffer' : 'declineOffer')));
}

beforeEach(() => {
  ddb.reset();
  ddb.on(TransactWriteCommand).resolves({});
  vi.useFakeTimers({ now: NOW, toFake: ['Date'] });
});

afterEach(() => {
  vi.useRealTimers();
});

describe('POST /applications/{id}/offer/accept and /decline (the family answers a childcare offer)', () => {
  it('accepts: the offer and the application move together, under the versions read; the place stays held', async () => {
    const a = nurseryOffer();
    tableWith(ddb, Assignments.toItem(a), Applications.toItem(childcareApp(a)));

    const res = await answer('accept');

    expect(res.status).toBe(200);
    const [assignmentPut, appPut, outbox, ...rest] = transactItems(ddb);
    expect(rest).toEqual([]);
    expect(assignmentPut?.Put?.Item).toMatchObject({ status: 'ACCEPTED', acceptedAt: NOW.toISOString(), version: 2 });
    expect(assignmentPut?.Put?.ConditionExpression).toBe('#v = :v');
    expect(appPut?.Put?.Item).toMatchObject({ status: 'ACTIVE', version: 5 });
    expect((appPut?.Put?.Item?.history as { noteZh: string }[] | undefined)?.at(-1)?.noteZh).toContain('已接受仙林街道普惠托育中心的托位');
    expect(outboxEvent(outbox!).detailType).toBe('AssignmentAccepted');
  });

  it('declines: the place goes back to its class, and the application waits for the next round without that nursery', async () => {
    const a = nurseryOffer();
    tableWith(ddb, Assignments.toItem(a), Applications.toItem(childcareApp(a)));

    const res = await answer('decline');

    expect(res.status).toBe(200);
    const items = transactItems(ddb);
    const release = items.find((i) => i.Update)?.Update;
    expect(release?.UpdateExpression).toBe('SET #r = #r - :n, #a = #a + :n, #p.#k.#r = #p.#k.#r - :n, #p.#k.#a = #p.#k.#a + :n');
    expect(release?.ConditionExpression).toBe('attribute_exists(pk) AND #p.#k.#r >= :n');
    expect(release?.ExpressionAttributeNames).toMatchObject({ '#p': 'pools', '#k': 'toddler' });
    const app = items.find((i) => String(i.Put?.Item?.pk).startsWith('APP#'))?.Put?.Item;
    expect(app).toMatchObject({ status: 'MATCHING', exclusions: [{ providerId: 'nursery-1' }] });
    // A year's exclusion: policy `declineCooldownDays` 365.
    expect((app?.exclusions as { until: string }[] | undefined)?.[0]?.until).toBe('2027-11-27T08:00:00.000Z');
  });

  it('answers 409 OFFER_ANSWERED_BY_OTHER for an offer the provider answers (meals), writing nothing', async () => {
    const a = assignmentRecord();
    tableWith(ddb, Assignments.toItem(a), Applications.toItem(offeredApplication(a)));

    const res = await answer('accept');

    expect(res.status).toBe(409);
    expect(errorOf(res).code).toBe('OFFER_ANSWERED_BY_OTHER');
    expect(ddb).not.toHaveReceivedCommand(TransactWriteCommand);
  });

  it("answers 404 for another family's application, and 403 to providers", async () => {
    const a = nurseryOffer();
    tableWith(ddb, Assignments.toItem(a), Applications.toItem(childcareApp(a)));

    expect((await answer('accept', claims.family('someone-else'))).status).toBe(404);
    expect((await answer('decline', claims.provider('nursery-1'))).status).toBe(403);
    expect(ddb).not.toHaveReceivedCommand(TransactWriteCommand);
  });

  it('answers 409 OFFER_EXPIRED after the deadline, and lets the offer lapse', async () => {
    const a = nurseryOffer({ expiresAt: '2026-11-27T07:00:00.000Z' });
    tableWith(ddb, Assignments.toItem(a), Applications.toItem(childcareApp(a)));

    const res = await answer('accept');

    expect(res.status).toBe(409);
    expect(errorOf(res).code).toBe('OFFER_EXPIRED');
    const app = transactItems(ddb).find((i) => String(i.Put?.Item?.pk).startsWith('APP#'))?.Put?.Item;
    expect((app?.history as { noteZh: string }[] | undefined)?.at(-1)?.noteZh).toContain('下一轮重新分配');
  });
});
