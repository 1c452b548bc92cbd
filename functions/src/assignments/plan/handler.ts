import { httpHandler } from '../../lib/http';
import { assignmentView } from '../../use-cases/assignments';
import { planJob } from '../../use-cases/jobs';
import * as schema from './schema';

/** The contractor plans the job from the catalogue: priced, subsidised per item and capped per household. */
export const handler = httpHandler('planJob', schema, async ({ actor, path, body, requestId }, deps) => {
  const items = body.items.map((i) => ({ code: i.code, quantity: i.quantity, unitPriceFen: i.unitPrice }));
  return { status: 200, body: assignmentView(await planJob(deps, actor, path.id, items, requestId)) };
});
