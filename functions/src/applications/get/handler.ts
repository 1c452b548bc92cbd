import { httpHandler } from '../../lib/http';
import { applicationDetail, loadApplicationFor } from '../../use-cases/applications';
import * as schema from './schema';

export const handler = httpHandler('getApplication', schema, async ({ actor, path }, deps) => {
  return { status: 200, body: await applicationDetail(deps, await loadApplicationFor(deps.store, actor, path.id)) };
});
