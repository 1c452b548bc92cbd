import { emptyInputSchema, idPathSchema } from '@huimin/domain';
import { ApplicationView } from '../../views';

export const request = { path: idPathSchema, body: emptyInputSchema };
export const response = ApplicationView;
