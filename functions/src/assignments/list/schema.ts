import { assignmentListQuerySchema } from '@huimin/domain';

export const request = { query: assignmentListQuerySchema };
