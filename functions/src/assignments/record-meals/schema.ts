import { idPathSchema, mealRecordInputSchema } from '@huimin/domain';
import { ServiceRecordView } from '../../views';

export const request = { path: idPathSchema, body: mealRecordInputSchema };
export const response = ServiceRecordView;
export const successStatus = 201;
