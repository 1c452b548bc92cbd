import { applicationInputSchema } from '@huimin/domain';
import { Submitted } from '../../views';

export const request = { body: applicationInputSchema };
export const response = Submitted;
