import { httpHandler } from '../../lib/http';
import { applicationDetail, loadApplicationFor } from '../../use-cases/applications';
import { declineOffer } from '../../use-cases/assignments';
import * as schema from './schema';

/** The family leaves the place offered (childcare): it goes back to the pool, the child waits for the next round. */
export const handler = httpHandler('declineOffer', schema, async ({ actor, path, requestId }, deps) => {
  await declineOffer(deps, actor, await loadApplicationFor(deps.store, actor, path.id), requestId);
  return { status: 200, body: await applicationDetail(deps, await loadApplicationFor(deps.store, actor, path.id)) };
});
