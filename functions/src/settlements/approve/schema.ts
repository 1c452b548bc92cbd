import { emptyInputSchema, idPathSchema } from '@huimin/domain';
import { SettlementView } from '../../views';

export const request = { path: idPathSchema, body: emptyInputSchema };
export const response = SettlementView;
