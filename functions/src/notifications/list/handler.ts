import { httpHandler } from '../../lib/http';
import { inboxOf } from '../../use-cases/notifications';
import * as schema from './schema';

export const handler = httpHandler('listNotifications', schema, async ({ actor, query }, { store }) => ({ status: 200, body: await inboxOf(store, actor, query) }));
