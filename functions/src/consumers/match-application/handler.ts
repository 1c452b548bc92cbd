import { causeOf, eventConsumer } from '../../lib/consumer';
import { matchApplication } from '../../use-cases/matching';
import { subscriptionData } from './schema';

export const handler = eventConsumer('matchApplication', (event, deps) => {
  const { applicationId } = subscriptionData.parse(event.data);
  return matchApplication(deps, applicationId, event.metadata.eventId, causeOf(event));
});
