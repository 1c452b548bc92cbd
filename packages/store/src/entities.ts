import type {
  ApplicationStatus,
  ApplicationType,
  AssignmentStatus,
  Diet,
  LatLng,
  Reason,
  SubsidyStatus,
} from '@huimin/domain';
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
  needs: { diets?: Diet[]; maxDistanceMetres?: number } & Record<string, unknown>;
  eligibility?: { eligible: boolean; reasons: Reason[]; policyVersion: string; age: number; lowIncome?: boolean };
  subsidy?: { id: string; status: SubsidyStatus; amount: number };
  assignment?: { id: string; providerId: string; providerName: string; status: AssignmentStatus; expiresAt: string; distanceMetres: number };
  /** Providers that declined or let an offer lapse; matching skips each until its `until`. */
  exclusions: { providerId: string; until: string }[];
  history: HistoryEntry[];
}

export interface SubsidyRecord {
  id: string;
  applicationId: string;
  district: string;
  street: string;
  subjectName: string;
  status: SubsidyStatus;
  amount: number;
  currency: 'CNY';
  unit: 'meal';
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
  diets: Diet[];
  status: AssignmentStatus;
  distanceMetres: number;
  expiresAt: string;
  createdAt: string;
  updatedAt: string;
  version: number;
  declineReason?: string;
}

export interface ProviderRecord {
  id: string;
  name: string;
  kind: ApplicationType;
  district: string;
  street: string;
  location: LatLng;
  /** Places offered; `reserved` counts places held by offers and active services. */
  capacity: number;
  reserved: number;
  diets: Diet[];
  phone?: string;
  createdAt: string;
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
  type: 'meal' | 'childcare';
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
