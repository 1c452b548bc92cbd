import { httpHandler } from '../../lib/http';
import { applicationView, loadApplicationFor } from '../../use-cases/applications';
import * as schema from './schema';

export const handler = httpHandler('getApplication', schema, async ({ actor, path }, { store, now }) => {
  const app = await loadApplicationFor(store, actor, path.id);
  return { status: 200, body: applicationView(app, now()) };
});
