import { idPathSchema, reasonInputSchema } from '@huimin/domain';

export const request = { path: idPathSchema, body: reasonInputSchema };
