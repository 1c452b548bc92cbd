import { idPathSchema } from '@huimin/domain';
import { ApplicationView } from '../../views';

export const request = { path: idPathSchema };
export const response = ApplicationView;
