import { providerListQuerySchema } from '@huimin/domain';
import { ProviderView, page } from '../../views';

export const request = { query: providerListQuerySchema };
export const response = page(ProviderView);
