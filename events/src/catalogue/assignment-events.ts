import { z } from 'zod';
import { applicationStatusField, defineEvent } from '../define';

const base = z.object({
  assignmentId: z.string(),
  applicationId: z.string(),
  providerId: z.string(),
  district: z.string(),
  applicationStatus: applicationStatusField,
});
/** Present when a place was given back: the waitlist consumer listens for it. */
const released = { releasedProviderId: z.string() };
const exampleBase = { assignmentId: 'x1', applicationId: 'a1b2c3', providerId: 'p-xl-01', district: '320113' };

export const AssignmentOffered = defineEvent({
  detailType: 'AssignmentOffered',
  version: 1,
  description: 'A place was reserved and offered to a provider, with a response deadline.',
  data: base.extend({ expiresAt: z.iso.datetime(), distanceMetres: z.number().min(0) }),
  exampleData: { ...exampleBase, expiresAt: '2026-11-29T08:00:00.000Z', distanceMetres: 420, applicationStatus: 'OFFERED' },
});

export const AssignmentAccepted = defineEvent({
  detailType: 'AssignmentAccepted',
  version: 1,
  description: 'The provider accepted; the service is active.',
  data: base,
  exampleData: { ...exampleBase, applicationStatus: 'ACTIVE' },
});

export const AssignmentDeclined = defineEvent({
  detailType: 'AssignmentDeclined',
  version: 1,
  description: 'The provider declined; the place is released and the next candidate is tried.',
  data: base.extend({ reason: z.string(), ...released }),
  exampleData: { ...exampleBase, reason: '本周人手不足', releasedProviderId: 'p-xl-01', applicationStatus: 'MATCHING' },
});

export const AssignmentCompleted = defineEvent({
  detailType: 'AssignmentCompleted',
  version: 1,
  description: 'The provider reported the service done; its place is free again.',
  data: base.extend(released),
  exampleData: { ...exampleBase, releasedProviderId: 'p-xl-01', applicationStatus: 'COMPLETED' },
});

export const AssignmentExpired = defineEvent({
  detailType: 'AssignmentExpired',
  version: 1,
  description: 'The provider did not answer before the deadline; the place is released and the next candidate is tried.',
  data: base.extend(released),
  exampleData: { ...exampleBase, releasedProviderId: 'p-xl-01', applicationStatus: 'MATCHING' },
});

export const VisitRecorded = defineEvent({
  detailType: 'VisitRecorded',
  version: 1,
  description: "A home visit was recorded against the resident's monthly hours.",
  data: z.object({
    visitId: z.string(),
    assignmentId: z.string(),
    applicationId: z.string(),
    providerId: z.string(),
    district: z.string(),
    month: z.string(),
    minutes: z.int().positive(),
    usedMinutesThisMonth: z.int().nonnegative(),
  }),
  exampleData: { visitId: 'v1', ...exampleBase, month: '2026-12', minutes: 90, usedMinutesThisMonth: 270 },
});
