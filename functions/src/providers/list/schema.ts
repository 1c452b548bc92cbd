import { providerListQuerySchema } from '@huimin/domain';

export const request = { query: providerListQuerySchema };
