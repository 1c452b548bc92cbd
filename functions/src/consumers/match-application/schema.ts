import { z } from 'zod';

/** Any event whose application is now MATCHING names the application. */
export const subscriptionData = z.object({ applicationId: z.string().min(1) });
