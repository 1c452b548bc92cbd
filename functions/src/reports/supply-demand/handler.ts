import { httpHandler } from '../../lib/http';
import { supplyDemand } from '../../use-cases/report';
import * as schema from './schema';

export const handler = httpHandler('supplyDemandReport', schema, async ({ actor, query }, deps) => {
  return { status: 200, body: await supplyDemand(deps, actor, query.type) };
});
