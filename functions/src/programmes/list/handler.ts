import { httpHandler } from '../../lib/http';
import { programmeViews, vocabulary } from '../../use-cases/programmes';
import * as schema from './schema';

export const handler = httpHandler('listProgrammes', schema, async (_req, { now }) => {
  return { status: 200, body: { items: programmeViews(now()), vocabulary: vocabulary() } };
});
