import { httpHandler } from '../../lib/http';
import { recordVisit, visitView } from '../../use-cases/visits';
import * as schema from './schema';

export const handler = httpHandler('recordVisit', schema, async ({ actor, path, body, requestId }, deps) => {
  return { status: 201, body: visitView(await recordVisit(deps, actor, path.id, body, requestId)) };
});
