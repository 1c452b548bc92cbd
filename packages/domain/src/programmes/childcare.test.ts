import { describe, expect, it } from 'vitest';
import { ageClassOf, CHILDCARE_POLICIES, childcareProgramme, evaluateChildcareEligibility, monthsOldAt, startMonthIssues } from './childcare';

const AT = new Date('2026-12-03T04:00:00Z');
const POLICY = CHILDCARE_POLICIES[0]!;
const needs = (over = {}) => ({ preferences: ['n-1'], startMonth: '2027-01', childrenInFamily: 1, parentWorksInDistrict: false, ...over });

describe('childcare age classes (on the first day of the start month)', () => {
  it('counts completed months, a birthday after the 1st not yet reached', () => {
    expect(monthsOldAt('2026-01-01', '2027-01')).toBe(12);
    expect(monthsOldAt('2026-01-02', '2027-01')).toBe(11);
    expect(monthsOldAt('2024-01-01', '2027-01')).toBe(36);
  });

  it('puts 6–11 months in 乳儿班, 12–23 in 托小班, 24–35 in 托大班, and nobody else', () => {
    expect(ageClassOf('2026-07-01', '2027-01', POLICY)).toBe('infant');
    expect(ageClassOf('2026-07-02', '2027-01', POLICY)).toBeUndefined();
    expect(ageClassOf('2026-01-01', '2027-01', POLICY)).toBe('toddler');
    expect(ageClassOf('2025-01-01', '2027-01', POLICY)).toBe('older');
    expect(ageClassOf('2024-01-01', '2027-01', POLICY)).toBeUndefined();
  });
});

describe('start month checks at submission', () => {
  it('accepts this month or later, up to twelve months ahead', () => {
    expect(startMonthIssues({ startMonth: '2026-12' }, '2026-01-01', AT)).toEqual([]);
    expect(startMonthIssues({ startMonth: '2027-12' }, '2026-01-01', AT)).toEqual([]);
  });

  it('refuses a past month, one too far ahead, a child too young (naming the first month it could start) and a child of three', () => {
    expect(startMonthIssues({ startMonth: '2026-11' }, '2026-01-01', AT)).toEqual([{ path: 'needs.startMonth', message: expect.stringMatching(/^入托月份 2026-11 已过.* \/ Start month 2026-11 is in the past/) }]);
    expect(startMonthIssues({ startMonth: '2028-01' }, '2026-01-01', AT)[0]?.path).toBe('needs.startMonth');
    const young = startMonthIssues({ startMonth: '2027-01' }, '2026-10-15', AT);
    expect(young).toEqual([{ path: 'needs.startMonth', message: expect.stringContaining('请选择 2027-05 或之后入托') }]);
    expect(startMonthIssues({ startMonth: '2027-01' }, '2023-12-01', AT)).toEqual([{ path: 'subject.idNumber', message: expect.stringContaining('已满3周岁') }]);
  });
});

describe('childcare eligibility', () => {
  it('is eligible in a district that runs it, with the age class as the capacity class and no subsidy step', () => {
    const d = evaluateChildcareEligibility({ birthDate: '2026-01-10', district: '320113', street: '仙林街道', lowIncome: false, needs: needs() }, AT);

    expect(d).toMatchObject({ eligible: true, policyVersion: 'childcare-admission/2026.1', capacityClass: 'infant', demand: 1, subsidyStatus: null, age: 0 });
    expect(d.reasons.map((r) => r.code)).toEqual(['DISTRICT_OK', 'AGE_CLASS']);
  });

  it('is not eligible outside the programme districts or without an age class, naming the field', () => {
    const away = evaluateChildcareEligibility({ birthDate: '2026-01-10', district: '320999', street: 'x', lowIncome: false, needs: needs() }, AT);
    const old = evaluateChildcareEligibility({ birthDate: '2023-06-10', district: '320113', street: '仙林街道', lowIncome: false, needs: needs() }, AT);

    expect(away).toMatchObject({ eligible: false });
    expect(away.reasons.find((r) => r.field)?.field).toBe('subject.address.district');
    expect(old).toMatchObject({ eligible: false });
    expect(old.reasons.find((r) => r.field)).toMatchObject({ code: 'NO_AGE_CLASS', field: 'subject.idNumber' });
  });
});

describe('priority points at a nursery (policy data, each with its rule)', () => {
  const facts = (over = {}) => ({ needs: needs(), lowIncome: false, providerId: 'n-1', distanceMetres: 2500, siblingEnrolled: false, ...over });
  const rules = (over = {}) => childcareProgramme.priorityAt!(facts(over), AT).map((p) => [p.rule, p.points]);

  it('gives nothing to a child with no rule', () => {
    expect(rules()).toEqual([]);
  });

  it('gives each rule its points, nursery by nursery', () => {
    expect(rules({ siblingEnrolled: true })).toEqual([['sibling', 40]]);
    expect(rules({ needs: needs({ siblingEnrolledAt: 'n-1' }) })).toEqual([['sibling', 40]]);
    expect(rules({ needs: needs({ siblingEnrolledAt: 'n-2' }) })).toEqual([]);
    expect(rules({ lowIncome: true, distanceMetres: 1000 })).toEqual([
      ['lowIncome', 30],
      ['nearby', 10],
    ]);
    expect(rules({ distanceMetres: 1001, needs: needs({ childrenInFamily: 2, parentWorksInDistrict: true }) })).toEqual([
      ['multiChild', 20],
      ['parentWorksInDistrict', 5],
    ]);
  });

  it('publishes the rules with their points and labels for the form', () => {
    const figures = childcareProgramme.publicFigures(AT) as { priorityRules: { rule: string; points: number; label: { zh: string } }[] };
    expect(figures.priorityRules.map((r) => [r.rule, r.points])).toEqual(Object.entries(POLICY.priorityPoints));
    expect(figures.priorityRules.every((r) => r.label.zh.length > 0)).toBe(true);
  });
});
