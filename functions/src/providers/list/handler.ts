import { APPLICATION_TYPES } from '@huimin/domain';
import { httpHandler } from '../../lib/http';
import * as schema from './schema';

export const handler = httpHandler('listProviders', schema, async ({ actor, query }, { store }) => {
  if (query.kind) {
    const page = await store.listProvidersByDistrict(actor.district, query.kind, query);
    return { status: 200, body: { items: page.items, ...(page.nextToken ? { nextToken: page.nextToken } : {}) } };
  }
  // Every kind the district has: a district registers tens of providers per kind, one page.
  const all = await Promise.all(APPLICATION_TYPES.map((kind) => store.listAllProvidersByDistrict(actor.district, kind)));
  return { status: 200, body: { items: all.flat() } };
});
