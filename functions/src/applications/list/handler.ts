import { httpHandler } from '../../lib/http';
import { applicationSummary } from '../../use-cases/applications';
import * as schema from './schema';

export const handler = httpHandler('listApplications', schema, async ({ actor, query }, { store }) => {
  const page =
    actor.role === 'staff'
      ? await store.listApplicationsByDistrict(actor.district, query)
      : await store.listApplicationsByOwner(actor.sub, query);
  return { status: 200, body: { items: page.items.map(applicationSummary), ...(page.nextToken ? { nextToken: page.nextToken } : {}) } };
});
