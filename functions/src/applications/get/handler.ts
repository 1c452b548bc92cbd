import { httpHandler } from '../../lib/http';
import { applicationView, loadApplicationFor } from '../../use-cases/applications';
import { entitlementOf } from '../../use-cases/visits';
import * as schema from './schema';

export const handler = httpHandler('getApplication', schema, async ({ actor, path }, deps) => {
  const app = await loadApplicationFor(deps.store, actor, path.id);
  return { status: 200, body: applicationView(app, deps.now(), await entitlementOf(deps, app)) };
});
