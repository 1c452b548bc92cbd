import middy from '@middy/core';
import type { Context, ScheduledEvent } from 'aws-lambda';
import { getDeps } from '../../lib/config';
import { logger } from '../../lib/logger';
import { smsSender } from '../../lib/sms';
import { expireOverdueOffers } from '../../use-cases/assignments';
import { remindDeadlines } from '../../use-cases/notifications';
import { scheduledEvent } from './schema';

export const handler = middy<ScheduledEvent, void, Error, Context>().handler(async (event) => {
  const { id } = scheduledEvent.parse(event);
  const deps = await getDeps();
  const { expired, open } = await expireOverdueOffers(deps, id);
  const reminded = await remindDeadlines(deps, smsSender(), open);
  logger.info('Offer sweep', { expired, reminded });
});
