import { reportQuerySchema } from '@huimin/domain';

export const request = { query: reportQuerySchema };
