import { providerInputSchema } from '@huimin/domain';
import { ProviderView } from '../../views';

export const request = { body: providerInputSchema };
export const response = ProviderView;
