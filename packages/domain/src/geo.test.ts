import { describe, expect, it } from 'vitest';
import { CHINA_BOUNDS, isInChina, type LatLng } from './geo';

// Xianlin Street, Qixia District: CONTRACT.md's example address.
const XIANLIN: LatLng = { lat: 32.105, lng: 118.93 };

describe('isInChina', () => {
  it.each([
    ['Xianlin, Nanjing', XIANLIN, true],
    ['Ürümqi', { lat: 43.83, lng: 87.62 }, true],
    ['Harbin', { lat: 45.8, lng: 126.53 }, true],
    ['Sanya', { lat: 18.25, lng: 109.5 }, true],
    ['Paris', { lat: 48.85, lng: 2.35 }, false],
    ['latitude and longitude swapped', { lat: XIANLIN.lng, lng: XIANLIN.lat }, false],
    ['Sydney', { lat: -33.87, lng: 151.21 }, false],
    ['null island', { lat: 0, lng: 0 }, false],
  ])('%s → %s', (_label, point, expected) => {
    // Act
    const inside = isInChina(point);

    // Assess
    expect(inside).toBe(expected);
  });

  it('includes the edges of its box and excludes just beyond them', () => {
    // Prepare
    const { minLat, maxLat, minLng, maxLng } = CHINA_BOUNDS;

    // Act
    const corners = [isInChina({ lat: minLat, lng: minLng }), isInChina({ lat: maxLat, lng: maxLng })];
    const beyond = [isInChina({ lat: minLat - 0.01, lng: 110 }), isInChina({ lat: 30, lng: maxLng + 0.01 })];

    // Assess
    expect(corners).toEqual([true, true]);
    expect(beyond).toEqual([false, false]);
  });
});
