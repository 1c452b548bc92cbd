import { APPLICATION_TYPES, mealProgramme } from '@huimin/domain';
import { z } from 'zod';
import { defineEvent } from '../define';

/**
 * Staff asked for a district-wide allocation round; the allocateDistrict consumer runs it. Its
 * subject is the round, not an application, so it carries no `applicationStatus` (and no rule that
 * routes on one matches it).
 */
export const AllocationRoundRequested = defineEvent({
  detailType: 'AllocationRoundRequested',
  version: 1,
  description: 'Staff requested a district-wide allocation round; it runs asynchronously and records its outcome on the round.',
  data: z.object({
    roundId: z.string(),
    type: z.enum(APPLICATION_TYPES),
    district: z.string(),
    /** The staff member (`sub`) who asked for it. */
    requestedBy: z.string(),
  }),
  exampleData: { roundId: 'r1b2c3', type: mealProgramme.type, district: '320113', requestedBy: 'staff-1' },
});
