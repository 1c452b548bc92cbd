import { z } from 'zod';

/** Any event that gave a place back names the provider. */
export const subscriptionData = z.object({ releasedProviderId: z.string().min(1) });
