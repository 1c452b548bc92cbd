import { ValidationError } from '@huimin/domain';
import { httpHandler } from '../../lib/http';
import { mealSupplyDemand } from '../../use-cases/report';
import * as schema from './schema';

export const handler = httpHandler('supplyDemandReport', schema, async ({ actor, query }, deps) => {
  if (query.type !== 'meal') {
    throw new ValidationError([{ path: 'query.type', message: `该服务的供需报告暂未开放 / The report for ${query.type} is not open yet` }]);
  }
  return { status: 200, body: await mealSupplyDemand(deps, actor) };
});
