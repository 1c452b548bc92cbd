import { idPathSchema, noteInputSchema } from '@huimin/domain';
import { AssignmentView } from '../../views';

/** `{"note"?}`: what the provider says of the work (retrofits: read by the inspector). */
export const request = { path: idPathSchema, body: noteInputSchema };
export const response = AssignmentView;
