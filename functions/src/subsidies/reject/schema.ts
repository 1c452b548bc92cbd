import { idPathSchema, reasonInputSchema } from '@huimin/domain';
import { SubsidyView } from '../../views';

export const request = { path: idPathSchema, body: reasonInputSchema };
export const response = SubsidyView;
