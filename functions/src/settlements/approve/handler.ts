import { httpHandler } from '../../lib/http';
import { approveSettlement, settlementView } from '../../use-cases/settlements';
import * as schema from './schema';

export const handler = httpHandler('approveSettlement', schema, async ({ actor, path, requestId }, deps) => {
  return { status: 200, body: settlementView(await approveSettlement(deps, actor, path.id, requestId)) };
});
