import middy from '@middy/core';
import type { Context, ScheduledEvent } from 'aws-lambda';
import { getDeps } from '../../lib/config';
import { logger } from '../../lib/logger';
import { expireOverdueOffers } from '../../use-cases/assignments';
import { scheduledEvent } from './schema';

export const handler = middy<ScheduledEvent, void, Error, Context>().handler(async (event) => {
  const { id } = scheduledEvent.parse(event);
  const expired = await expireOverdueOffers(await getDeps(), id);
  logger.info('Offer sweep', { expired });
});
