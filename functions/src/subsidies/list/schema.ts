import { subsidyListQuerySchema } from '@huimin/domain';

export const request = { query: subsidyListQuerySchema };
