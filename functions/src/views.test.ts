import type { ApplicationRecord, AssignmentRecord, ProviderRecord, SubsidyRecord } from '@huimin/store';
import { describe, expect, expectTypeOf, it } from 'vitest';
import {
  APP_ID,
  applicationRecord,
  assignmentRecord,
  NOW,
  offeredApplication,
  providerRecord,
  SUBSIDY_ID,
  subsidyRecord,
} from '../test-support/records';
import { applicationSummary, applicationView } from './use-cases/applications';
import { assignmentView } from './use-cases/assignments';
import { supplyDemandReport } from './use-cases/report';
import { subsidyView } from './use-cases/subsidies';
import { ApplicationSummary, ApplicationView, AssignmentView, ProviderView, page, SubsidyView, SupplyDemandReport } from './views';

/**
 * The view functions are typed by these schemas, so a missing or mistyped field does not compile.
 * These tests cover what the types cannot: values the schema constrains further (timestamps, enums,
 * counts), and fields a view passes through from a record that the schema does not document.
 * Object schemas strip unknown keys, so `parse(view)` equal to `view` means nothing undocumented.
 */

const subsidy = { id: SUBSIDY_ID, status: 'APPROVED', amount: 5 } as const;
const eligibility = { eligible: true, reasons: [], policyVersion: 'meal-subsidy/2026.1', age: 82, lowIncome: false };

/** An application with every optional part present: eligibility, subsidy, assignment and a later step. */
function fullApplication(): ApplicationRecord {
  const app = offeredApplication(assignmentRecord(), { eligibility, subsidy });
  return {
    ...app,
    subject: { ...app.subject, phone: '13812345678', address: { ...app.subject.address, detail: '3栋2单元101' } },
    needs: { diets: ['soft'], maxDistanceMetres: 800 },
    history: [
      ...app.history,
      { at: '2026-11-20T02:00:05.000Z', status: 'MATCHING', note: 'Looking for a provider', noteZh: '正在匹配服务机构' },
    ],
  };
}

/** Three residents in one street with one place; five places 600 m away in the next street. */
function reportInputs() {
  const A = { street: '仙林街道', location: { lat: 32.105, lng: 118.93 } };
  const B = { street: '马群街道', location: { lat: 32.1104, lng: 118.93 } };
  const apps = ['a1', 'a2', 'a3'].map((id) =>
    applicationRecord({
      id,
      status: 'WAITLISTED',
      subject: { ...applicationRecord().subject, address: { district: '320113', ...A } },
      eligibility,
    }),
  );
  const providers = [providerRecord({ id: 'pa', capacity: 1, ...A }), providerRecord({ id: 'pb', capacity: 5, ...B })];
  return { apps, providers };
}

describe('response views conform to their schemas', () => {
  it('applicationView, bare and with every optional part', () => {
    for (const app of [applicationRecord(), fullApplication()]) {
      const view = applicationView(app, NOW);

      expect(ApplicationView.parse(view)).toEqual(view);
    }
  });

  it('applicationSummary, bare and with subsidy and assignment', () => {
    for (const app of [applicationRecord(), fullApplication()]) {
      const view = applicationSummary(app);

      expect(ApplicationSummary.parse(view)).toEqual(view);
    }
  });

  it('assignmentView, offered and declined with a reason', () => {
    for (const a of [assignmentRecord(), assignmentRecord({ status: 'DECLINED', declineReason: '今日已满', needs: { diets: ['halal'] } })]) {
      const view = assignmentView(a);

      expect(AssignmentView.parse(view)).toEqual(view);
      expect(view).not.toHaveProperty('version');
    }
  });

  it('subsidyView, pending, approved with a note and rejected with a reason', () => {
    const decided = { decidedBy: 'staff-1', updatedAt: '2026-11-21T02:00:00.000Z' };
    for (const s of [
      subsidyRecord(),
      subsidyRecord({ status: 'APPROVED', note: '核实无误', ...decided }),
      subsidyRecord({ status: 'REJECTED', reason: '材料不全', ...decided }),
    ]) {
      const view = subsidyView(s);

      expect(SubsidyView.parse(view)).toEqual(view);
      expect(view).not.toHaveProperty('version');
    }
  });

  it('the provider record, with and without a phone', () => {
    for (const p of [providerRecord(), providerRecord({ phone: '025-85001234' })]) {
      expect(ProviderView.parse(p)).toEqual(p);
    }
  });

  it('supplyDemandReport, with streets, grids and spare places', () => {
    const { apps, providers } = reportInputs();

    const report = supplyDemandReport('320113', apps, providers, NOW);

    // Every nested list is exercised, not just present and empty.
    expect(report.streets.length).toBeGreaterThan(0);
    expect(report.streets[0]?.grids.length).toBeGreaterThan(0);
    expect(report.spareProviders.length).toBeGreaterThan(0);
    expect(SupplyDemandReport.parse(report)).toEqual(report);
  });

  it('a list page, with and without nextToken', () => {
    const items = [applicationSummary(applicationRecord())];
    const Page = page(ApplicationSummary);

    expect(Page.parse({ items })).toEqual({ items });
    expect(Page.parse({ items, nextToken: 'abc' })).toEqual({ items, nextToken: 'abc' });
  });
});

describe('the schemas refuse what the contract does not allow', () => {
  it('an application view with an unknown status, a missing history or a bad timestamp', () => {
    const view = applicationView(fullApplication(), NOW);
    const { history: _h, ...withoutHistory } = view;

    expect(ApplicationView.safeParse({ ...view, status: 'APPROVED' }).success).toBe(false);
    expect(ApplicationView.safeParse(withoutHistory).success).toBe(false);
    expect(ApplicationView.safeParse({ ...view, updatedAt: '27/11/2026' }).success).toBe(false);
    expect(ApplicationView.safeParse({ ...view, subsidy: { ...subsidy } }).success).toBe(false); // no currency, unit
  });

  it('a summary carrying the assignment under another name', () => {
    const { assignment, ...rest } = applicationSummary(fullApplication());

    expect(ApplicationSummary.safeParse({ ...rest, offer: assignment }).success).toBe(false);
  });

  it('an assignment, subsidy or provider with a wrong enum or type', () => {
    expect(AssignmentView.safeParse({ ...assignmentView(assignmentRecord()), status: 'offered' }).success).toBe(false);
    expect(SubsidyView.safeParse({ ...subsidyView(subsidyRecord()), amount: '5' }).success).toBe(false);
    expect(ProviderView.safeParse({ ...providerRecord(), diets: ['vegan'] }).success).toBe(false);
  });

  it('a report with a negative count, and a page without items', () => {
    const { apps, providers } = reportInputs();
    const report = supplyDemandReport('320113', apps, providers, NOW);

    expect(SupplyDemandReport.safeParse({ ...report, totals: { ...report.totals, unmet: -1 } }).success).toBe(false);
    expect(page(ApplicationSummary).safeParse({ data: [], nextToken: APP_ID }).success).toBe(false);
  });
});

describe('record-passing views document every field the record has', () => {
  // These views pass records through (minus `version`), so a field added to a record reaches
  // clients; tsc checks these assertions, so it must be added to the schema too.
  it('assignment, subsidy and provider', () => {
    // …plus what a list joins from the application (the resident's age and contact, the applicant).
    expectTypeOf<Exclude<keyof AssignmentView, 'subjectAge' | 'resident'>>().toEqualTypeOf<Exclude<keyof AssignmentRecord, 'version'>>();
    expectTypeOf<Exclude<keyof SubsidyView, 'applicant' | 'subjectAge'>>().toEqualTypeOf<Exclude<keyof SubsidyRecord, 'version'>>();
    expectTypeOf<keyof ProviderView>().toEqualTypeOf<keyof ProviderRecord>();
  });
});
