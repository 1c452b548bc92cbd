import { IllegalTransitionError } from './errors';

/** The three state machines of CONTRACT.md, each as a table of allowed moves. */
export const APPLICATION_STATUSES = [
  'SUBMITTED',
  'AWAITING_APPROVAL',
  'MATCHING',
  'OFFERED',
  'ACTIVE',
  'COMPLETED',
  'WAITLISTED',
  'INELIGIBLE',
  'REJECTED',
  'CANCELLED',
] as const;
export type ApplicationStatus = (typeof APPLICATION_STATUSES)[number];

export const ASSIGNMENT_STATUSES = ['OFFERED', 'ACCEPTED', 'COMPLETED', 'DECLINED', 'EXPIRED', 'CANCELLED'] as const;
export type AssignmentStatus = (typeof ASSIGNMENT_STATUSES)[number];
/** What an inbox message is about (functions/src/use-cases/notifications.ts writes one per audience of an event). */
export const NOTIFICATION_KINDS = ['offer-made', 'offer-accepted', 'waitlisted', 'deadline-near', 'subsidy-decided', 'subsidy-requested'] as const;
export type NotificationKind = (typeof NOTIFICATION_KINDS)[number];

/**
 * The assignment states in which the provider serves the resident: only then do the family and the
 * provider see each other's contact (minimum necessary, PIPL).
 */
export const SERVING_STATUSES: readonly AssignmentStatus[] = ['ACCEPTED', 'COMPLETED'];

/** CANCELLED is this project's addition: a pending subsidy whose application was withdrawn. */
export const SUBSIDY_STATUSES = ['PENDING', 'APPROVED', 'REJECTED', 'SETTLED', 'CANCELLED'] as const;
export type SubsidyStatus = (typeof SUBSIDY_STATUSES)[number];

type Machine<S extends string> = Readonly<Record<S, readonly S[]>>;

export const APPLICATION_MACHINE: Machine<ApplicationStatus> = {
  SUBMITTED: ['AWAITING_APPROVAL', 'MATCHING', 'INELIGIBLE', 'CANCELLED'],
  AWAITING_APPROVAL: ['MATCHING', 'REJECTED', 'CANCELLED'],
  MATCHING: ['OFFERED', 'WAITLISTED', 'CANCELLED'],
  OFFERED: ['ACTIVE', 'MATCHING', 'CANCELLED'],
  WAITLISTED: ['MATCHING', 'CANCELLED'],
  ACTIVE: ['COMPLETED', 'CANCELLED'],
  COMPLETED: [],
  INELIGIBLE: [],
  REJECTED: [],
  CANCELLED: [],
};

export const ASSIGNMENT_MACHINE: Machine<AssignmentStatus> = {
  OFFERED: ['ACCEPTED', 'DECLINED', 'EXPIRED', 'CANCELLED'],
  ACCEPTED: ['COMPLETED', 'CANCELLED'],
  COMPLETED: [],
  DECLINED: [],
  EXPIRED: [],
  CANCELLED: [],
};

export const SUBSIDY_MACHINE: Machine<SubsidyStatus> = {
  PENDING: ['APPROVED', 'REJECTED', 'CANCELLED'],
  APPROVED: ['SETTLED', 'CANCELLED'],
  REJECTED: [],
  SETTLED: [],
  CANCELLED: [],
};

export function canTransition<S extends string>(machine: Machine<S>, from: S, to: S): boolean {
  return (machine[from] ?? []).includes(to);
}

/** Returns `to`, or throws a 409-mapped error naming both states. */
export function transition<S extends string>(entity: string, machine: Machine<S>, from: S, to: S): S {
  if (!canTransition(machine, from, to)) throw new IllegalTransitionError(entity, from, to);
  return to;
}

export function isTerminal<S extends string>(machine: Machine<S>, status: S): boolean {
  return (machine[status] ?? []).length === 0;
}

/** Labels residents and staff read, Chinese first. */
export const APPLICATION_STATUS_LABELS: Record<ApplicationStatus, { zh: string; en: string }> = {
  SUBMITTED: { zh: '已提交申请', en: 'Application submitted' },
  AWAITING_APPROVAL: { zh: '补贴待民政审批', en: 'Subsidy awaiting approval by civil affairs' },
  MATCHING: { zh: '正在匹配服务机构', en: 'Looking for a provider' },
  OFFERED: { zh: '已派单，等待确认', en: 'Offered, awaiting an answer' },
  ACTIVE: { zh: '服务中', en: 'Service active' },
  COMPLETED: { zh: '服务已完成', en: 'Service completed' },
  WAITLISTED: { zh: '暂无空位，排队等候', en: 'No place free now; on the waiting list' },
  INELIGIBLE: { zh: '不符合条件', en: 'Not eligible' },
  REJECTED: { zh: '补贴未获批准', en: 'Subsidy rejected' },
  CANCELLED: { zh: '申请已撤销', en: 'Application cancelled' },
};

/** Short labels for badges and filters, Chinese first; the pages read them from GET /programmes. */
export const STATUS_SHORT_LABELS = {
  application: {
    SUBMITTED: { zh: '已提交', en: 'Submitted' },
    AWAITING_APPROVAL: { zh: '待审批', en: 'Awaiting approval' },
    MATCHING: { zh: '匹配中', en: 'Matching' },
    OFFERED: { zh: '已派单待确认', en: 'Offered, awaiting confirmation' },
    ACTIVE: { zh: '服务中', en: 'Active' },
    COMPLETED: { zh: '已完成', en: 'Completed' },
    WAITLISTED: { zh: '排队等候', en: 'Waitlisted' },
    INELIGIBLE: { zh: '不符合条件', en: 'Ineligible' },
    REJECTED: { zh: '未获批准', en: 'Rejected' },
    CANCELLED: { zh: '已取消', en: 'Cancelled' },
  } satisfies Record<ApplicationStatus, { zh: string; en: string }>,
  assignment: {
    OFFERED: { zh: '待接单', en: 'Offered' },
    ACCEPTED: { zh: '已接单', en: 'Accepted' },
    COMPLETED: { zh: '已完成', en: 'Completed' },
    DECLINED: { zh: '已拒绝', en: 'Declined' },
    EXPIRED: { zh: '已过期', en: 'Expired' },
    CANCELLED: { zh: '已取消', en: 'Cancelled' },
  } satisfies Record<AssignmentStatus, { zh: string; en: string }>,
  subsidy: {
    PENDING: { zh: '待审批', en: 'Pending' },
    APPROVED: { zh: '已批准', en: 'Approved' },
    REJECTED: { zh: '已驳回', en: 'Rejected' },
    SETTLED: { zh: '已结算', en: 'Settled' },
    CANCELLED: { zh: '已撤销', en: 'Cancelled' },
  } satisfies Record<SubsidyStatus, { zh: string; en: string }>,
};
