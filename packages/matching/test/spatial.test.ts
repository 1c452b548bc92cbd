import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createSpatialIndex, haversineMetres, InvalidProblemError, mulberry32 } from '../src/index';

describe('haversineMetres', () => {
  it('measures known distances', () => {
    // One degree of latitude on the mean sphere: 6,371,008.8 × π / 180.
    expect(haversineMetres({ lat: 0, lng: 0 }, { lat: 1, lng: 0 })).toBeCloseTo(111_195.08, 1);
    // Xianlin to Maqun street centroids (Qixia): about 7.8 km.
    const d = haversineMetres({ lat: 32.105, lng: 118.93 }, { lat: 32.045, lng: 118.88 });
    expect(d).toBeGreaterThan(7_500);
    expect(d).toBeLessThan(8_200);
    expect(haversineMetres({ lat: 10, lng: 179.9 }, { lat: 10, lng: -179.9 })).toBeLessThan(25_000);
  });
});

function bruteForce(points: { id: number; lat: number; lng: number }[], lat: number, lng: number, metres: number) {
  return points
    .map((p, index) => ({ id: p.id, index, distanceMetres: haversineMetres({ lat, lng }, p) }))
    .filter((c) => c.distanceMetres <= metres)
    .sort((a, b) => a.distanceMetres - b.distanceMetres || a.index - b.index);
}

const point = (latRange: [number, number], lngRange: [number, number]) =>
  fc.record({
    lat: fc.double({ min: latRange[0], max: latRange[1], noNaN: true }),
    lng: fc.double({ min: lngRange[0], max: lngRange[1], noNaN: true }),
  });

describe('createSpatialIndex', () => {
  it('withinRadius equals a brute-force scan in a city-sized area', () => {
    fc.assert(
      fc.property(
        fc.array(point([32.0, 32.24], [118.75, 119.1]), { maxLength: 300 }),
        fc.array(fc.tuple(point([31.95, 32.3], [118.7, 119.15]), fc.double({ min: 0, max: 15_000, noNaN: true })), {
          minLength: 1,
          maxLength: 20,
        }),
        (raw, queries) => {
          const points = raw.map((p, id) => ({ id, ...p }));
          const index = createSpatialIndex(points);
          for (const [q, metres] of queries) {
            expect(index.withinRadius(q.lat, q.lng, metres)).toEqual(bruteForce(points, q.lat, q.lng, metres));
          }
        },
      ),
      { numRuns: 150, seed: 11 },
    );
  });

  it('withinRadius stays exact across the whole globe, the poles and the antimeridian', () => {
    fc.assert(
      fc.property(
        fc.array(point([-90, 90], [-180, 180]), { maxLength: 200 }),
        fc.array(fc.tuple(point([-90, 90], [-180, 180]), fc.double({ min: 0, max: 3_000_000, noNaN: true })), {
          minLength: 1,
          maxLength: 10,
        }),
        (raw, queries) => {
          const points = raw.map((p, id) => ({ id, ...p }));
          const index = createSpatialIndex(points);
          for (const [q, metres] of queries) {
            expect(index.withinRadius(q.lat, q.lng, metres)).toEqual(bruteForce(points, q.lat, q.lng, metres));
          }
        },
      ),
      { numRuns: 150, seed: 12 },
    );
    // Points straddling the antimeridian and near a pole, deterministically.
    const points = [
      { id: 0, lat: 10, lng: 179.95 },
      { id: 1, lat: 10, lng: -179.95 },
      { id: 2, lat: 89.99, lng: 0 },
      { id: 3, lat: 89.99, lng: 180 },
    ];
    const index = createSpatialIndex(points);
    expect(index.withinRadius(10, 179.99, 20_000).map((c) => c.id)).toEqual([0, 1]);
    expect(index.withinRadius(89.99, 90, 5_000).map((c) => c.id).sort()).toEqual([2, 3]);
  });

  it('nearest returns the k closest within the limit', () => {
    const rnd = mulberry32(5);
    const points = Array.from({ length: 2_000 }, (_, id) => ({
      id,
      lat: 32 + rnd() * 0.24,
      lng: 118.75 + rnd() * 0.35,
    }));
    const index = createSpatialIndex(points);
    for (let q = 0; q < 50; q++) {
      const lat = 32 + rnd() * 0.24;
      const lng = 118.75 + rnd() * 0.35;
      expect(index.nearest(lat, lng, 20)).toEqual(bruteForce(points, lat, lng, Infinity).slice(0, 20));
      expect(index.nearest(lat, lng, 20, 800)).toEqual(bruteForce(points, lat, lng, 800).slice(0, 20));
    }
  });

  it('refuses bad coordinates', () => {
    expect(() => createSpatialIndex([{ id: 'a', lat: 91, lng: 0 }])).toThrow(InvalidProblemError);
    expect(() => createSpatialIndex([{ id: 'a', lat: 0, lng: Number.NaN }])).toThrow('point 0: longitude NaN');
    expect(() => createSpatialIndex([]).withinRadius(0, 0, -1)).toThrow('radius -1');
  });
});
