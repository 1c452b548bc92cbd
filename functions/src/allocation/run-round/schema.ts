import { allocationRoundInputSchema } from '@huimin/domain';

export const request = { body: allocationRoundInputSchema };
