import { httpHandler } from '../../lib/http';
import { acceptAssignment, assignmentView } from '../../use-cases/assignments';
import * as schema from './schema';

export const handler = httpHandler('acceptAssignment', schema, async ({ actor, path, requestId }, deps) => {
  return { status: 200, body: assignmentView(await acceptAssignment(deps, actor, path.id, requestId)) };
});
