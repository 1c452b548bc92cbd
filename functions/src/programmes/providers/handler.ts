import { httpHandler } from '../../lib/http';
import { directoryOf } from '../../use-cases/programmes';
import * as schema from './schema';

export const handler = httpHandler('listProgrammeProviders', schema, async ({ path, query }, deps) => {
  return { status: 200, body: { items: await directoryOf(deps, path.type, query.district) } };
});
