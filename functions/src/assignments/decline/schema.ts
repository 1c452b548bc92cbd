import { idPathSchema, reasonInputSchema } from '@huimin/domain';
import { AssignmentView } from '../../views';

export const request = { path: idPathSchema, body: reasonInputSchema };
export const response = AssignmentView;
