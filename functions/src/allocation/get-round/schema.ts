import { idPathSchema } from '@huimin/domain';
import { AllocationRoundView } from '../../views';

export const request = { path: idPathSchema };
export const response = AllocationRoundView;
