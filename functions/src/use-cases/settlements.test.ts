import type { ServiceRecord, SettlementRecord } from '@huimin/store';
import { describe, expect, it } from 'vitest';
import { maskName } from './service-records';
import { paymentCsv, statementLines } from './settlements';

const record = (over: Partial<ServiceRecord>): ServiceRecord => ({
  id: 'r',
  type: 'home-visit',
  district: '320113',
  month: '2026-12',
  date: '2026-12-01',
  providerId: 'p',
  assignmentId: 'as',
  applicationId: 'app-1',
  subjectMasked: '王*英',
  units: 1,
  unit: 'hour',
  rateFen: 2500,
  amountFen: 2500,
  policyVersion: 'home-visit-subsidy/2026.1',
  source: 's',
  recordedBy: 'x',
  createdAt: '2026-12-01T00:00:00.000Z',
  ...over,
});

describe('statement lines', () => {
  it('add a resident’s records at one rate into one line, in exact fen, and split where the rate or policy changes', () => {
    const lines = statementLines([
      record({ date: '2026-12-03', units: 1.5, amountFen: 3750 }),
      record({ date: '2026-12-01', units: 0.75, amountFen: 1875 }),
      record({ date: '2026-12-03', units: 1 / 3, amountFen: 833 }),
      record({ date: '2026-12-20', rateFen: 4000, amountFen: 4000, policyVersion: 'home-visit-subsidy/2027.1' }),
      record({ applicationId: 'app-2', subjectMasked: '李*', date: '2026-12-02' }),
    ]);

    expect(lines.map((l) => [l.subjectMasked, l.dates, l.units, l.rateFen, l.amountFen])).toEqual([
      ['李*', ['2026-12-02'], 1, 2500, 2500],
      ['王*英', ['2026-12-01', '2026-12-03'], 2.583333, 2500, 6458],
      ['王*英', ['2026-12-20'], 1, 4000, 4000],
    ]);
  });
});

describe('the payment file', () => {
  it('is UTF-8 with a byte-order mark, CRLF, quoted where needed, amounts in yuan with two decimals and a total', () => {
    const s = {
      id: 's1',
      type: 'meal',
      district: '320113',
      month: '2026-12',
      providerId: 'meal-1',
      providerName: '仙林街道第一社区助餐点, "东"',
      status: 'APPROVED',
      lines: [{ applicationId: 'a', subjectMasked: '王*英', dates: ['2026-12-01', '2026-12-02'], units: 3, unit: 'meal', rateFen: 500, policyVersion: 'meal-subsidy/2026.1', amountFen: 1500 }],
      totalFen: 1500,
      records: 2,
      computedBy: 'x',
      createdAt: '',
      updatedAt: '',
      version: 2,
    } satisfies SettlementRecord;

    const csv = paymentCsv(s);

    expect(csv.startsWith('\uFEFF')).toBe(true);
    const rows = csv.slice(1).split('\r\n');
    expect(rows).toHaveLength(4);
    expect(rows[3]).toBe('');
    expect(rows[1]).toBe('2026-12,320113,助餐服务,"仙林街道第一社区助餐点, ""东""",meal-1,王*英,2026-12-01 2026-12-02,3,5.00,meal-subsidy/2026.1,15.00');
    expect(rows[2]?.endsWith(',15.00')).toBe(true);
  });

  it('masks names to the first and last character', () => {
    expect([maskName('王秀英'), maskName('李娜'), maskName('欧阳小明'), maskName('王')]).toEqual(['王*英', '李*', '欧**明', '王']);
  });
});
