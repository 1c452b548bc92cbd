import { z } from 'zod';

/** AllocationRoundRequested names the round to run. */
export const subscriptionData = z.object({ roundId: z.string().min(1) });
