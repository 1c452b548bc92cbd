import { APPLICATION_MACHINE, APPLICATION_STATUSES, type ApplicationStatus, isTerminal } from '@huimin/domain';
import { Store } from '@huimin/store';
import { describe, expect, it } from 'vitest';
import { applicationRecord, NOW } from '../../test-support/records';
import { annotateApplication, applicationWrites, moveApplication } from './history';

/** Builds writes only; never sends (no client needed). */
const store = new Store({} as never, 'test-table');
const OPEN_KEY = 'a'.repeat(64);

/** Every move the state machine allows, as [from, to]. */
const MOVES = APPLICATION_STATUSES.flatMap((from) => APPLICATION_MACHINE[from].map((to) => [from, to] as [ApplicationStatus, ApplicationStatus]));

describe('applicationWrites: the one open application per person per programme', () => {
  it.each(MOVES.filter(([, to]) => isTerminal(APPLICATION_MACHINE, to)))('frees the slot in the same transaction when the application ends (%s → %s)', (from, to) => {
    const app = applicationRecord({ status: from, version: 3, openKey: OPEN_KEY });

    const [replace, close, ...rest] = applicationWrites(store, app, moveApplication(app, to, NOW));

    expect(rest).toEqual([]);
    expect(replace?.item.Put?.Item).toMatchObject({ status: to, version: 4 });
    expect(close?.item.Delete).toEqual({
      TableName: 'test-table',
      Key: { pk: `OPENAPP#meal#${OPEN_KEY}`, sk: 'OPENAPP' },
      ConditionExpression: 'attribute_not_exists(pk) OR #a = :a',
      ExpressionAttributeNames: { '#a': 'applicationId' },
      ExpressionAttributeValues: { ':a': app.id },
    });
  });

  it.each(MOVES.filter(([, to]) => !isTerminal(APPLICATION_MACHINE, to)))('keeps the slot while the application stays open (%s → %s)', (from, to) => {
    const app = applicationRecord({ status: from, version: 3, openKey: OPEN_KEY });

    const writes = applicationWrites(store, app, moveApplication(app, to, NOW));

    expect(writes.map((w) => w.label)).toEqual(['application']);
  });

  it('writes only the application for a record without a slot', () => {
    const app = applicationRecord({ status: 'MATCHING' });

    expect(applicationWrites(store, app, moveApplication(app, 'CANCELLED', NOW)).map((w) => w.label)).toEqual(['application']);
  });
});

describe('history is a time line', () => {
  it('never stamps a line before the last one, when a retry carries the instant its consumer started with', () => {
    const later = new Date(NOW.getTime() + 5_000);
    const app = moveApplication(applicationRecord({ status: 'MATCHING' }), 'CANCELLED', later);

    const moved = annotateApplication(app, NOW, {}, { note: 'late', noteZh: '迟到' });

    const instants = moved.history.map((h) => h.at);
    expect(instants).toEqual([...instants].sort());
    expect(moved.history.at(-1)?.at).toBe(later.toISOString());
    expect(moved.updatedAt).toBe(later.toISOString());
  });

  it('keeps the instant given when it is the latest', () => {
    const later = new Date(NOW.getTime() + 5_000);
    const moved = moveApplication(applicationRecord({ status: 'MATCHING' }), 'OFFERED', later);

    expect(moved.history.at(-1)?.at).toBe(later.toISOString());
  });
});
