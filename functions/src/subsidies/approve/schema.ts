import { idPathSchema, noteInputSchema } from '@huimin/domain';

export const request = { path: idPathSchema, body: noteInputSchema };
