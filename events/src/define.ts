import { APPLICATION_STATUSES } from '@huimin/domain';
import { z } from 'zod';

/** Every event this system publishes comes from one source on one bus. */
export const EVENT_SOURCE = 'huimin.care';

/** What every detail carries besides its data (STYLE.md #8). */
export const metadataSchema = z.object({
  schemaVersion: z.number().int().min(1),
  /** The outbox item's id; consumers are idempotent on it. */
  eventId: z.string().min(1),
  correlationId: z.string().min(1),
  causationId: z.string().min(1),
  idempotencyKey: z.string().min(1),
  occurredAt: z.iso.datetime(),
});
export type EventMetadata = z.infer<typeof metadataSchema>;

/** The application's status after the change; routing rules read it (e.g. the matcher's). */
export const applicationStatusField = z.enum(APPLICATION_STATUSES);

export interface EventDefinition<T extends z.ZodObject = z.ZodObject> {
  detailType: string;
  version: number;
  description: string;
  data: T;
  detail: z.ZodObject<{ metadata: typeof metadataSchema; data: T }>;
  example: { metadata: EventMetadata; data: z.input<T> };
}

export function defineEvent<T extends z.ZodObject>(def: {
  detailType: string;
  version: number;
  description: string;
  data: T;
  exampleData: z.input<T>;
}): EventDefinition<T> {
  return {
    detailType: def.detailType,
    version: def.version,
    description: def.description,
    data: def.data,
    detail: z.object({ metadata: metadataSchema, data: def.data }),
    example: {
      metadata: {
        schemaVersion: def.version,
        eventId: '0f1c2b3a-0000-4000-8000-000000000001',
        correlationId: '0f1c2b3a-0000-4000-8000-0000000000aa',
        causationId: '0f1c2b3a-0000-4000-8000-0000000000aa',
        idempotencyKey: `${def.detailType}:example`,
        occurredAt: '2026-11-27T08:00:00.000Z',
      },
      data: def.exampleData,
    },
  };
}
