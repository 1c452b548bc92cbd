import { idPathSchema, inspectionInputSchema } from '@huimin/domain';
import { ApplicationView } from '../../views';

export const request = { path: idPathSchema, body: inspectionInputSchema };
export const response = ApplicationView;
