import type { ApplicationStatus, ApplicationType, AssignmentStatus, LatLng, ProviderDeclaration, Reason, SubsidyStatus } from '@huimin/domain';
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
  };
  subsidy?: { id: string; status: SubsidyStatus; amount: number };
  assignment?: { id: string; providerId: string; providerName: string; status: AssignmentStatus; expiresAt: string; distanceMetres: number };
  /** Providers that declined or let an offer lapse; matching skips each until its `until`. */
  exclusions: { providerId: string; until: string }[];
  history: HistoryEntry[];
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
  /** When the provider accepted: visits are recorded from then on. */
  acceptedAt?: string;
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
  phone?: string;
  createdAt: string;
};

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
}

export const Rounds = new Entity<RoundRecord>({
  prefix: 'ROUND',
  pk: ['id'],
  indexes: { gsi1: { pk: ['district'], sk: ['createdAt', 'id'] } },
});
