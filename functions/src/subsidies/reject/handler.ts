import { httpHandler } from '../../lib/http';
import { decideSubsidy, subsidyView } from '../../use-cases/subsidies';
import * as schema from './schema';

export const handler = httpHandler('rejectSubsidy', schema, async ({ actor, path, body, requestId }, deps) => {
  const decided = await decideSubsidy(deps, actor, path.id, { approve: false, reason: body.reason }, requestId);
  return { status: 200, body: subsidyView(decided) };
});
