import { applicationInputSchema } from '@huimin/domain';
import { z } from 'zod';

export const request = { body: applicationInputSchema };
export const response = z.object({ id: z.string(), status: z.string() });
