import { allocationRoundInputSchema } from '@huimin/domain';
import { AllocationRoundResult } from '../../views';

export const request = { body: allocationRoundInputSchema };
export const response = AllocationRoundResult;
