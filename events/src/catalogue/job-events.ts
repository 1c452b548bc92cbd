import { z } from 'zod';
import { applicationStatusField, defineEvent } from '../define';

export const JobStepRecorded = defineEvent({
  detailType: 'JobStepRecorded',
  version: 1,
  description:
    'A job with steps (a retrofit) moved: the provider planned it, the family confirmed the plan, the provider finished the work, or staff failed the inspection (a passed inspection is AssignmentCompleted).',
  data: z.object({
    assignmentId: z.string(),
    applicationId: z.string(),
    providerId: z.string(),
    district: z.string(),
    applicationStatus: applicationStatusField,
    step: z.enum(['PLANNING', 'AWAITING_CONFIRMATION', 'BUILDING', 'AWAITING_INSPECTION', 'PASSED']).describe('The step the job is at now'),
    subsidyFen: z.int().nonnegative().optional().describe('The planned subsidy after the household cap, when a plan was made'),
  }),
  exampleData: { assignmentId: 'x1', applicationId: 'a1b2c3', providerId: 'retrofit-320113-01', district: '320113', applicationStatus: 'ACTIVE', step: 'AWAITING_CONFIRMATION', subsidyFen: 128_000 },
});
