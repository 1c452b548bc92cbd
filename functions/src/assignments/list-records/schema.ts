import { idPathSchema, pageQuerySchema } from '@huimin/domain';
import { page, ServiceRecordView } from '../../views';

export const request = { path: idPathSchema, query: pageQuerySchema };
export const response = page(ServiceRecordView);
