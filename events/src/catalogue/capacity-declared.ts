import { APPLICATION_TYPES, mealProgramme } from '@huimin/domain';
import { z } from 'zod';
import { defineEvent } from '../define';

export const CapacityDeclared = defineEvent({
  detailType: 'CapacityDeclared',
  version: 1,
  description: 'A provider declared its capacity; when places opened up, waitlisted applications are tried again.',
  data: z.object({
    providerId: z.string(),
    district: z.string(),
    kind: z.enum(APPLICATION_TYPES),
    capacity: z.number().int().min(0),
    /** Present when free places exist after the change. */
    releasedProviderId: z.string().optional(),
  }),
  exampleData: { providerId: 'p-xl-01', district: '320113', kind: mealProgramme.type, capacity: 40, releasedProviderId: 'p-xl-01' },
});
