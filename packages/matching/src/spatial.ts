import { InvalidProblemError } from './errors';

/** Mean Earth radius (IUGG), metres. */
export const EARTH_RADIUS_METRES = 6_371_008.8;

const RAD = Math.PI / 180;

export interface LatLng {
  lat: number;
  lng: number;
}

export interface SpatialPoint<Id = string> extends LatLng {
  id: Id;
}

export interface Candidate<Id = string> {
  id: Id;
  /** Index of the point in the array given to `createSpatialIndex`. */
  index: number;
  distanceMetres: number;
}

export interface SpatialIndex<Id = string> {
  readonly size: number;
  /** Every point within `metres` (inclusive) of (lat, lng), nearest first; ties by index. */
  withinRadius(lat: number, lng: number, metres: number): Candidate<Id>[];
  /** The `k` nearest points no farther than `maxMetres` (default: unbounded), nearest first. */
  nearest(lat: number, lng: number, k: number, maxMetres?: number): Candidate<Id>[];
}

// One formula shared by the public helper and the index, evaluated in the same order, so the
// index and a brute-force scan with `haversineMetres` agree bit for bit on every distance.
function haversineRad(lat1: number, lng1: number, cos1: number, lat2: number, lng2: number, cos2: number): number {
  const sDLat = Math.sin((lat2 - lat1) / 2);
  const sDLng = Math.sin((lng2 - lng1) / 2);
  const h = sDLat * sDLat + cos1 * cos2 * sDLng * sDLng;
  return 2 * EARTH_RADIUS_METRES * Math.asin(Math.min(1, Math.sqrt(h)));
}

/** Great-circle distance in metres between two WGS84 points (haversine, spherical Earth). */
export function haversineMetres(a: LatLng, b: LatLng): number {
  const lat1 = a.lat * RAD;
  const lat2 = b.lat * RAD;
  return haversineRad(lat1, a.lng * RAD, Math.cos(lat1), lat2, b.lng * RAD, Math.cos(lat2));
}

function checkCoordinate(lat: number, lng: number, where: string): void {
  if (!Number.isFinite(lat) || lat < -90 || lat > 90) {
    throw new InvalidProblemError(`${where}: latitude ${lat} is not a finite number in [-90, 90]`);
  }
  if (!Number.isFinite(lng) || lng < -180 || lng > 180) {
    throw new InvalidProblemError(`${where}: longitude ${lng} is not a finite number in [-180, 180]`);
  }
}

// Bounding-box slack in degrees (about 1 cm). Only widens the set of points whose exact
// distance is then checked, so it can never admit a point beyond the radius.
const SLACK_DEG = 1e-7;

/**
 * A static uniform grid over the points' bounding box (about one point per cell), stored as
 * CSR so a query touches a few contiguous typed-array runs. A radius query visits the cells
 * of the exact spherical bounding box of the circle, then filters by haversine distance.
 * Queries whose circle crosses a pole or the antimeridian stay exact (the box is widened
 * or split); they just visit more cells.
 */
export function createSpatialIndex<Id>(points: readonly SpatialPoint<Id>[]): SpatialIndex<Id> {
  const n = points.length;
  let minLat = Infinity;
  let maxLat = -Infinity;
  let minLng = Infinity;
  let maxLng = -Infinity;
  for (let i = 0; i < n; i++) {
    const p = points[i]!;
    checkCoordinate(p.lat, p.lng, `point ${i}`);
    if (p.lat < minLat) minLat = p.lat;
    if (p.lat > maxLat) maxLat = p.lat;
    if (p.lng < minLng) minLng = p.lng;
    if (p.lng > maxLng) maxLng = p.lng;
  }
  if (n === 0) {
    minLat = maxLat = minLng = maxLng = 0;
  }
  const latSpan = Math.max(maxLat - minLat, 1e-9);
  const lngSpan = Math.max(maxLng - minLng, 1e-9);
  // Cells roughly square on the ground; about one point per cell.
  const aspect = Math.max((lngSpan * Math.cos(((minLat + maxLat) / 2) * RAD)) / latSpan, 1e-6);
  const targetCells = Math.max(1, n);
  const rows = Math.min(4096, Math.max(1, Math.round(Math.sqrt(targetCells / aspect))));
  const cols = Math.min(4096, Math.max(1, Math.round(targetCells / rows)));
  const cellLat = latSpan / rows;
  const cellLng = lngSpan / cols;
  const cellOf = (lat: number, lng: number): number => {
    const r = Math.min(rows - 1, Math.max(0, Math.floor((lat - minLat) / cellLat)));
    const c = Math.min(cols - 1, Math.max(0, Math.floor((lng - minLng) / cellLng)));
    return r * cols + c;
  };

  const cellStart = new Int32Array(rows * cols + 1);
  const cellOfPoint = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const p = points[i]!;
    const cell = cellOf(p.lat, p.lng);
    cellOfPoint[i] = cell;
    cellStart[cell + 1]!++;
  }
  for (let c = 0; c < rows * cols; c++) cellStart[c + 1]! += cellStart[c]!;
  const fill = cellStart.slice(0, rows * cols);
  const order = new Int32Array(n);
  const latR = new Float64Array(n);
  const lngR = new Float64Array(n);
  const cosLat = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const p = points[i]!;
    const at = fill[cellOfPoint[i]!]!++;
    order[at] = i;
    latR[at] = p.lat * RAD;
    lngR[at] = p.lng * RAD;
    cosLat[at] = Math.cos(p.lat * RAD);
  }

  // Scratch buffers reused across queries (queries are synchronous).
  let hitSlot = new Int32Array(64);
  let hitDist = new Float64Array(64);

  function scanBox(
    lat0: number,
    lng0: number,
    cos0: number,
    metres: number,
    latLo: number,
    latHi: number,
    lngLo: number,
    lngHi: number,
    count: number,
  ): number {
    if (n === 0 || latHi < minLat || latLo > maxLat || lngHi < minLng || lngLo > maxLng) return count;
    const r0 = Math.max(0, Math.floor((latLo - minLat) / cellLat));
    const r1 = Math.min(rows - 1, Math.floor((latHi - minLat) / cellLat));
    const c0 = Math.max(0, Math.floor((lngLo - minLng) / cellLng));
    const c1 = Math.min(cols - 1, Math.floor((lngHi - minLng) / cellLng));
    for (let r = r0; r <= r1; r++) {
      const rowBase = r * cols;
      const from = cellStart[rowBase + c0]!;
      const to = cellStart[rowBase + c1 + 1]!;
      for (let s = from; s < to; s++) {
        const d = haversineRad(lat0, lng0, cos0, latR[s]!, lngR[s]!, cosLat[s]!);
        if (d <= metres) {
          if (count === hitSlot.length) {
            const grownSlot = new Int32Array(count * 2);
            grownSlot.set(hitSlot);
            hitSlot = grownSlot;
            const grownDist = new Float64Array(count * 2);
            grownDist.set(hitDist);
            hitDist = grownDist;
          }
          hitSlot[count] = s;
          hitDist[count] = d;
          count++;
        }
      }
    }
    return count;
  }

  function withinRadius(lat: number, lng: number, metres: number): Candidate<Id>[] {
    checkCoordinate(lat, lng, 'query');
    if (!(metres >= 0)) throw new InvalidProblemError(`query: radius ${metres} is not a non-negative number`);
    const lat0 = lat * RAD;
    const lng0 = lng * RAD;
    const cos0 = Math.cos(lat0);
    const delta = metres / EARTH_RADIUS_METRES; // angular radius
    let count = 0;
    const latLoDeg = lat - delta / RAD - SLACK_DEG;
    const latHiDeg = lat + delta / RAD + SLACK_DEG;
    if (delta >= Math.PI || latLoDeg <= -90 || latHiDeg >= 90) {
      // The circle reaches a pole: every longitude is in range.
      count = scanBox(lat0, lng0, cos0, metres, latLoDeg, latHiDeg, -180, 180, count);
    } else {
      const ratio = Math.sin(delta) / cos0;
      if (ratio >= 1) {
        count = scanBox(lat0, lng0, cos0, metres, latLoDeg, latHiDeg, -180, 180, count);
      } else {
        const dLng = Math.asin(ratio) / RAD + SLACK_DEG;
        const lo = lng - dLng;
        const hi = lng + dLng;
        if (lo < -180) {
          count = scanBox(lat0, lng0, cos0, metres, latLoDeg, latHiDeg, lo + 360, 180, count);
          count = scanBox(lat0, lng0, cos0, metres, latLoDeg, latHiDeg, -180, hi, count);
        } else if (hi > 180) {
          count = scanBox(lat0, lng0, cos0, metres, latLoDeg, latHiDeg, lo, 180, count);
          count = scanBox(lat0, lng0, cos0, metres, latLoDeg, latHiDeg, -180, hi - 360, count);
        } else {
          count = scanBox(lat0, lng0, cos0, metres, latLoDeg, latHiDeg, lo, hi, count);
        }
      }
    }
    const out: Candidate<Id>[] = new Array(count);
    for (let h = 0; h < count; h++) {
      const index = order[hitSlot[h]!]!;
      out[h] = { id: points[index]!.id, index, distanceMetres: hitDist[h]! };
    }
    out.sort((a, b) => a.distanceMetres - b.distanceMetres || a.index - b.index);
    return out;
  }

  // Ground size of a cell, used only to pick the first radius of a k-nearest search.
  const cellMetres = Math.max(
    1,
    Math.min(cellLat, cellLng * Math.cos(((minLat + maxLat) / 2) * RAD)) * RAD * EARTH_RADIUS_METRES,
  );

  function nearest(lat: number, lng: number, k: number, maxMetres = Infinity): Candidate<Id>[] {
    if (!Number.isInteger(k) || k < 0) throw new InvalidProblemError(`query: k ${k} is not a non-negative integer`);
    if (k === 0 || n === 0) return [];
    // Grow the radius until it holds k points: every point closer than the k-th is then inside.
    let radius = Math.min(maxMetres, cellMetres * Math.ceil(Math.sqrt(k) + 1));
    for (;;) {
      const found = withinRadius(lat, lng, radius);
      if (found.length >= k || radius >= maxMetres || radius >= Math.PI * EARTH_RADIUS_METRES) {
        return found.length > k ? found.slice(0, k) : found;
      }
      radius = Math.min(maxMetres, radius * 2);
    }
  }

  return { size: n, withinRadius, nearest };
}
