import { applicationListQuerySchema } from '@huimin/domain';
import { ApplicationSummary, page } from '../../views';

export const request = { query: applicationListQuerySchema };
export const response = page(ApplicationSummary);
