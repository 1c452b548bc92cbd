import { pageQuerySchema } from '@huimin/domain';
import { NotificationView, page } from '../../views';

export const request = { query: pageQuerySchema };
export const response = page(NotificationView);
