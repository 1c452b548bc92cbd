import { describe, expect, it } from 'vitest';
import { haversineMetres, type LatLng } from '../src/spatial';

// Xianlin Street, Qixia District: CONTRACT.md's example address.
const XIANLIN: LatLng = { lat: 32.105, lng: 118.93 };

describe('haversineMetres', () => {
  it('measures 0.01° of latitude as about 1112 m', () => {
    // Prepare
    const north: LatLng = { lat: XIANLIN.lat + 0.01, lng: XIANLIN.lng };

    // Act
    const metres = haversineMetres(XIANLIN, north);

    // Assess: one degree of a great circle on the mean Earth is 111 195 m.
    expect(Math.abs(metres - 1112)).toBeLessThanOrEqual(2);
  });

  it('shrinks a degree of longitude with the cosine of the latitude', () => {
    // Prepare
    const onEquator = haversineMetres({ lat: 0, lng: 0 }, { lat: 0, lng: 1 });

    // Act
    const at60 = haversineMetres({ lat: 60, lng: 0 }, { lat: 60, lng: 1 });

    // Assess
    expect(onEquator).toBeCloseTo(111_195, -1);
    expect(at60 / onEquator).toBeCloseTo(0.5, 3);
  });

  it('is zero for the same point and the same either way round', () => {
    // Prepare
    const meal: LatLng = { lat: 32.11, lng: 118.94 };

    // Act
    const same = haversineMetres(XIANLIN, XIANLIN);
    const there = haversineMetres(XIANLIN, meal);
    const back = haversineMetres(meal, XIANLIN);

    // Assess
    expect(same).toBe(0);
    expect(there).toBeGreaterThan(0);
    expect(there).toBe(back);
  });

  it('stays finite for antipodal points, half the circumference apart', () => {
    // Act
    const metres = haversineMetres({ lat: 0, lng: 0 }, { lat: 0, lng: 180 });

    // Assess
    expect(metres).toBeCloseTo(Math.PI * 6_371_008.8, 0);
  });
});

