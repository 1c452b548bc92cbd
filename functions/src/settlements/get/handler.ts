import { httpHandler } from '../../lib/http';
import { loadSettlementFor, settlementView } from '../../use-cases/settlements';
import * as schema from './schema';

export const handler = httpHandler('getSettlement', schema, async ({ actor, path }, deps) => {
  return { status: 200, body: settlementView(await loadSettlementFor(deps, actor, path.id)) };
});
