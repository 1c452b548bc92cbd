import { causeOf, eventConsumer } from '../../lib/consumer';
import { requeueWaitlisted } from '../../use-cases/waitlist';
import { subscriptionData } from './schema';

export const handler = eventConsumer('requeueWaitlisted', (event, deps) => {
  const { releasedProviderId } = subscriptionData.parse(event.data);
  return requeueWaitlisted(deps, releasedProviderId, event.metadata.eventId, causeOf(event));
});
