import { httpHandler } from '../../lib/http';
import { applicationDetail, loadApplicationFor } from '../../use-cases/applications';
import { acceptOffer } from '../../use-cases/assignments';
import * as schema from './schema';

/** The family takes the place offered (childcare), before its deadline: the application becomes ACTIVE. */
export const handler = httpHandler('acceptOffer', schema, async ({ actor, path, requestId }, deps) => {
  await acceptOffer(deps, actor, await loadApplicationFor(deps.store, actor, path.id), requestId);
  return { status: 200, body: await applicationDetail(deps, await loadApplicationFor(deps.store, actor, path.id)) };
});
