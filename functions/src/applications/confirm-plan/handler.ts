import { httpHandler } from '../../lib/http';
import { applicationDetail, loadApplicationFor } from '../../use-cases/applications';
import { confirmPlan } from '../../use-cases/jobs';
import * as schema from './schema';

/** The family confirms the contractor's plan (its price, subsidy and their share); the work may start. */
export const handler = httpHandler('confirmPlan', schema, async ({ actor, path, requestId }, deps) => {
  const app = await confirmPlan(deps, actor, await loadApplicationFor(deps.store, actor, path.id), requestId);
  return { status: 200, body: await applicationDetail(deps, app) };
});
