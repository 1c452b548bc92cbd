import { ValidationError } from '@huimin/domain';
import { httpHandler } from '../../lib/http';
import { runMealAllocationRound } from '../../use-cases/allocation';
import * as schema from './schema';

export const handler = httpHandler('runAllocationRound', schema, async ({ actor, body }, deps) => {
  if (actor.role !== 'staff') throw new Error('unreachable: the wiring admits staff only');
  if (body.type !== 'meal') {
    throw new ValidationError([{ path: 'type', message: '托育分配轮次暂未开放 / Childcare allocation rounds are not open yet' }]);
  }
  return { status: 200, body: await runMealAllocationRound(deps, actor) };
});
