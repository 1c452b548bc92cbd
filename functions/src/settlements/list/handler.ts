import { httpHandler } from '../../lib/http';
import { settlementView } from '../../use-cases/settlements';
import * as schema from './schema';

export const handler = httpHandler('listSettlements', schema, async ({ actor, query }, { store }) => {
  const page = await store.listSettlements(actor.district, query);
  return { status: 200, body: { items: page.items.map(settlementView), ...(page.nextToken ? { nextToken: page.nextToken } : {}) } };
});
