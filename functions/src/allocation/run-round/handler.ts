import { httpHandler } from '../../lib/http';
import { requestAllocationRound, roundView } from '../../use-cases/allocation';
import * as schema from './schema';

/** Starts a round and answers 202 with its id; the allocateDistrict consumer runs it. */
export const handler = httpHandler('runAllocationRound', schema, async ({ actor, body, requestId }, deps) => {
  return { status: 202, body: roundView(await requestAllocationRound(deps, actor, body.type, requestId)) };
});
