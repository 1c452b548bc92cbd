import { createHash } from 'node:crypto';
import { type NotificationKind, programmeOf } from '@huimin/domain';
import {
  ApplicationWaitlisted,
  AssignmentAccepted,
  AssignmentOffered,
  EligibilityAssessed,
  SubsidyApproved,
  SubsidyRejected,
} from '@huimin/events';
import type { ApplicationRecord, AssignmentRecord, NotificationRecord, Store } from '@huimin/store';
import type { Actor } from '../lib/actor';
import type { Deps } from '../lib/config';
import type { ParsedEvent } from '../lib/consumer';
import { logger } from '../lib/logger';
import type { SmsSender } from '../lib/sms';
import type { NotificationView } from '../views';
import { commitOnce, type Outcome } from './consume';

/**
 * Inboxes: what each person is told, and when. The notify consumer turns events into notifications
 * for each audience — the family (or the grid worker who filed), the provider, the district's staff —
 * and sends the family a text message for the few that need them to act or that end a wait. The
 * offer sweep adds "deadline near". Texts name the resident and the provider, never an ID number,
 * a phone or an address.
 */

/** Inbox items are kept this long. */
const KEEP_DAYS = 180;
/** An open offer is reminded of this long before its deadline. */
export const DEADLINE_REMINDER_MS = 2 * 3_600_000;

/** Whose inbox: one per family user, per provider, per district's staff. */
export function recipientOf(actor: Actor): string {
  switch (actor.role) {
    case 'provider':
      return `provider:${actor.providerId}`;
    case 'staff':
      return `district:${actor.district}`;
    default:
      return `user:${actor.sub}`;
  }
}

/** One message before it is addressed: its words in Chinese and English, and what it is about. */
interface Message {
  audience: 'family' | 'provider' | 'staff';
  kind: NotificationKind;
  zh: [title: string, body: string];
  en: [title: string, body: string];
  /** Also sent to the applicant's phone as a text. */
  sms?: boolean;
  /** The text's body when the inbox's may carry what a person typed (a reason), which a text never does. */
  smsBodyZh?: string;
}

const CHINA_TIME = new Intl.DateTimeFormat('zh-CN', { timeZone: 'Asia/Shanghai', month: 'numeric', day: 'numeric', hour: '2-digit', minute: '2-digit', hour12: false });
const chinaTime = (iso: string) => CHINA_TIME.format(new Date(iso));

/** What an event tells each audience about one application. */
function messagesFor(detailType: string, data: Record<string, unknown>, app: ApplicationRecord): Message[] {
  const p = programmeOf(app.type);
  const who = app.subject.name;
  // The event's own assignment: a late or redelivered event about an earlier offer names no newer provider.
  const provider = app.assignment && app.assignment.id === data.assignmentId ? app.assignment.providerName : p.providerNoun.zh;
  const familyAnswers = p.offerAnsweredBy === 'family';
  switch (detailType) {
    case EligibilityAssessed.detailType:
      if (data.applicationStatus !== 'AWAITING_APPROVAL') return [];
      return [
        {
          audience: 'staff',
          kind: 'subsidy-requested',
          zh: [`待审批补贴：${who}（${app.street}）`, `${p.name.zh}补贴申请等待审核。`],
          en: [`Subsidy to decide: ${who} (${app.street})`, `A ${p.name.en.toLowerCase()} subsidy waits for your decision.`],
        },
      ];
    case AssignmentOffered.detailType: {
      const due = chinaTime(String(data.expiresAt));
      return familyAnswers
        ? [
            {
              audience: 'family',
              kind: 'offer-made',
              zh: [`${provider}为${who}留了名额`, `请在 ${due} 前接受或放弃这个名额。`],
              en: [`${provider} has a place for ${who}`, `Please accept or decline it before ${due}.`],
              sms: true,
            },
          ]
        : [
            {
              audience: 'provider',
              kind: 'offer-made',
              zh: [`新派单：${who}（${app.street}）`, `请在 ${due} 前接单或说明原因婉拒。`],
              en: [`New assignment: ${who} (${app.street})`, `Please accept, or decline with a reason, before ${due}.`],
            },
            {
              audience: 'family',
              kind: 'offer-made',
              zh: [`已为${who}匹配到${provider}`, `正在等待${p.providerNoun.zh}确认，确认后即可看到地址和电话。`],
              en: [`${provider} was found for ${who}`, `Waiting for the ${p.providerNoun.en} to confirm; its address and phone appear once it does.`],
            },
          ];
    }
    case AssignmentAccepted.detailType:
      return [
        {
          audience: 'family',
          kind: 'offer-accepted',
          zh: [`${who}的${p.name.zh}已确认：${provider}`, '现在可以查看地址、开放时间和电话。'],
          en: [`${p.name.en} confirmed for ${who}: ${provider}`, 'Its address, opening hours and phone are now shown.'],
          sms: true,
        },
        ...(familyAnswers
          ? [
              {
                audience: 'provider' as const,
                kind: 'offer-accepted' as const,
                zh: [`${who}的家庭已接受名额`, '现在可以查看家庭的联系方式。'] as [string, string],
                en: [`The family of ${who} accepted the place`, "The family's contact details are now shown."] as [string, string],
              },
            ]
          : []),
      ];
    case ApplicationWaitlisted.detailType:
      return [
        {
          audience: 'family',
          kind: 'waitlisted',
          zh: [
            `${who}正在排队等候${p.name.zh}`,
            p.offersBy === 'rounds' ? '名额将在区民政部门的下一轮统一分配中安排，结果会通知您。' : '附近暂时没有空余名额，有名额时会立即为您匹配并通知您。',
          ],
          en: [
            `${who} is on the waiting list for ${p.name.en.toLowerCase()}`,
            p.offersBy === 'rounds' ? "Places are given in the district's next allocation round; you will be told the result." : 'No place is free nearby for now; you will be matched and told as soon as one is.',
          ],
          // No text: an application may wait again after each declined or lapsed offer; the inbox says it.
        },
      ];
    case SubsidyApproved.detailType:
      return [
        {
          audience: 'family',
          kind: 'subsidy-decided',
          zh: [`${who}的补贴已批准`, `正在为${who}匹配${p.providerNoun.zh}。`],
          en: [`The subsidy for ${who} is approved`, `A ${p.providerNoun.en} is being found for ${who}.`],
          sms: true,
        },
      ];
    case SubsidyRejected.detailType:
      return [
        {
          audience: 'family',
          kind: 'subsidy-decided',
          zh: [`${who}的补贴未获批准`, `原因：${String(data.reason)}。如有疑问，请联系街道或区民政部门。`],
          smsBodyZh: '原因请登录惠民查看；如有疑问，请联系街道或区民政部门。',
          en: [`The subsidy for ${who} was not approved`, `Reason: ${String(data.reason)}. Ask your street office or the district civil-affairs bureau if anything is unclear.`],
          sms: true,
        },
      ];
    default:
      return [];
  }
}

/** The inbox of a message's audience for one application (and, for providers, one assignment). */
function recipientFor(audience: Message['audience'], app: ApplicationRecord, providerId: string | undefined): string | undefined {
  if (audience === 'family') return `user:${app.ownerSub}`;
  if (audience === 'staff') return `district:${app.district}`;
  return providerId ? `provider:${providerId}` : undefined;
}

/** An id stable across redeliveries of the same event to the same inbox. */
const stableId = (...parts: string[]) => createHash('sha256').update(parts.join('\u0000')).digest('hex').slice(0, 20);

function record(m: Message, recipient: string, at: string, id: string, about: Pick<NotificationRecord, 'applicationId' | 'assignmentId' | 'subsidyId'>): NotificationRecord {
  return {
    recipient,
    at,
    id,
    kind: m.kind,
    titleZh: m.zh[0],
    bodyZh: m.zh[1],
    title: m.en[0],
    body: m.en[1],
    ...Object.fromEntries(Object.entries(about).filter(([, v]) => typeof v === 'string')),
    ttl: Math.floor(Date.parse(at) / 1000) + KEEP_DAYS * 86_400,
  };
}

/** The text a family's phone receives: the message in Chinese, signed as the service. */
const smsText = (m: Message) => `【惠民】${m.zh[0]}。${m.smsBodyZh ?? m.zh[1]}`;

/**
 * The notify consumer's work: the event's messages into each audience's inbox, committed once with
 * the consumer's marker; then the family's texts, only when this delivery wrote them (a redelivered
 * event sends none). A failed text is logged and counted, never retried into a second copy.
 */
export async function notifyOf(deps: Deps, sms: SmsSender, event: ParsedEvent): Promise<Outcome> {
  const data = event.data;
  const app = await deps.store.getApplication(String(data.applicationId));
  if (!app) return 'stale';
  const messages = messagesFor(event.detailType, data, app);
  const about = { applicationId: app.id, assignmentId: data.assignmentId as string | undefined, subsidyId: data.subsidyId as string | undefined };
  const providerId = typeof data.providerId === 'string' ? data.providerId : undefined;
  const notes = messages.flatMap((m) => {
    const recipient = recipientFor(m.audience, app, providerId);
    return recipient ? [record(m, recipient, event.metadata.occurredAt, stableId(event.metadata.eventId, recipient), about)] : [];
  });
  if (notes.length === 0) return 'stale';
  const outcome = await commitOnce(deps, 'notify', event.metadata.eventId, notes.map((n) => deps.store.notification(n)), []);
  if (outcome === 'done') await textFamily(sms, app, messages);
  return outcome;
}

async function textFamily(sms: SmsSender, app: ApplicationRecord, messages: readonly Message[]) {
  for (const m of messages) {
    if (!m.sms) continue;
    try {
      await sms.send({ to: app.applicant.phone, text: smsText(m), kind: m.kind });
    } catch (err) {
      // The inbox has the message; the text is not worth failing (and re-running) the event for.
      logger.error('Text message not sent', { gateway: sms.name, kind: m.kind, applicationId: app.id, error: (err as Error).name });
    }
  }
}

/**
 * The offer sweep's reminders: each open offer within DEADLINE_REMINDER_MS of its deadline gets one
 * "deadline near" in the inbox of whoever answers it (provider or family). The item's key comes from
 * the offer, so later sweeps write it again unchanged; the family's text goes with the first.
 */
export async function remindDeadlines(deps: Deps, sms: SmsSender, offers: readonly AssignmentRecord[]): Promise<number> {
  const now = deps.now();
  let reminded = 0;
  for (const a of offers) {
    const left = Date.parse(a.expiresAt) - now.getTime();
    if (left <= 0 || left > DEADLINE_REMINDER_MS) continue;
    const p = programmeOf(a.type);
    const due = chinaTime(a.expiresAt);
    const family = p.offerAnsweredBy === 'family';
    const app = family ? await deps.store.getApplication(a.applicationId) : undefined;
    // The index the sweep reads can lag: a family that has answered already is not reminded.
    if (family && !(app?.assignment?.id === a.id && app.assignment.status === 'OFFERED')) continue;
    const recipient = family && app ? `user:${app.ownerSub}` : `provider:${a.providerId}`;
    const m: Message = family
      ? {
          audience: 'family',
          kind: 'deadline-near',
          zh: [`请尽快答复${a.providerName}的名额`, `${a.subjectName}的名额将在 ${due} 失效。`],
          en: [`Please answer ${a.providerName}'s place soon`, `The place for ${a.subjectName} lapses at ${due}.`],
          sms: true,
        }
      : {
          audience: 'provider',
          kind: 'deadline-near',
          zh: [`派单即将超时：${a.subjectName}（${a.street}）`, `请在 ${due} 前接单或婉拒，超时将转给下一家。`],
          en: [`Assignment about to lapse: ${a.subjectName} (${a.street})`, `Accept or decline before ${due}; after that it goes to the next provider.`],
        };
    const at = new Date(Date.parse(a.expiresAt) - DEADLINE_REMINDER_MS).toISOString();
    const note = record(m, recipient, at, stableId('deadline', a.id), { applicationId: a.applicationId, assignmentId: a.id });
    const outcome = await commitOnce(deps, 'remindDeadline', a.id, [deps.store.notification(note)], []);
    if (outcome !== 'done') continue;
    reminded++;
    if (app) await textFamily(sms, app, [m]);
  }
  return reminded;
}

/** A user's inbox page, newest first. */
export async function inboxOf(store: Store, actor: Actor, page: { limit?: number; nextToken?: string }) {
  const found = await store.listNotifications(recipientOf(actor), page);
  return { items: found.items.map(notificationView), ...(found.nextToken ? { nextToken: found.nextToken } : {}) };
}

export function notificationView(n: NotificationRecord): NotificationView {
  const { recipient: _r, ttl: _t, ...view } = n;
  return view;
}
