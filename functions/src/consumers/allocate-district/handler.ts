import { causeOf, eventConsumer } from '../../lib/consumer';
import { runRequestedRound } from '../../use-cases/allocation';
import { subscriptionData } from './schema';

export const handler = eventConsumer('allocateDistrict', (event, deps) => {
  const { roundId } = subscriptionData.parse(event.data);
  return runRequestedRound(deps, roundId, event.metadata.eventId, causeOf(event));
});
