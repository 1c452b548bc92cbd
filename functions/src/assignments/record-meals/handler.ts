import { httpHandler } from '../../lib/http';
import { recordMeals } from '../../use-cases/service-records';
import * as schema from './schema';

/** The meal point records the meals a resident was served on one day; 422 RECORD_REFUSED says why not. */
export const handler = httpHandler('recordMeals', schema, async ({ actor, path, body }, deps) => {
  const { recordedBy: _by, source: _s, district: _d, ...record } = await recordMeals(deps, actor, path.id, body);
  return { status: 201, body: record };
});
