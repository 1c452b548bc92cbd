import { httpHandler } from '../../lib/http';
import { applicationDetail, loadApplicationFor } from '../../use-cases/applications';
import { inspectJob } from '../../use-cases/jobs';
import * as schema from './schema';

/** District staff inspect the finished work: a pass completes it and makes the subsidy payable; a fail returns it. */
export const handler = httpHandler('inspectJob', schema, async ({ actor, path, body, requestId }, deps) => {
  const app = await inspectJob(deps, actor, await loadApplicationFor(deps.store, actor, path.id), body, requestId);
  return { status: 200, body: await applicationDetail(deps, app) };
});
