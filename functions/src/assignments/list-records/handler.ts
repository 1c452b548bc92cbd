import { httpHandler } from '../../lib/http';
import { loadAssignmentForReader } from '../../use-cases/visits';
import * as schema from './schema';

/** What was recorded on an assignment for settlement (a meal point's days of meals…), to its readers. */
export const handler = httpHandler('listServiceRecords', schema, async ({ actor, path, query }, deps) => {
  const a = await loadAssignmentForReader(deps, actor, path.id);
  const page = await deps.store.listServiceRecordsOf(a.id, query);
  return { status: 200, body: { items: page.items, ...(page.nextToken ? { nextToken: page.nextToken } : {}) } };
});
