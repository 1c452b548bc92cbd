import { httpHandler } from '../../lib/http';
import { assignmentView, completeAssignment } from '../../use-cases/assignments';
import * as schema from './schema';

export const handler = httpHandler('completeAssignment', schema, async ({ actor, path, body, requestId }, deps) => {
  return { status: 200, body: assignmentView(await completeAssignment(deps, actor, path.id, requestId, body.note)) };
});
