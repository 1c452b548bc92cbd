import { httpHandler } from '../../lib/http';
import { roundView } from '../../use-cases/allocation';
import * as schema from './schema';

export const handler = httpHandler('listAllocationRounds', schema, async ({ actor, query }, { store }) => {
  if (actor.role !== 'staff') throw new Error('unreachable: the wiring admits staff only');
  const page = await store.listRoundsByDistrict(actor.district, query);
  return { status: 200, body: { items: page.items.map(roundView), ...(page.nextToken ? { nextToken: page.nextToken } : {}) } };
});
