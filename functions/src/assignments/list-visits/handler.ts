import { httpHandler } from '../../lib/http';
import { listVisits, visitView } from '../../use-cases/visits';
import * as schema from './schema';

export const handler = httpHandler('listVisits', schema, async ({ actor, path, query }, deps) => {
  const page = await listVisits(deps, actor, path.id, query);
  return { status: 200, body: { items: page.items.map(visitView), ...(page.nextToken ? { nextToken: page.nextToken } : {}) } };
});
