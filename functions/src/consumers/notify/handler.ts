import { eventConsumer } from '../../lib/consumer';
import { smsSender } from '../../lib/sms';
import { notifyOf } from '../../use-cases/notifications';

export const handler = eventConsumer('notify', (event, deps) => notifyOf(deps, smsSender(), event));
