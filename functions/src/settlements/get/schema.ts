import { idPathSchema } from '@huimin/domain';
import { SettlementView } from '../../views';

export const request = { path: idPathSchema };
export const response = SettlementView;
