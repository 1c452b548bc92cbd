import { ApplicationSubmitted } from '@huimin/events';

/** The part of ApplicationSubmitted this consumer reads. */
export const subscriptionData = ApplicationSubmitted.data.pick({ applicationId: true });
