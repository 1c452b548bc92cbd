import { httpHandler } from '../../lib/http';
import { assignmentView } from '../../use-cases/assignments';
import * as schema from './schema';

export const handler = httpHandler('listAssignments', schema, async ({ actor, query }, { store }) => {
  const page = await store.listAssignmentsByProvider(actor.providerId, query);
  return { status: 200, body: { items: page.items.map(assignmentView), ...(page.nextToken ? { nextToken: page.nextToken } : {}) } };
});
