import { httpHandler } from '../../lib/http';
import { subsidyView } from '../../use-cases/subsidies';
import * as schema from './schema';

export const handler = httpHandler('listSubsidies', schema, async ({ actor, query }, { store }) => {
  const page = await store.listSubsidiesByDistrict(actor.district, query);
  return { status: 200, body: { items: page.items.map(subsidyView), ...(page.nextToken ? { nextToken: page.nextToken } : {}) } };
});
