import { httpHandler } from '../../lib/http';
import { applicationView, cancelApplication } from '../../use-cases/applications';
import * as schema from './schema';

export const handler = httpHandler('cancelApplication', schema, async ({ actor, path, requestId }, deps) => {
  const app = await cancelApplication(deps, actor, path.id, requestId);
  return { status: 200, body: applicationView(app, deps.now()) };
});
