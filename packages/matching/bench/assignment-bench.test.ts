import { describe, expect, it } from 'vitest';
import { badRows, checkRows, type Row, type Solver } from './assignment-bench';

function row(solver: Solver, served: number | null, objective: number | null, extra: Partial<Row> = {}): Row {
  return {
    size: '1k',
    residents: 1_000,
    providers: 100,
    arcs: 20_000,
    solver,
    ms: served === null ? null : 10,
    coldMs: served === null ? null : 12,
    warmTimes: [],
    rounds: 1,
    ratioToOurs: null,
    ratioToLemon: null,
    peakMb: 50,
    served,
    objective,
    reference: null,
    match: null,
    skipped: served === null,
    ...extra,
  };
}

describe('the bench check', () => {
  it('takes LEMON NetworkSimplex as the reference and passes rows that agree', () => {
    const rows = [row('ours', 875, 1_695_370), row('lemon-ns', 875, 1_695_370), row('highs', 875, 1_695_370)];
    checkRows(rows);
    expect(rows.map((r) => r.reference)).toEqual(['lemon-ns', null, 'lemon-ns']);
    expect(rows.map((r) => r.match)).toEqual([true, null, true]);
    expect(badRows(rows, false)).toEqual([]);
  });

  it('flags a row whose objective or served count differs', () => {
    const rows = [row('ours', 875, 1_695_371), row('lemon-ns', 875, 1_695_370), row('lemon-cs', 874, 1_695_370)];
    checkRows(rows);
    expect(badRows(rows, false).map((r) => r.solver)).toEqual(['ours', 'lemon-cs']);
  });

  it('falls back to HiGHS, then SSP, when LEMON did not run', () => {
    const withHighs = [row('ours', 10, 99), row('lemon-ns', null, null), row('highs', 10, 100)];
    checkRows(withHighs);
    expect(withHighs[0]!.reference).toBe('highs');
    expect(badRows(withHighs, false).map((r) => r.solver)).toEqual(['ours']);
    const withSsp = [row('ours', 10, 100), row('ours-ssp', 10, 100)];
    checkRows(withSsp);
    expect(withSsp[0]!.reference).toBe('ours-ssp');
    expect(badRows(withSsp, false)).toEqual([]);
  });

  it('counts a failed solve of ours or LEMON always, and of anything in --check', () => {
    const rows = [row('ours', 10, 100), row('lemon-ns', 10, 100), row('min-cost-flow', null, null, { failed: true, reason: 'failed: stack' })];
    checkRows(rows);
    expect(badRows(rows, false)).toEqual([]);
    expect(badRows(rows, true).map((r) => r.solver)).toEqual(['min-cost-flow']);
    const oursFailed = [row('ours', null, null, { failed: true, reason: 'failed: crash' }), row('lemon-ns', 10, 100)];
    expect(badRows(oursFailed, false).map((r) => r.solver)).toEqual(['ours']);
  });
});
