import { httpHandler } from '../../lib/http';
import * as schema from './schema';

export const handler = httpHandler('listProviders', schema, async ({ actor, query }, { store }) => {
  if (actor.role !== 'staff') throw new Error('unreachable: the wiring admits staff only');
  const page = await store.listProvidersByDistrict(actor.district, query.kind ?? 'meal', query);
  return { status: 200, body: { items: page.items, ...(page.nextToken ? { nextToken: page.nextToken } : {}) } };
});
