import { capacityInputSchema, idPathSchema } from '@huimin/domain';
import { ProviderView } from '../../views';

export const request = { path: idPathSchema, body: capacityInputSchema };
export const response = ProviderView;
