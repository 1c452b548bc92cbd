import { APPLICATION_MACHINE, APPLICATION_STATUS_LABELS, type ApplicationStatus, isTerminal, transition } from '@huimin/domain';
import { type ApplicationRecord, Applications, type Store, type TxOp } from '@huimin/store';

/**
 * The next version of an application: checks the move against the state machine and appends the
 * history line residents read. Callers write it with `applicationWrites(store, app, next)`.
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

/**
 * The next version of an application that stays in its status (a job's step): the change and a
 * history line residents read, under the same status.
 */
export function annotateApplication(app: ApplicationRecord, now: Date, extra: Partial<ApplicationRecord>, note: { note: string; noteZh: string; by?: string }): ApplicationRecord {
  const at = now.toISOString();
  return { ...app, ...extra, updatedAt: at, history: [...app.history, { at, status: app.status, note: note.note, noteZh: note.noteZh, ...(note.by ? { by: note.by } : {}) }] };
}

/**
 * The writes that replace `prev` by `next` (under the version read): the application itself and,
 * when it ends (INELIGIBLE, REJECTED, CANCELLED, COMPLETED), the release of the person's "one open
 * application per programme" slot — in the same transaction, so no move can forget it.
 */
export function applicationWrites(store: Store, prev: ApplicationRecord, next: ApplicationRecord): TxOp[] {
  const ops = [store.replace('application', Applications, next, prev.version)];
  const ends = isTerminal(APPLICATION_MACHINE, next.status) && !isTerminal(APPLICATION_MACHINE, prev.status);
  if (ends && next.openKey) ops.push(store.closeApplication(next.type, next.openKey, next.id));
  return ops;
}
