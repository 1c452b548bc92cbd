import { z } from 'zod';

/** The scheduled event only needs an id, recorded as the cause of each expiry. */
export const scheduledEvent = z.object({ id: z.string().min(1) });
