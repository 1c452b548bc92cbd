import { reportQuerySchema } from '@huimin/domain';
import { SupplyDemandReport } from '../../views';

export const request = { query: reportQuerySchema };
export const response = SupplyDemandReport;
