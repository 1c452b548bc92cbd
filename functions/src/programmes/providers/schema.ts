import { directoryQuerySchema, providerKindSchema } from '@huimin/domain';
import { z } from 'zod';
import { ProviderDirectory } from '../../views';

export const request = { path: z.object({ type: providerKindSchema }), query: directoryQuerySchema };
export const response = ProviderDirectory;
