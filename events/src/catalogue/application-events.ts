import { APPLICATION_TYPES, mealProgramme } from '@huimin/domain';
import { z } from 'zod';
import { applicationStatusField, defineEvent } from '../define';

const base = z.object({
  applicationId: z.string(),
  type: z.enum(APPLICATION_TYPES),
  district: z.string(),
  applicationStatus: applicationStatusField,
});

export const ApplicationWaitlisted = defineEvent({
  detailType: 'ApplicationWaitlisted',
  version: 1,
  description: 'No admissible provider has a place now; the application waits for one to free up.',
  data: base,
  exampleData: { applicationId: 'a1b2c3', type: mealProgramme.type, district: '320113', applicationStatus: 'WAITLISTED' },
});

export const ApplicationRequeued = defineEvent({
  detailType: 'ApplicationRequeued',
  version: 1,
  description: 'A place freed up nearby; a waitlisted application is matched again.',
  data: base,
  exampleData: { applicationId: 'a1b2c3', type: mealProgramme.type, district: '320113', applicationStatus: 'MATCHING' },
});

export const ApplicationCancelled = defineEvent({
  detailType: 'ApplicationCancelled',
  version: 1,
  description: 'The family cancelled; any reserved place was released in the same transaction.',
  data: base.extend({ releasedProviderId: z.string().optional() }),
  exampleData: { applicationId: 'a1b2c3', type: mealProgramme.type, district: '320113', releasedProviderId: 'p-xl-01', applicationStatus: 'CANCELLED' },
});
