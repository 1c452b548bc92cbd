import { httpHandler } from '../../lib/http';
import { assignmentView, declineAssignment } from '../../use-cases/assignments';
import * as schema from './schema';

export const handler = httpHandler('declineAssignment', schema, async ({ actor, path, body, requestId }, deps) => {
  return { status: 200, body: assignmentView(await declineAssignment(deps, actor, path.id, body.reason, requestId)) };
});
