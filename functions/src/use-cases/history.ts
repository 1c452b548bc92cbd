import { APPLICATION_MACHINE, APPLICATION_STATUS_LABELS, type ApplicationStatus, transition } from '@huimin/domain';
import type { ApplicationRecord } from '@huimin/store';

/**
 * The next version of an application: checks the move against the state machine and appends the
 * history line residents read. Callers write it with `store.replace(…, app.version)`.
 */
export function moveApplication(
  app: ApplicationRecord,
  to: ApplicationStatus,
  now: Date,
  extra: Partial<ApplicationRecord> = {},
  note?: { note: string; noteZh: string; by?: string },
): ApplicationRecord {
  transition('application', APPLICATION_MACHINE, app.status, to);
  const label = APPLICATION_STATUS_LABELS[to];
  const at = now.toISOString();
  return {
    ...app,
    ...extra,
    status: to,
    updatedAt: at,
    history: [...app.history, { at, status: to, note: note?.note ?? label.en, noteZh: note?.noteZh ?? label.zh, ...(note?.by ? { by: note.by } : {}) }],
  };
}
