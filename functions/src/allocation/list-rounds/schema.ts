import { allocationRoundListQuerySchema } from '@huimin/domain';
import { AllocationRoundView, page } from '../../views';

export const request = { query: allocationRoundListQuerySchema };
export const response = page(AllocationRoundView);
