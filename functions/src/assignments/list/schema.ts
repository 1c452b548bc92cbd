import { assignmentListQuerySchema } from '@huimin/domain';
import { AssignmentView, page } from '../../views';

export const request = { query: assignmentListQuerySchema };
export const response = page(AssignmentView);
