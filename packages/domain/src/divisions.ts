import qixia from '../data/qixia-district.json';

/**
 * The administrative divisions (GB/T 2260) this deployment serves. Streets are known for the demo
 * district only; elsewhere any street name is accepted until that district's data is loaded.
 */
export interface District {
  code: string;
  name: string;
  nameEn: string;
  streets?: { name: string; nameEn: string; lat: number; lng: number }[];
}

export const DISTRICTS: readonly District[] = [
  { code: qixia.district.code, name: qixia.district.name, nameEn: qixia.district.nameEn, streets: qixia.streets },
  ...qixia.otherDistricts,
];

const byCode = new Map(DISTRICTS.map((d) => [d.code, d]));

export function findDistrict(code: string): District | undefined {
  return byCode.get(code);
}

export function isKnownStreet(districtCode: string, street: string): boolean {
  const streets = byCode.get(districtCode)?.streets;
  return streets === undefined || streets.some((s) => s.name === street);
}

export const DEMO_DISTRICT = qixia.district.code;
export const QIXIA_STREETS = qixia.streets;

/** The province this deployment serves, as a box around it: every district served lies inside. */
export const PROVINCE_BOUNDS = qixia.province.bounds;

/**
 * How far from its street's centre a real address of that street can lie. The demo district's street
 * centres are approximate (about ±1 km) and its streets reach 4–8 km from their centres (龙潭 and 八卦洲,
 * the largest, about 8); 10 km lets every address at a street's edge pass and refuses one in another
 * part of the district (centres are 4.5–10 km apart) only when it is far beyond the street it names.
 */
export const STREET_REACH_METRES = 10_000;

const METRES_PER_DEGREE = 111_195;

/** Distance on a local flat map (equirectangular); within 0.1 % of the great circle at these ranges. */
function roughMetres(a: { lat: number; lng: number }, b: { lat: number; lng: number }): number {
  const dLat = (a.lat - b.lat) * METRES_PER_DEGREE;
  const dLng = (a.lng - b.lng) * METRES_PER_DEGREE * Math.cos((((a.lat + b.lat) / 2) * Math.PI) / 180);
  return Math.hypot(dLat, dLng);
}

/**
 * Why a location cannot be in the district and street it claims, or undefined when it can: outside
 * the province for every district; beyond STREET_REACH_METRES of the street's centre where the
 * district's streets are loaded. (A district's boundary, when loaded, would replace the box.)
 */
export function locationProblem(
  districtCode: string,
  street: string,
  p: { lat: number; lng: number },
): { zh: string; en: string } | undefined {
  const b = PROVINCE_BOUNDS;
  if (p.lat < b.minLat || p.lat > b.maxLat || p.lng < b.minLng || p.lng > b.maxLng) {
    return { zh: `位置不在${qixia.province.name}境内，请在地图上重新选择`, en: `The location is outside ${qixia.province.nameEn}; choose it again on the map` };
  }
  const centre = byCode.get(districtCode)?.streets?.find((s) => s.name === street);
  if (centre && roughMetres(centre, p) > STREET_REACH_METRES) {
    const km = Math.round(roughMetres(centre, p) / 1000);
    return { zh: `位置距${street}约 ${km} 公里，不在该街道内，请核对街道或重新选择位置`, en: `The location is about ${km} km from ${centre.nameEn}, outside that street; check the street or the location` };
  }
  return undefined;
}
