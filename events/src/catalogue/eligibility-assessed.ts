import { APPLICATION_TYPES, mealProgramme } from '@huimin/domain';
import { z } from 'zod';
import { applicationStatusField, defineEvent } from '../define';

export const EligibilityAssessed = defineEvent({
  detailType: 'EligibilityAssessed',
  version: 1,
  description: 'Policy was applied: ineligible, awaiting subsidy approval, or ready for matching.',
  data: z.object({
    applicationId: z.string(),
    type: z.enum(APPLICATION_TYPES),
    district: z.string(),
    eligible: z.boolean(),
    policyVersion: z.string(),
    subsidyId: z.string().optional(),
    subsidyAmount: z.number().min(0),
    applicationStatus: applicationStatusField,
  }),
  exampleData: {
    applicationId: 'a1b2c3',
    type: mealProgramme.type,
    district: '320113',
    eligible: true,
    policyVersion: 'meal-subsidy/2026.1',
    subsidyId: 's1',
    subsidyAmount: 5,
    applicationStatus: 'AWAITING_APPROVAL',
  },
});
