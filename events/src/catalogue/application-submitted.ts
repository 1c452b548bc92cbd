import { APPLICATION_TYPES, mealProgramme } from '@huimin/domain';
import { z } from 'zod';
import { applicationStatusField, defineEvent } from '../define';

export const ApplicationSubmitted = defineEvent({
  detailType: 'ApplicationSubmitted',
  version: 1,
  description: 'A family applied; eligibility is assessed next.',
  data: z.object({
    applicationId: z.string(),
    type: z.enum(APPLICATION_TYPES),
    district: z.string(),
    applicationStatus: applicationStatusField,
  }),
  exampleData: { applicationId: 'a1b2c3', type: mealProgramme.type, district: '320113', applicationStatus: 'SUBMITTED' },
});
