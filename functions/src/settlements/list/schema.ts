import { settlementListQuerySchema } from '@huimin/domain';
import { page, SettlementView } from '../../views';

export const request = { query: settlementListQuerySchema };
export const response = page(SettlementView);
