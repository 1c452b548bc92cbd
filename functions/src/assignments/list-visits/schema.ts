import { idPathSchema, pageQuerySchema } from '@huimin/domain';
import { page, VisitView } from '../../views';

export const request = { path: idPathSchema, query: pageQuerySchema };
export const response = page(VisitView);
