import { checkCharFor } from '@huimin/domain';
import type { ApplicationRecord, AssignmentRecord, ProviderRecord, RoundRecord, SubsidyRecord } from '@huimin/store';

/** Every handler test runs at this instant (fake `Date`), so ages, deadlines and TTLs are fixed. */
export const NOW = new Date('2026-11-27T08:00:00.000Z');
export const NOW_EPOCH_SECONDS = Math.floor(NOW.getTime() / 1000);

/** Qixia District, Nanjing: the demo district. */
export const DISTRICT = '320113';
export const OTHER_DISTRICT = '320102';

/** A valid resident ID number for a birth date (`YYYYMMDD`), with its check character. */
export function idNumberFor(birthDate: string, sequence = '042', division = DISTRICT): string {
  const first17 = `${division}${birthDate}${sequence}`;
  return `${first17}${checkCharFor(first17)}`;
}

/** 王秀英, born 15 March 1944: 82 years old on NOW, so 5 yuan a meal (the 80–89 band). */
export const SUBJECT_ID_NUMBER = '320113194403150426';
/** Xianlin Street, where CONTRACT.md's example lives. */
export const HOME: { readonly lat: number; readonly lng: number } = { lat: 32.105, lng: 118.93 };

/** CONTRACT.md's minimal meal application. */
export function mealApplicationBody() {
  return {
    type: 'meal',
    applicant: { name: '王芳', phone: '13912345678' },
    subject: {
      name: '王秀英',
      idNumber: SUBJECT_ID_NUMBER,
      address: { district: DISTRICT, street: '仙林街道', location: { ...HOME } },
    },
  };
}

export const APP_ID = 'a1b2c3d4-0000-4000-8000-000000000001';
export const ASSIGNMENT_ID = 'b1b2c3d4-0000-4000-8000-000000000002';
export const SUBSIDY_ID = 'c1b2c3d4-0000-4000-8000-000000000003';
export const ROUND_ID = 'f1b2c3d4-0000-4000-8000-000000000004';

export function applicationRecord(overrides: Partial<ApplicationRecord> = {}): ApplicationRecord {
  const createdAt = '2026-11-20T02:00:00.000Z';
  return {
    id: APP_ID,
    type: 'meal',
    status: 'SUBMITTED',
    ownerSub: 'fam-1',
    district: DISTRICT,
    street: '仙林街道',
    createdAt,
    updatedAt: createdAt,
    version: 1,
    correlationId: APP_ID,
    applicant: { name: '王芳', phone: '13912345678', relationship: 'child' },
    subject: {
      name: '王秀英',
      idNumber: SUBJECT_ID_NUMBER,
      birthDate: '1944-03-15',
      sex: 'female',
      address: { district: DISTRICT, street: '仙林街道', location: { ...HOME } },
    },
    needs: { diets: [] },
    exclusions: [],
    history: [{ at: createdAt, status: 'SUBMITTED', note: 'Application submitted', noteZh: '已提交申请', by: 'fam-1' }],
    ...overrides,
  };
}

export function providerRecord(overrides: Partial<ProviderRecord> = {}): ProviderRecord {
  return {
    id: 'p-near',
    name: '仙林街道长者食堂',
    kind: 'meal',
    district: DISTRICT,
    street: '仙林街道',
    // About 300 m north of HOME.
    location: { lat: 32.1077, lng: 118.93 },
    capacity: 40,
    reserved: 12,
    diets: ['soft', 'low-salt'],
    createdAt: '2026-01-05T00:00:00.000Z',
    ...overrides,
    available: overrides.available ?? (overrides.capacity ?? 40) - (overrides.reserved ?? 12),
  };
}

export function assignmentRecord(overrides: Partial<AssignmentRecord> = {}): AssignmentRecord {
  return {
    id: ASSIGNMENT_ID,
    applicationId: APP_ID,
    providerId: 'p-near',
    providerName: '仙林街道长者食堂',
    district: DISTRICT,
    street: '仙林街道',
    subjectName: '王秀英',
    type: 'meal',
    needs: { diets: [] },
    units: 1,
    status: 'OFFERED',
    distanceMetres: 300,
    // Still open on NOW.
    expiresAt: '2026-11-28T08:00:00.000Z',
    createdAt: '2026-11-26T08:00:00.000Z',
    updatedAt: '2026-11-26T08:00:00.000Z',
    version: 1,
    ...overrides,
  };
}

/** The application as it stands while `assignment` is offered to its provider. */
export function offeredApplication(assignment: AssignmentRecord, overrides: Partial<ApplicationRecord> = {}): ApplicationRecord {
  return applicationRecord({
    status: 'OFFERED',
    version: 4,
    assignment: {
      id: assignment.id,
      providerId: assignment.providerId,
      providerName: assignment.providerName,
      status: assignment.status,
      expiresAt: assignment.expiresAt,
      distanceMetres: assignment.distanceMetres,
    },
    ...overrides,
  });
}

export function subsidyRecord(overrides: Partial<SubsidyRecord> = {}): SubsidyRecord {
  return {
    id: SUBSIDY_ID,
    applicationId: APP_ID,
    type: 'meal',
    district: DISTRICT,
    street: '仙林街道',
    subjectName: '王秀英',
    status: 'PENDING',
    amount: 5,
    currency: 'CNY',
    unit: 'meal',
    policyVersion: 'meal-subsidy/2026.1',
    createdAt: '2026-11-20T02:00:05.000Z',
    updatedAt: '2026-11-20T02:00:05.000Z',
    version: 1,
    ...overrides,
  };
}

/** An allocation round staff of DISTRICT asked for a minute before NOW, still RUNNING. */
export function roundRecord(overrides: Partial<RoundRecord> = {}): RoundRecord {
  return {
    id: ROUND_ID,
    type: 'meal',
    district: DISTRICT,
    status: 'RUNNING',
    requestedBy: 'staff-1',
    createdAt: '2026-11-27T07:59:00.000Z',
    updatedAt: '2026-11-27T07:59:00.000Z',
    version: 1,
    ...overrides,
  };
}

/** The same round once it has recorded its outcome. */
export function completedRoundRecord(overrides: Partial<RoundRecord> = {}): RoundRecord {
  return roundRecord({
    status: 'COMPLETED',
    version: 2,
    updatedAt: '2026-11-27T07:59:30.000Z',
    completedAt: '2026-11-27T07:59:30.000Z',
    considered: 3,
    planned: 2,
    offered: 2,
    conflicts: 0,
    stillWaiting: 1,
    objective: 612,
    policyVersion: 'meal-subsidy/2026.1',
    ...overrides,
  });
}
