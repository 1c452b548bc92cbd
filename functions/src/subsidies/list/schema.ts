import { subsidyListQuerySchema } from '@huimin/domain';
import { page, SubsidyView } from '../../views';

export const request = { query: subsidyListQuerySchema };
export const response = page(SubsidyView);
