import { mealPolicyOn, needWeight } from '@huimin/domain';
import { describe, expect, it } from 'vitest';
import { applicationRecord, NOW, providerRecord } from '../../test-support/records';
import { solveDistrict } from './district';
import { latestOfEach, supplyDemandReport } from './report';

/**
 * Two neighbouring streets 600 m apart: A has three residents and one place, B none and five.
 * Counting each street alone calls two of A's residents unmet; the best allocation serves all
 * three, using B's places within walking distance.
 */
const A = { street: '仙林街道', location: { lat: 32.105, lng: 118.93 } };
const B = { street: '马群街道', location: { lat: 32.1104, lng: 118.93 } };

function residentAt(id: string, where: typeof A, age = 80) {
  return applicationRecord({
    id,
    status: 'WAITLISTED',
    street: where.street,
    subject: { ...applicationRecord().subject, address: { district: '320113', street: where.street, location: where.location } },
    eligibility: { eligible: true, reasons: [], policyVersion: 'meal-subsidy/2026.1', age, lowIncome: false, demand: 1, priorityWeight: needWeight(age, false, mealPolicyOn(NOW)) },
  });
}

describe('the supply–demand report', () => {
  it('counts as unmet only what no allocation within walking distance can serve', () => {
    const apps = [residentAt('a1', A), residentAt('a2', A), residentAt('a3', A)];
    const providers = [providerRecord({ id: 'pa', capacity: 1, ...A }), providerRecord({ id: 'pb', capacity: 5, ...B })];

    const report = supplyDemandReport('320113', apps, providers, NOW);

    const a = report.streets.find((s) => s.street === A.street)!;
    const b = report.streets.find((s) => s.street === B.street)!;
    expect(a).toMatchObject({ demand: 3, capacity: 1, served: 3, unmet: 0, naiveUnmet: 2, spare: 0 });
    expect(b).toMatchObject({ demand: 0, capacity: 5, served: 0, unmet: 0, spare: 3 });
    expect(report.totals).toMatchObject({ demand: 3, capacity: 6, served: 3, unmet: 0, spare: 3 });
    expect(report.spareProviders).toEqual([expect.objectContaining({ id: 'pb', spare: 3 })]);
  });

  it('serves the older resident first when places are short', () => {
    const far = { street: '马群街道', location: { lat: 32.1104, lng: 118.93 } };
    const apps = [residentAt('young', A, 65), residentAt('old', A, 92)];
    const providers = [providerRecord({ id: 'only', capacity: 1, ...far })];

    const report = supplyDemandReport('320113', apps, providers, NOW);
    const solution = solveDistrict('meal', apps, providers, (p) => p.capacity, NOW);

    expect(solution.chosen.get('old')?.provider.id).toBe('only');
    expect(solution.chosen.get('young')).toBeNull();
    expect(report.totals).toMatchObject({ demand: 2, served: 1, unmet: 1 });
    const grid = report.streets.find((s) => s.street === A.street)!.grids[0]!;
    expect(grid).toMatchObject({ demand: 2, served: 1, unmet: 1 });
  });

  it('leaves a resident beyond walking distance unmet even with places free elsewhere', () => {
    const island = { street: '八卦洲街道', location: { lat: 32.195, lng: 118.79 } };
    const report = supplyDemandReport('320113', [residentAt('far', island)], [providerRecord({ id: 'p', capacity: 10, ...A })], NOW);

    expect(report.totals).toMatchObject({ demand: 1, capacity: 10, served: 0, unmet: 1, spare: 10, naiveUnmet: 1 });
  });

  it('counts home visits in hours: a resident is served wholly by one organisation that covers the street, never split', () => {
    // Prepare: two organisations with 10 hours each; residents asking 14, 6 and 6 hours (26 in all).
    const hv = (id: string, hours: number, weight: number) =>
      applicationRecord({
        id,
        type: 'home-visit',
        status: 'WAITLISTED',
        street: A.street,
        subject: { ...applicationRecord().subject, address: { district: '320113', street: A.street, location: A.location } },
        needs: { services: ['cleaning'], careLevel: 2 },
        eligibility: { eligible: true, reasons: [], policyVersion: 'home-visit-subsidy/2026.1', age: 82, demand: hours, priorityWeight: weight },
      });
    const org = (id: string, streets: string[]) =>
      providerRecord({ id, kind: 'home-visit', capacity: 10, services: ['cleaning'], streets, ...B });
    const apps = [hv('big', 14, 0.4), hv('six-a', 6, 1), hv('six-b', 6, 1)];
    const providers = [org('o1', [A.street]), org('o2', [A.street]), org('elsewhere', [B.street])];

    // Act
    const solution = solveDistrict('home-visit', apps, providers, (p) => p.capacity, NOW);
    const report = supplyDemandReport('320113', apps, providers, NOW, 'home-visit');

    // Assess: 14 hours fit nowhere whole; the two 6-hour residents take one organisation each
    expect(solution.chosen.get('big')).toBeNull();
    expect(new Set([solution.chosen.get('six-a')?.provider.id, solution.chosen.get('six-b')?.provider.id])).toEqual(new Set(['o1', 'o2']));
    expect(solution.servedUnits).toBe(12);
    // Split hours could serve 20 of the 26: the relaxation's bound says how far from it whole visits are.
    expect(solution.boundUnits).toBe(20);
    expect(report).toMatchObject({ kind: 'home-visit', unit: { zh: '小时/月' }, boundServed: 20 });
    expect(report.totals).toMatchObject({ demand: 26, capacity: 30, served: 12, unmet: 14 });
  });

  it('counts an application read under two statuses once, as its later version (the reads run side by side)', () => {
    const matching = { ...residentAt('a1', A), status: 'MATCHING' as const, version: 3 };
    const offered = { ...matching, status: 'OFFERED' as const, version: 4 };
    const other = residentAt('a2', A);

    const apps = latestOfEach([offered, other, matching]);

    expect(apps.map((a) => [a.id, a.status])).toEqual([
      ['a1', 'OFFERED'],
      ['a2', other.status],
    ]);
    const report = supplyDemandReport('320113', apps, [providerRecord({ id: 'pa', capacity: 5, ...A })], NOW);
    expect(report.totals).toMatchObject({ demand: 2, served: 2 });
  });
});
