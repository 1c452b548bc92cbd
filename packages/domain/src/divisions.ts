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
