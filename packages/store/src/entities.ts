import type { ApplicationStatus, ApplicationType, AssignmentStatus, LatLng, NotificationKind, PricedPlan, PriorityPoint, ProviderDeclaration, Reason, SubsidyStatus } from '@huimin/domain';
import { Entity } from './model';

export interface HistoryEntry {
  at: string;
  status: ApplicationStatus;
  note: string;
  noteZh: string;
  by?: string;
}

export interface ApplicationRecord {
  id: string;
  type: ApplicationType;
  status: ApplicationStatus;
  ownerSub: string;
  district: string;
  street: string;
  createdAt: string;
  updatedAt: string;
  /** Optimistic concurrency: every write is conditioned on the version it read. */
  version: number;
  correlationId: string;
  applicant: { name: string; phone: string; relationship: string };
  subject: {
    name: string;
    idNumber: string;
    phone?: string;
    birthDate: string;
    sex: 'male' | 'female';
    address: { district: string; street: string; detail?: string; location: LatLng };
  };
  /** The programme's needs, as its schema parsed them (the programme module reads them). */
  needs: Record<string, unknown>;
  /** HMAC of the subject's ID number: the key of its "one open application per programme" item. */
  openKey?: string;
  /**
   * HMAC of the applicant's phone: children one parent applies for share it, and so share a lottery
   * number in stable rounds and count as siblings for sibling priority. Absent on older records.
   */
  familyKey?: string;
  /** Who filed it on the resident's behalf, when a grid worker did (网格员). */
  filedBy?: { role: 'grid'; sub: string; district: string; street: string };
  eligibility?: {
    eligible: boolean;
    reasons: Reason[];
    policyVersion: string;
    age: number;
    lowIncome?: boolean;
    /** Units an offer reserves (one place; the monthly hours). Absent on records before programmes: 1. */
    demand?: number;
    /** Allocation and waitlist order: lower is served first. */
    priorityWeight?: number;
    /** The capacity pool an offer draws on (childcare: the age class in the start month). */
    capacityClass?: string;
  };
  subsidy?: { id: string; status: SubsidyStatus; amount: number };
  assignment?: { id: string; providerId: string; providerName: string; status: AssignmentStatus; expiresAt: string; distanceMetres: number };
  /** The job's steps as the family reads them (retrofits): the same record as its assignment's. */
  job?: JobRecord;
  /** Providers that declined or let an offer lapse; matching skips each until its `until`. */
  exclusions: { providerId: string; until: string }[];
  history: HistoryEntry[];
}

/**
 * A job with steps (retrofits), on its accepted assignment: planned by the provider, confirmed by the
 * family, built, inspected by staff. Its application carries the same record for the family to read.
 */
export interface JobRecord {
  step: 'PLANNING' | 'AWAITING_CONFIRMATION' | 'BUILDING' | 'AWAITING_INSPECTION' | 'PASSED';
  plan?: PricedPlan & { plannedAt: string; plannedBy: string };
  confirmedAt?: string;
  workCompletedAt?: string;
  workNote?: string;
  inspections: { at: string; by: string; passed: boolean; note?: string }[];
}

export interface SubsidyRecord {
  id: string;
  applicationId: string;
  /** The programme the subsidy belongs to. */
  type: ApplicationType;
  district: string;
  street: string;
  subjectName: string;
  status: SubsidyStatus;
  amount: number;
  currency: 'CNY';
  /** The programme's subsidy unit code (per meal, per hour: the programme's `subsidyUnit.code`). */
  unit: string;
  policyVersion: string;
  createdAt: string;
  updatedAt: string;
  version: number;
  decidedBy?: string;
  note?: string;
  reason?: string;
}

export interface AssignmentRecord {
  id: string;
  applicationId: string;
  providerId: string;
  providerName: string;
  district: string;
  street: string;
  subjectName: string;
  type: ApplicationType;
  /** The application's needs, for the provider to read (diets; services and care level). */
  needs: Record<string, unknown>;
  /** Units reserved at the provider by this assignment, released when it ends. */
  units: number;
  /** The provider's pool the units came from (childcare: an age class); absent for one-pool providers. */
  pool?: string;
  /** When the provider accepted: visits are recorded from then on. */
  acceptedAt?: string;
  /** The job's steps, for programmes whose job has them (retrofits); from the acceptance on. */
  job?: JobRecord;
  status: AssignmentStatus;
  distanceMetres: number;
  expiresAt: string;
  createdAt: string;
  updatedAt: string;
  version: number;
  declineReason?: string;
}

export type ProviderRecord = ProviderDeclaration & {
  id: string;
  name: string;
  kind: ApplicationType;
  district: string;
  street: string;
  location: LatLng;
  /** Units offered in the programme's capacity unit (places; hours a month). */
  capacity: number;
  /** Units held by offers and active services. */
  reserved: number;
  /** capacity − reserved, kept by the same writes: an offer's condition is `available >= units`. */
  available: number;
  /**
   * Places held per class, for programmes whose capacity has classes (childcare age classes): the
   * totals above are their sums, kept by the same writes; an offer's condition is on its class.
   */
  pools?: Record<string, Pool>;
  phone?: string;
  /** The street address and opening hours a family reads once its offer is accepted. */
  address?: string;
  openingHours?: string;
  createdAt: string;
};

export interface Pool {
  capacity: number;
  reserved: number;
  available: number;
}

/**
 * One open application per person per programme: created with the application (condition: absent),
 * deleted when it ends, in the same transactions. Keyed by an HMAC of the ID number, never the number.
 */
export interface OpenApplicationRecord {
  type: ApplicationType;
  idHash: string;
  applicationId: string;
  createdAt: string;
}

/** A home visit recorded by the provider against an active assignment. */
export interface VisitRecord {
  id: string;
  assignmentId: string;
  applicationId: string;
  providerId: string;
  district: string;
  startedAt: string;
  endedAt: string;
  minutes: number;
  services: string[];
  location: LatLng;
  distanceMetres: number;
  policyVersion: string;
  recordedBy: string;
  createdAt: string;
}

/**
 * The minutes recorded for one assignment in one month (China time) and their intervals: replaced
 * under its version with each visit, so two visits recorded at once cannot overrun the month's hours
 * or overlap each other.
 */
export interface VisitMonthRecord {
  assignmentId: string;
  month: string;
  minutes: number;
  intervals: [string, string][];
  version: number;
}

export interface LowIncomeRecord {
  district: string;
  /** HMAC-SHA256 of the ID number under a secret key: the registry never stores the number itself. */
  idHash: string;
  importedAt: string;
  source: string;
}

export interface SubmissionRecord {
  ownerSub: string;
  idempotencyKey: string;
  bodyHash: string;
  applicationId: string;
  createdAt: string;
  ttl: number;
}

export interface OutboxRecord {
  eventId: string;
  source: string;
  detailType: string;
  /** JSON text: the Pipe forwards it as the event's detail. */
  detail: string;
  createdAt: string;
  ttl: number;
}

/** Marks an event as handled by a consumer, written in the same transaction as the effect. */
export interface ConsumedRecord {
  consumer: string;
  eventId: string;
  ttl: number;
}

export const Applications = new Entity<ApplicationRecord>({
  prefix: 'APP',
  pk: ['id'],
  indexes: {
    gsi1: { pk: ['ownerSub'], sk: ['createdAt', 'id'] },
    gsi2: { pk: ['district'], sk: ['createdAt', 'id'] },
    gsi3: { pk: ['district', 'type', 'status'], sk: ['createdAt', 'id'] },
  },
});

export const Subsidies = new Entity<SubsidyRecord>({
  prefix: 'SUBSIDY',
  pk: ['id'],
  indexes: { gsi2: { pk: ['district'], sk: ['status', 'createdAt', 'id'] } },
});

export const Assignments = new Entity<AssignmentRecord>({
  prefix: 'ASSIGN',
  pk: ['id'],
  indexes: {
    gsi1: { pk: ['providerId'], sk: ['createdAt', 'id'] },
    gsi2: { pk: ['providerId', 'status'], sk: ['createdAt', 'id'] },
    /** Sparse: only open offers, ordered by deadline, for the expiry sweep. */
    gsi3: { pk: ['status'], sk: ['expiresAt', 'id'], when: (a) => a.status === 'OFFERED' },
  },
});

export const Providers = new Entity<ProviderRecord>({
  prefix: 'PROVIDER',
  pk: ['id'],
  indexes: { gsi2: { pk: ['district', 'kind'], sk: ['street', 'id'] } },
});

export const OpenApplications = new Entity<OpenApplicationRecord>({ prefix: 'OPENAPP', pk: ['type', 'idHash'] });

export const Visits = new Entity<VisitRecord>({ prefix: 'VISIT', pk: ['assignmentId'], sk: ['startedAt', 'id'] });

export const VisitMonths = new Entity<VisitMonthRecord>({ prefix: 'VISITMONTH', pk: ['assignmentId', 'month'] });

export const LowIncomeRegistry = new Entity<LowIncomeRecord>({ prefix: 'LOWINCOME', pk: ['district'], sk: ['idHash'] });

export const Submissions = new Entity<SubmissionRecord>({ prefix: 'SUBMISSION', pk: ['ownerSub', 'idempotencyKey'] });

export const Outbox = new Entity<OutboxRecord>({ prefix: 'OUTBOX', pk: ['eventId'], sk: [] });

export const Consumed = new Entity<ConsumedRecord>({ prefix: 'CONSUMED', pk: ['consumer', 'eventId'] });

/**
 * A district-wide allocation round, requested over HTTP and run by the allocateDistrict consumer.
 * RUNNING until the consumer records its outcome; the outcome fields are set only when COMPLETED.
 */
export interface RoundRecord {
  id: string;
  type: ApplicationType;
  district: string;
  status: 'RUNNING' | 'COMPLETED';
  /** The staff member (`sub`) who asked for the round. */
  requestedBy: string;
  createdAt: string;
  updatedAt: string;
  version: number;
  considered?: number;
  planned?: number;
  offered?: number;
  conflicts?: number;
  stillWaiting?: number;
  objective?: number;
  policyVersion?: string;
  completedAt?: string;
  /** Stable rounds: the lottery seed, drawn when the round is requested and published with it. */
  lotterySeed?: number;
  /** The run that holds the round while RUNNING, and until when (use-cases/allocation.ts). */
  claim?: { token: string; until: string };
}

/** Why a preference was or was not the place offered, in a stable round. */
/**
 * `offered`; `below-cutoff`: the class filled with children of higher priority (or equal priority and
 * a better lottery number); `no-places`: the class had no free place; `not-in-round`: the provider is
 * gone or the family left a place there before; `lower-choice`: below the preference offered;
 * `changed-meanwhile`: offered, but the place or application changed before the offer was written.
 */
export type PreferenceOutcome = 'offered' | 'below-cutoff' | 'no-places' | 'not-in-round' | 'lower-choice' | 'changed-meanwhile';

/** The lowest priority admitted in a (provider, class) that filled up: its points, then its lottery number. */
export interface Cutoff {
  points: number;
  lottery: number;
}

/**
 * One application's part in a stable round: what it was ranked on at each preference (points with
 * the rule that gave each, its lottery number) and what came of it. Written with the offer, or
 * alone when no place was offered; with the round's pools, enough to re-run the round.
 */
export interface RoundEntryRecord {
  roundId: string;
  applicationId: string;
  district: string;
  /** When the round was requested: an application's entries sort by it, newest first. */
  roundAt: string;
  capacityClass: string;
  /** The key the lottery number is drawn for (the family key, so siblings share it). */
  lotteryKey: string;
  lottery: number;
  preferences: { providerId: string; providerName: string; points: number; rules: PriorityPoint[]; outcome: PreferenceOutcome; cutoff: Cutoff | null }[];
  offeredProviderId?: string;
  /** 1 = first choice. */
  rank?: number;
}

/** One provider's places in a stable round, per class: what was free when it ran, how many were admitted, and the cutoff. */
export interface RoundPoolRecord {
  roundId: string;
  providerId: string;
  providerName: string;
  classes: Record<string, { places: number; admitted: number; cutoff: Cutoff | null }>;
}

export const RoundEntries = new Entity<RoundEntryRecord>({
  prefix: 'ROUNDENTRY',
  pk: ['applicationId'],
  sk: ['roundAt', 'roundId'],
  indexes: { gsi1: { pk: ['roundId'], sk: ['applicationId'] } },
});

export const RoundPools = new Entity<RoundPoolRecord>({ prefix: 'ROUNDPOOL', pk: ['roundId'], sk: ['providerId'] });

/**
 * One service given that a subsidy pays for, written when it is recorded (a day's meals, a visit, a
 * passed inspection), priced then by the policy in force on its date: what a month's settlement adds
 * up for each provider. Each is counted on its month's SETTLEMONTH item as it is written, and a
 * month is computed once, so a record is on one statement line and paid once.
 */
export interface ServiceRecord {
  id: string;
  type: ApplicationType;
  district: string;
  /** YYYY-MM (China time) of `date`. */
  month: string;
  /** YYYY-MM-DD (China time) the service was given. */
  date: string;
  providerId: string;
  assignmentId: string;
  applicationId: string;
  /** Masked for statements: 王*英. */
  subjectMasked: string;
  /** Units given (meals; hours; one job), and what a unit is. */
  units: number;
  unit: string;
  /** Subsidy per unit, fen, by the policy in force on `date`; `amountFen` = round(units × rate). */
  rateFen: number;
  amountFen: number;
  policyVersion: string;
  /** Where it came from: `meals:<date>`, `visit:<id>`, `inspection:<at>` — one record per source. */
  source: string;
  recordedBy: string;
  createdAt: string;
}

/**
 * One month's settlement of one programme in one district: created by the first service record of
 * the month (counting them), then SETTLED by the one computation that took exactly `records` of them.
 * A record written after that is refused; a second computation finds it SETTLED.
 */
export interface SettlementMonthRecord {
  district: string;
  type: ApplicationType;
  month: string;
  status: 'OPEN' | 'SETTLED';
  /** Service records written for the month: a computation that read fewer reads again. */
  records: number;
  settledAt?: string;
  settledBy?: string;
}

/** A provider's statement for a month: its lines and total in fen; approved once, then paid. */
export interface SettlementRecord {
  id: string;
  type: ApplicationType;
  district: string;
  month: string;
  providerId: string;
  providerName: string;
  status: 'COMPUTED' | 'APPROVED';
  lines: {
    applicationId: string;
    subjectMasked: string;
    dates: string[];
    units: number;
    unit: string;
    rateFen: number;
    policyVersion: string;
    amountFen: number;
  }[];
  totalFen: number;
  records: number;
  computedBy: string;
  createdAt: string;
  updatedAt: string;
  version: number;
  approvedBy?: string;
  approvedAt?: string;
}

export const ServiceRecords = new Entity<ServiceRecord>({
  prefix: 'SERVICE',
  pk: ['assignmentId'],
  sk: ['source'],
  indexes: { gsi2: { pk: ['district', 'type', 'month'], sk: ['providerId', 'date', 'id'] } },
});

export const SettlementMonths = new Entity<SettlementMonthRecord>({ prefix: 'SETTLEMONTH', pk: ['district', 'type', 'month'] });

export const Settlements = new Entity<SettlementRecord>({
  prefix: 'SETTLEMENT',
  pk: ['id'],
  indexes: { gsi1: { pk: ['district'], sk: ['month', 'type', 'providerId'] } },
});

export const Rounds = new Entity<RoundRecord>({
  prefix: 'ROUND',
  pk: ['id'],
  indexes: { gsi1: { pk: ['district'], sk: ['createdAt', 'id'] } },
});

/**
 * One message in a user's inbox: a family (`user:<sub>`), a provider (`provider:<id>`) or a district's
 * staff (`district:<code>`). Written by the notify consumer from events (and by the offer sweep for
 * deadlines), keyed so that a redelivered event writes the same item again; gone after its ttl.
 */
export interface NotificationRecord {
  recipient: string;
  at: string;
  id: string;
  kind: NotificationKind;
  titleZh: string;
  title: string;
  bodyZh: string;
  body: string;
  applicationId?: string;
  assignmentId?: string;
  subsidyId?: string;
  ttl: number;
}

export const Notifications = new Entity<NotificationRecord>({ prefix: 'NOTE', pk: ['recipient'], sk: ['at', 'id'] });

/** Every entity's key prefix: what a function's data access may name (the wiring's `data`). */
export const ENTITY_PREFIXES: readonly string[] = [
  Applications,
  Subsidies,
  Assignments,
  Providers,
  OpenApplications,
  Visits,
  VisitMonths,
  LowIncomeRegistry,
  Submissions,
  Outbox,
  Consumed,
  RoundEntries,
  RoundPools,
  ServiceRecords,
  SettlementMonths,
  Settlements,
  Rounds,
  Notifications,
].map((e) => e.spec.prefix);
