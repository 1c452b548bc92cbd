import { capacityInputSchema, idPathSchema } from '@huimin/domain';

export const request = { path: idPathSchema, body: capacityInputSchema };
