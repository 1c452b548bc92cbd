import { settlementInputSchema } from '@huimin/domain';
import { z } from 'zod';
import { SettlementView } from '../../views';

export const request = { body: settlementInputSchema };
export const response = z.object({ items: z.array(SettlementView) }).describe("The month's statements, one per provider with services / 本月结算单");
export const successStatus = 201;
