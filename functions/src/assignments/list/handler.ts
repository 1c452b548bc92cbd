import { httpHandler } from '../../lib/http';
import { assignmentPage } from '../../use-cases/assignments';
import * as schema from './schema';

export const handler = httpHandler('listAssignments', schema, async ({ actor, query }, { store, now }) => {
  const page = await store.listAssignmentsByProvider(actor.providerId, query);
  return { status: 200, body: { items: await assignmentPage(store, page.items, now()), ...(page.nextToken ? { nextToken: page.nextToken } : {}) } };
});
