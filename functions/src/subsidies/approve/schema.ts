import { idPathSchema, noteInputSchema } from '@huimin/domain';
import { SubsidyView } from '../../views';

export const request = { path: idPathSchema, body: noteInputSchema };
export const response = SubsidyView;
