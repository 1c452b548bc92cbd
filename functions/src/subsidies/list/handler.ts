import { httpHandler } from '../../lib/http';
import { subsidyPage } from '../../use-cases/subsidies';
import * as schema from './schema';

export const handler = httpHandler('listSubsidies', schema, async ({ actor, query }, { store, now }) => {
  const page = await store.listSubsidiesByDistrict(actor.district, query);
  return { status: 200, body: { items: await subsidyPage(store, page.items, now()), ...(page.nextToken ? { nextToken: page.nextToken } : {}) } };
});
