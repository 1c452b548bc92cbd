import { providerInputSchema } from '@huimin/domain';

export const request = { body: providerInputSchema };
