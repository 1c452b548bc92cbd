import { httpHandler } from '../../lib/http';
import { declareCapacity } from '../../use-cases/providers';
import * as schema from './schema';

export const handler = httpHandler('setProviderCapacity', schema, async ({ actor, path, body, requestId }, deps) => {
  return { status: 200, body: await declareCapacity(deps, actor, path.id, body, requestId) };
});
