import { applicationListQuerySchema } from '@huimin/domain';

export const request = { query: applicationListQuerySchema };
