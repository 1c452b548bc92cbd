import { allocationRoundInputSchema } from '@huimin/domain';
import { AllocationRoundView } from '../../views';

export const request = { body: allocationRoundInputSchema };
export const response = AllocationRoundView;
