import { APPLICATION_MACHINE, APPLICATION_STATUS_LABELS, type ApplicationStatus, isTerminal, transition } from '@huimin/domain';
import { type ApplicationRecord, Applications, type Store, type TxOp } from '@huimin/store';

/**
 * The instant of a new history line: `now`, or the last line's instant when `now` is earlier. A
 * consumer takes `now` when it starts; if another write lands meanwhile and the consumer retries on
 * the version it re-reads, its `now` can be older than that write's line. History is read as a time
 * line, so it never goes backwards (ISO instants of one format compare as strings).
 */
export function stampAfter(app: Pick<ApplicationRecord, 'history'>, now: Date): string {
  const at = now.toISOString();
  const last = app.history.at(-1)?.at;
  return last !== undefined && last > at ? last : at;
}

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
  const at = stampAfter(app, now);
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
  const at = stampAfter(app, now);
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
