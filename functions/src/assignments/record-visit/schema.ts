import { idPathSchema, visitInputSchema } from '@huimin/domain';
import { VisitView } from '../../views';

export const request = { path: idPathSchema, body: visitInputSchema };
export const response = VisitView;
