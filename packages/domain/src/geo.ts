export interface LatLng {
  lat: number;
  lng: number;
}

/** A generous box around the PRC's territory; points outside it are surely typos. */
export const CHINA_BOUNDS = { minLat: 3.8, maxLat: 53.6, minLng: 73.4, maxLng: 135.1 } as const;

export function isInChina(p: LatLng): boolean {
  return p.lat >= CHINA_BOUNDS.minLat && p.lat <= CHINA_BOUNDS.maxLat && p.lng >= CHINA_BOUNDS.minLng && p.lng <= CHINA_BOUNDS.maxLng;
}

// Distances live in packages/matching (haversineMetres), beside the spatial index that must agree with them.
