import { idPathSchema, planInputSchema } from '@huimin/domain';
import { AssignmentView } from '../../views';

export const request = { path: idPathSchema, body: planInputSchema };
export const response = AssignmentView;
