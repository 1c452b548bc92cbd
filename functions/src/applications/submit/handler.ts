import { httpHandler } from '../../lib/http';
import { submitApplication } from '../../use-cases/applications';
import * as schema from './schema';

export const handler = httpHandler('submitApplication', schema, async (req, deps) => {
  const result = await submitApplication(deps, req.actor, req.body, req.headers['idempotency-key'], req.requestId);
  return { status: 202, body: result };
});
