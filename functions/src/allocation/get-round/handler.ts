import { httpHandler } from '../../lib/http';
import { loadRoundFor, roundDetail } from '../../use-cases/allocation';
import * as schema from './schema';

export const handler = httpHandler('getAllocationRound', schema, async ({ actor, path }, deps) => {
  return { status: 200, body: await roundDetail(deps, await loadRoundFor(deps, actor, path.id)) };
});
