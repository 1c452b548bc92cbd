import { emptyInputSchema, idPathSchema } from '@huimin/domain';

export const request = { path: idPathSchema, body: emptyInputSchema };
