import { httpHandler } from '../../lib/http';
import { registerProvider } from '../../use-cases/providers';
import * as schema from './schema';

export const handler = httpHandler('registerProvider', schema, async ({ actor, body, requestId }, deps) => {
  return { status: 201, body: await registerProvider(deps, actor, body, requestId) };
});
