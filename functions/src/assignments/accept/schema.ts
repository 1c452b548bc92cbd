import { emptyInputSchema, idPathSchema } from '@huimin/domain';
import { AssignmentView } from '../../views';

export const request = { path: idPathSchema, body: emptyInputSchema };
export const response = AssignmentView;
