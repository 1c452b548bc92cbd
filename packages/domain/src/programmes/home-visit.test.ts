import { describe, expect, it } from 'vitest';
import { evaluateHomeVisitEligibility, HOME_VISIT_POLICIES, homeVisitProgramme } from './home-visit';
import { PROGRAMMES, programmeOf } from './index';

const ON = new Date('2026-12-03T04:00:00Z');
/** A birth date giving `age` on ON (China time). */
const bornAged = (age: number) => `${2026 - age}-06-01`;
const facts = (age: number, careLevel: number, over: { lowIncome?: boolean; district?: string; services?: string[] } = {}) => ({
  birthDate: bornAged(age),
  district: over.district ?? '320113',
  street: '仙林街道',
  lowIncome: over.lowIncome ?? false,
  needs: { services: (over.services ?? ['cleaning']) as ['cleaning'], careLevel },
});

describe('home visits: entitled hours from policy data', () => {
  it.each([
    // age, care level, low income → hours a month, subsidy per hour, status
    [72, 1, false, 6, 25, 'PENDING'],
    [72, 4, false, 30, 25, 'PENDING'],
    [85, 2, false, 14, 25, 'PENDING'],
    [93, 3, false, 24, 25, 'PENDING'],
    [70, 2, true, 16, 40, 'APPROVED'],
    [82, 0, false, 2, 25, 'PENDING'],
  ] as const)('aged %i, care level %i, low income %s: %i hours at %i yuan (%s)', (age, level, lowIncome, hours, perHour, status) => {
    const d = evaluateHomeVisitEligibility(facts(age, level, { lowIncome }), ON);

    expect(d).toMatchObject({ eligible: true, hoursPerMonth: hours, demand: hours, subsidyPerUnit: perHour, subsidyStatus: status, policyVersion: 'home-visit-subsidy/2026.1' });
  });

  it('names the rule behind every figure', () => {
    const d = evaluateHomeVisitEligibility(facts(91, 3, { lowIncome: true }), ON);

    expect(d.reasons.map((r) => r.rule)).toEqual(['age', 'residence', 'hoursByCareLevel[3]', 'ageSupplements[90+]', 'lowIncomeHours', 'lowIncomeSubsidyPerHour', 'autoApproveLowIncome']);
    expect(d.hoursPerMonth).toBe(20 + 4 + 4);
  });

  it('refuses a fully able resident under 80 not on the registry, naming the care level', () => {
    const d = evaluateHomeVisitEligibility(facts(70, 0), ON);

    expect(d).toMatchObject({ eligible: false, demand: 0, subsidyStatus: null });
    expect(d.reasons.at(-1)).toMatchObject({ code: 'NO_ENTITLEMENT', field: 'needs.careLevel' });
  });

  it('refuses the under-60 and those outside the programme districts', () => {
    expect(evaluateHomeVisitEligibility(facts(59, 4), ON)).toMatchObject({ eligible: false });
    expect(evaluateHomeVisitEligibility(facts(75, 4, { district: '110101' }), ON).reasons.find((r) => r.field)).toMatchObject({ code: 'DISTRICT_NOT_IN_PROGRAMME' });
  });

  it('orders the more dependent and the poorer first (lower weight)', () => {
    const weight = (level: number, lowIncome = false) => evaluateHomeVisitEligibility(facts(75, level, { lowIncome }), ON).priorityWeight;

    expect(weight(4)).toBeLessThan(weight(3));
    expect(weight(3)).toBeLessThan(weight(1));
    expect(weight(2, true)).toBeLessThan(weight(2));
  });

  it('admits an organisation that covers the street and offers every service asked for', () => {
    const org = (services: string[], streets: string[]) => ({ id: 'o', street: '仙林街道', declaration: { services, streets } as never });
    const needs = { services: ['bathing', 'cleaning'] as ('bathing' | 'cleaning')[], careLevel: 2 };

    expect(homeVisitProgramme.admits(needs, '仙林街道', org(['bathing', 'cleaning', 'companionship'], ['仙林街道']))).toBe(true);
    expect(homeVisitProgramme.admits(needs, '仙林街道', org(['cleaning'], ['仙林街道']))).toBe(false);
    expect(homeVisitProgramme.admits(needs, '仙林街道', org(['bathing', 'cleaning'], ['马群街道']))).toBe(false);
  });

  it('is versioned data: a later row applies from its effective date', () => {
    const later = { ...HOME_VISIT_POLICIES[0]!, version: '2027.1', effectiveFrom: '2027-01-01', hoursByCareLevel: [0, 8, 14, 22, 32] };

    expect(evaluateHomeVisitEligibility(facts(72, 1), new Date('2027-02-01T04:00:00Z'), later)).toMatchObject({ hoursPerMonth: 8, policyVersion: 'home-visit-subsidy/2027.1' });
  });
});

describe('the programme registry', () => {
  it('has one programme per application type, each with its capacity field and subsidy unit', () => {
    expect(PROGRAMMES.map((p) => p.type)).toEqual(['meal', 'home-visit', 'retrofit', 'childcare']);
    expect(programmeOf('home-visit').capacity.field).toBe('hoursPerMonth');
    expect(programmeOf('meal').capacity.field).toBe('capacity');
    expect(PROGRAMMES.filter((p) => p.open).map((p) => p.type)).toEqual(['meal', 'home-visit', 'retrofit', 'childcare']);
    expect(programmeOf('childcare').capacity.classes?.map((c) => c.code)).toEqual(['infant', 'toddler', 'older']);
  });
});
