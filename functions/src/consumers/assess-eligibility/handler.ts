import { causeOf, eventConsumer } from '../../lib/consumer';
import { assessEligibility } from '../../use-cases/assessment';
import { subscriptionData } from './schema';

export const handler = eventConsumer('assessEligibility', (event, deps) => {
  const { applicationId } = subscriptionData.parse(event.data);
  return assessEligibility(deps, applicationId, event.metadata.eventId, causeOf(event));
});
