/**
 * Street (街道) centroids of Qixia District (栖霞区), Nanjing, copied from the project's
 * shared demo data. They are approximate (about ±1 km): good enough to place synthetic
 * residents and providers, not survey data. `weight` is a rough relative population used
 * only to make the synthetic demand uneven.
 */
export const QIXIA_STREETS = [
  { name: 'Xianlin', lat: 32.105, lng: 118.93, weight: 1.6 },
  { name: 'Maqun', lat: 32.045, lng: 118.88, weight: 1.0 },
  { name: 'Yaohua', lat: 32.115, lng: 118.87, weight: 1.1 },
  { name: 'Maigaoqiao', lat: 32.105, lng: 118.8, weight: 1.5 },
  { name: 'Yanziji', lat: 32.145, lng: 118.81, weight: 1.0 },
  { name: 'Qixia', lat: 32.155, lng: 118.955, weight: 0.7 },
  { name: 'Longtan', lat: 32.165, lng: 119.05, weight: 0.6 },
  { name: 'Baguazhou', lat: 32.195, lng: 118.79, weight: 0.3 },
  { name: 'Xigang', lat: 32.085, lng: 119.005, weight: 0.5 },
] as const;
