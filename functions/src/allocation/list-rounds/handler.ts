import { httpHandler } from '../../lib/http';
import { roundView } from '../../use-cases/allocation';
import * as schema from './schema';

export const handler = httpHandler('listAllocationRounds', schema, async ({ actor, query }, { store }) => {
  const page = await store.listRoundsByDistrict(actor.district, query);
  return { status: 200, body: { items: page.items.map((r) => roundView(r)), ...(page.nextToken ? { nextToken: page.nextToken } : {}) } };
});
