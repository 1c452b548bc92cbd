import { httpHandler } from '../../lib/http';
import { computeSettlement, settlementView } from '../../use-cases/settlements';
import * as schema from './schema';

/** Staff compute a programme's month for their district: one statement per provider; the month is then settled. */
export const handler = httpHandler('createSettlement', schema, async ({ actor, body }, deps) => {
  return { status: 201, body: { items: (await computeSettlement(deps, actor, body)).map(settlementView) } };
});
