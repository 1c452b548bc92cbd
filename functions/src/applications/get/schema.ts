import { idPathSchema } from '@huimin/domain';

export const request = { path: idPathSchema };
