import { httpHandler } from '../../lib/http';
import { assignmentView } from '../../use-cases/assignments';
import * as schema from './schema';

export const handler = httpHandler('listAssignments', schema, async ({ actor, query }, { store }) => {
  if (actor.role !== 'provider') throw new Error('unreachable: the wiring admits providers only');
  const page = await store.listAssignmentsByProvider(actor.providerId, query);
  return { status: 200, body: { items: page.items.map(assignmentView), ...(page.nextToken ? { nextToken: page.nextToken } : {}) } };
});
