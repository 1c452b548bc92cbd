import { APPLICATION_TYPES, mealProgramme, retrofitProgramme } from '@huimin/domain';
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
  exampleData: { assignmentId: 'x1', applicationId: 'a1b2c3', providerId: `${retrofitProgramme.type}-320113-01`, district: '320113', applicationStatus: 'ACTIVE', step: 'AWAITING_CONFIRMATION', subsidyFen: 128_000 },
});

export const SettlementApproved = defineEvent({
  detailType: 'SettlementApproved',
  version: 1,
  description: "A provider's monthly statement was approved: its total is to be paid straight to the provider (直补快办).",
  data: z.object({
    settlementId: z.string(),
    type: z.enum(APPLICATION_TYPES).describe('The programme'),
    district: z.string(),
    month: z.string().regex(/^\d{4}-\d{2}$/),
    providerId: z.string(),
    totalFen: z.int().nonnegative().describe('Fen (1/100 yuan)'),
    lines: z.int().nonnegative(),
  }),
  exampleData: { settlementId: 's1', type: mealProgramme.type, district: '320113', month: '2026-12', providerId: 'meal-320113-xianlin-01', totalFen: 123_400, lines: 12 },
});
