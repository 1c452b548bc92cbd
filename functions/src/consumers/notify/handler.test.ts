import '../../../test-support/setup';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { ApplicationWaitlisted, AssignmentAccepted, AssignmentOffered, EligibilityAssessed, type EventDefinition, SubsidyRejected } from '@huimin/events';
import { Applications, Assignments, Store } from '@huimin/store';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { type DocumentClientMock, tableWith, transactItems, transactionCancelled } from '../../../test-support/dynamodb';
import { fakeContext } from '../../../test-support/lambda';
import { APP_ID, ASSIGNMENT_ID, applicationRecord, assignmentRecord, NOW, SUBJECT_ID_NUMBER, SUBSIDY_ID } from '../../../test-support/records';
import { FileSms, NO_SMS } from '../../lib/sms';
import { DEADLINE_REMINDER_MS, recipientOf, remindDeadlines } from '../../use-cases/notifications';

// The local SMS gateway writes here (read once, when the handler first sends).
const SMS_FILE = join(mkdtempSync(join(tmpdir(), 'huimin-sms-')), 'sms.jsonl');
vi.stubEnv('SMS_OUTBOX_FILE', SMS_FILE);
const { handler } = await import('./handler');

const ddb: DocumentClientMock = mockClient(DynamoDBDocumentClient);
const context = fakeContext('notify');

/** An event as EventBridge delivers it, from the catalogue's example with this test's data. */
function delivered(def: EventDefinition, data: Record<string, unknown>, eventId = `e-${def.detailType}`) {
  const { metadata, data: example } = def.example;
  return {
    version: '0',
    id: eventId,
    'detail-type': def.detailType,
    source: 'huimin.applications',
    account: '000000000000',
    time: NOW.toISOString(),
    region: 'cn-north-1',
    resources: [],
    detail: { metadata: { ...metadata, eventId, occurredAt: NOW.toISOString() }, data: { ...example, ...data } },
  };
}

const texts = () => {
  try {
    return readFileSync(SMS_FILE, 'utf8').trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as { to: string; text: string; kind: string });
  } catch {
    return [];
  }
};
/** The notifications the `n`th transaction put, by recipient. */
const notes = (n = 0) =>
  transactItems(ddb, n)
    .map((i) => i.Put?.Item)
    .filter((item) => String(item?.pk).startsWith('NOTE#'))
    .map((item) => item as Record<string, string>);

const offered = assignmentRecord();
const app = applicationRecord({
  status: 'OFFERED',
  assignment: { id: ASSIGNMENT_ID, providerId: offered.providerId, providerName: offered.providerName, status: 'OFFERED', expiresAt: offered.expiresAt, distanceMetres: 300 },
});

beforeEach(() => {
  ddb.reset();
  tableWith(ddb, Applications.toItem(app));
  ddb.on(TransactWriteCommand).resolves({});
  vi.useFakeTimers({ now: NOW, toFake: ['Date'] });
});

afterEach(() => {
  vi.useRealTimers();
});

describe('notify consumer', () => {
  it("tells the meal point of a new assignment and the family that one was found, with the consumer's marker, and texts nobody yet", async () => {
    const before = texts().length;

    await handler(delivered(AssignmentOffered, { applicationId: APP_ID, assignmentId: ASSIGNMENT_ID, providerId: offered.providerId, expiresAt: offered.expiresAt }), context);

    const put = notes();
    expect(put.map((n) => [n.pk, n.kind])).toEqual([
      [`NOTE#provider:${offered.providerId}`, 'offer-made'],
      ['NOTE#user:fam-1', 'offer-made'],
    ]);
    expect(put[0]).toMatchObject({ titleZh: '新派单：王秀英（仙林街道）', applicationId: APP_ID, assignmentId: ASSIGNMENT_ID });
    // The deadline in China time: 2026-11-28T08:00Z is 16:00 in Beijing.
    expect(put[0]!.bodyZh).toContain('11/28 16:00');
    expect(transactItems(ddb).some((i) => String(i.Put?.Item?.pk).startsWith('CONSUMED#notify#'))).toBe(true);
    expect(texts().length).toBe(before);
  });

  it('tells and texts the family once the provider accepts; a redelivery writes nothing new and texts nobody', async () => {
    const before = texts().length;
    const event = delivered(AssignmentAccepted, { applicationId: APP_ID, assignmentId: ASSIGNMENT_ID, providerId: offered.providerId, applicationStatus: 'ACTIVE' });

    await handler(event, context);

    expect(notes().map((n) => [n.pk, n.kind])).toEqual([['NOTE#user:fam-1', 'offer-accepted']]);
    const sent = texts().slice(before);
    expect(sent).toEqual([{ at: expect.any(String), to: '13912345678', kind: 'offer-accepted', text: expect.stringMatching(/^【惠民】王秀英的助餐服务已确认：仙林街道长者食堂/) }]);
    // No ID number, no address in a text.
    expect(JSON.stringify(sent)).not.toContain(SUBJECT_ID_NUMBER);
    expect(JSON.stringify(sent)).not.toContain('32.105');

    // The same event again: the marker's condition fails, so the effect was had already.
    ddb.on(TransactWriteCommand).rejects(transactionCancelled('None', 'ConditionalCheckFailed'));
    await handler(event, context);
    expect(texts().length).toBe(before + 1);
  });

  it('writes the same item for the same event and inbox (the key does not depend on when it runs)', async () => {
    const event = delivered(ApplicationWaitlisted, { applicationId: APP_ID, applicationStatus: 'WAITLISTED' });
    await handler(event, context);
    vi.setSystemTime(new Date(NOW.getTime() + 60_000));
    await handler(event, context);

    expect(notes(0)).toEqual(notes(1));
    expect(notes(0)[0]).toMatchObject({ kind: 'waitlisted', at: NOW.toISOString() });
  });

  it("tells the district's staff when a subsidy waits, and nobody when an assessment needs no decision", async () => {
    await handler(delivered(EligibilityAssessed, { applicationId: APP_ID, subsidyId: SUBSIDY_ID, applicationStatus: 'AWAITING_APPROVAL' }), context);
    expect(notes().map((n) => [n.pk, n.kind, n.subsidyId])).toEqual([['NOTE#district:320113', 'subsidy-requested', SUBSIDY_ID]]);

    await handler(delivered(EligibilityAssessed, { applicationId: APP_ID, applicationStatus: 'MATCHING' }, 'e-2'), context);
    expect(ddb).toHaveReceivedCommandTimes(TransactWriteCommand, 1);
  });

  it("gives the staff's reason in the inbox when a subsidy is refused, and never in a text (staff type it freely)", async () => {
    const before = texts().length;
    const reason = `户籍不在本区，身份证 ${SUBJECT_ID_NUMBER}`;
    await handler(delivered(SubsidyRejected, { applicationId: APP_ID, subsidyId: SUBSIDY_ID, reason, applicationStatus: 'REJECTED' }), context);

    expect(notes()[0]).toMatchObject({ kind: 'subsidy-decided', bodyZh: expect.stringContaining('原因：户籍不在本区') });
    const [sent] = texts().slice(before);
    expect(sent?.text).toMatch(/^【惠民】王秀英的补贴未获批准。原因请登录惠民查看/);
    expect(sent?.text).not.toContain(SUBJECT_ID_NUMBER);
  });

  it('waits quietly: the waiting list is in the inbox, with no text, in words that fit how the programme offers', async () => {
    const before = texts().length;
    await handler(delivered(ApplicationWaitlisted, { applicationId: APP_ID, applicationStatus: 'WAITLISTED' }), context);
    expect(notes()[0]).toMatchObject({ kind: 'waitlisted', bodyZh: expect.stringContaining('有名额时会立即为您匹配') });
    expect(texts().length).toBe(before);

    tableWith(ddb, Applications.toItem(applicationRecord({ type: 'childcare' })));
    await handler(delivered(ApplicationWaitlisted, { applicationId: APP_ID, type: 'childcare', applicationStatus: 'WAITLISTED' }, 'e-child'), context);
    expect(notes(1)[0]).toMatchObject({ kind: 'waitlisted', bodyZh: expect.stringContaining('下一轮统一分配') });
  });

  it('names the provider of the event’s own offer, not of a newer one', async () => {
    await handler(delivered(AssignmentAccepted, { applicationId: APP_ID, assignmentId: 'an-earlier-offer', providerId: 'p-old', applicationStatus: 'ACTIVE' }), context);
    expect(notes()[0]!.titleZh).not.toContain(offered.providerName);
  });

  it('does nothing for an application that is gone', async () => {
    tableWith(ddb);
    await handler(delivered(ApplicationWaitlisted, { applicationId: 'gone', applicationStatus: 'WAITLISTED' }), context);
    expect(ddb).not.toHaveReceivedCommand(TransactWriteCommand);
  });
});

describe('inboxes', () => {
  it("are a family's or grid worker's own, a provider's, or a district's", () => {
    expect(recipientOf({ role: 'family', sub: 'f1' })).toBe('user:f1');
    expect(recipientOf({ role: 'grid', sub: 'g1', district: '320113', street: '仙林街道' })).toBe('user:g1');
    expect(recipientOf({ role: 'provider', sub: 'u', providerId: 'p1' })).toBe('provider:p1');
    expect(recipientOf({ role: 'staff', sub: 's', district: '320113' })).toBe('district:320113');
  });
});

describe('deadline reminders', () => {
  const deps = () => ({ store: new Store(DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'cn-north-1' })), 'test-table'), now: () => new Date() });
  const at = (ms: number) => new Date(NOW.getTime() + ms).toISOString();

  it('reminds the provider of an offer due within the window, once; not one due later or already past', async () => {
    const soon = assignmentRecord({ id: 'soon', expiresAt: at(DEADLINE_REMINDER_MS - 60_000) });
    const later = assignmentRecord({ id: 'later', expiresAt: at(DEADLINE_REMINDER_MS + 60_000) });
    const past = assignmentRecord({ id: 'past', expiresAt: at(-1) });

    expect(await remindDeadlines(deps(), NO_SMS, [soon, later, past])).toBe(1);

    const [note] = notes();
    expect(note).toMatchObject({ pk: `NOTE#provider:${soon.providerId}`, kind: 'deadline-near', assignmentId: 'soon', at: at(-60_000) });
    // The marker is keyed by the offer: the next sweep's reminder is a duplicate.
    expect(transactItems(ddb).some((i) => i.Put?.Item?.pk === 'CONSUMED#remindDeadline#soon')).toBe(true);
  });

  it('reminds and texts the family when the family answers the offer (a nursery place)', async () => {
    const child = applicationRecord({
      type: 'childcare',
      ownerSub: 'parent-1',
      applicant: { name: '赵敏', phone: '13800000000', relationship: 'parent' },
      assignment: { id: ASSIGNMENT_ID, providerId: 'p-near', providerName: '仙林托育', status: 'OFFERED', expiresAt: at(3_600_000), distanceMetres: 300 },
    });
    tableWith(ddb, Applications.toItem(child), Assignments.toItem(assignmentRecord()));
    const sent: { to: string; text: string }[] = [];
    const sms = { name: 'test', send: async (m: { to: string; text: string }) => void sent.push(m) };

    await remindDeadlines(deps(), sms, [assignmentRecord({ type: 'childcare', expiresAt: at(3_600_000) })]);

    expect(notes()[0]).toMatchObject({ pk: 'NOTE#user:parent-1', kind: 'deadline-near' });
    expect(sent).toEqual([{ to: '13800000000', kind: 'deadline-near', text: expect.stringMatching(/^【惠民】请尽快答复/) }]);

    // Once the family has answered, a lagging index does not bring a reminder.
    ddb.resetHistory();
    tableWith(ddb, Applications.toItem({ ...child, assignment: { ...child.assignment!, status: 'ACCEPTED' } }));
    expect(await remindDeadlines(deps(), sms, [assignmentRecord({ type: 'childcare', expiresAt: at(3_600_000) })])).toBe(0);
    expect(ddb).not.toHaveReceivedCommand(TransactWriteCommand);
  });

  it('sends through a file gateway as one JSON line per message', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'huimin-sms-')), 'out', 'sms.jsonl');
    await new FileSms(file).send({ to: '13900000000', text: '【惠民】测试', kind: 'waitlisted' });
    expect(JSON.parse(readFileSync(file, 'utf8'))).toMatchObject({ to: '13900000000', text: '【惠民】测试', kind: 'waitlisted' });
  });
});
