import { describe, expect, it } from 'vitest';
import { applicationRecord, NOW, providerRecord } from '../../test-support/records';
import { CandidateFinder } from './candidates';

describe('CandidateFinder', () => {
  const near = providerRecord({ id: 'near', location: { lat: 32.1082, lng: 118.9318 }, diets: ['soft'] });
  const far = providerRecord({ id: 'far', location: { lat: 32.1, lng: 118.9331 }, diets: ['soft', 'halal'] });
  const finder = new CandidateFinder([far, near]);

  it('lists providers in range nearest first, serving every diet asked for', () => {
    const soft = applicationRecord({ needs: { diets: ['soft'] } });
    const halal = applicationRecord({ needs: { diets: ['halal'] } });

    expect(finder.find(soft, { freeOnly: true, at: NOW }).map((c) => c.provider.id)).toEqual(['near', 'far']);
    expect(finder.find(halal, { freeOnly: true, at: NOW }).map((c) => c.provider.id)).toEqual(['far']);
    expect(finder.find({ ...soft, needs: { diets: ['soft'], maxDistanceMetres: 100 } }, { freeOnly: true, at: NOW })).toEqual([]);
  });

  it('skips a provider that declined only until its cooldown ends', () => {
    const app = applicationRecord({ needs: { diets: [] }, exclusions: [{ providerId: 'near', until: '2026-12-04T08:00:00.000Z' }] });

    expect(finder.find(app, { freeOnly: true, at: NOW }).map((c) => c.provider.id)).toEqual(['far']);
    expect(finder.find(app, { freeOnly: true, at: new Date('2026-12-05T00:00:00.000Z') }).map((c) => c.provider.id)).toEqual(['near', 'far']);
  });

  it('leaves out full providers only when asked to', () => {
    const full = new CandidateFinder([providerRecord({ id: 'full', capacity: 2, reserved: 2, available: 0 })]);
    const app = applicationRecord({ needs: { diets: [] } });

    expect(full.find(app, { freeOnly: true, at: NOW })).toEqual([]);
    expect(full.find(app, { freeOnly: false, at: NOW })).toHaveLength(1);
  });
});
