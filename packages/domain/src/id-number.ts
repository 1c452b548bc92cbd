/**
 * PRC resident identity number (GB 11643-1999): 6-digit division code, 8-digit birth date,
 * 3-digit sequence (odd for men), and an ISO 7064 MOD 11-2 check character.
 */
const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2] as const;
const CHECK_CHARS = '10X98765432';
const SHAPE = /^\d{17}[\dX]$/;

export type IdNumberProblem = 'format' | 'checksum' | 'birthDate';

export interface ParsedIdNumber {
  divisionCode: string;
  birthDate: string; // YYYY-MM-DD
  sex: 'male' | 'female';
}

export function checkCharFor(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(first17[i]) * WEIGHTS[i]!;
  return CHECK_CHARS[sum % 11]!;
}

/** Parses and validates; `today` bounds the birth date so that nobody is born in the future. */
export function parseIdNumber(
  raw: string,
  today: Date = new Date(),
): { ok: true; value: ParsedIdNumber } | { ok: false; problem: IdNumberProblem } {
  const id = raw.trim().toUpperCase();
  if (!SHAPE.test(id)) return { ok: false, problem: 'format' };
  const y = Number(id.slice(6, 10));
  const m = Number(id.slice(10, 12));
  const d = Number(id.slice(12, 14));
  const birth = new Date(Date.UTC(y, m - 1, d));
  const real = birth.getUTCFullYear() === y && birth.getUTCMonth() === m - 1 && birth.getUTCDate() === d;
  if (!real || y < 1890 || birth.getTime() > chinaDay(today).getTime()) return { ok: false, problem: 'birthDate' };
  if (checkCharFor(id.slice(0, 17)) !== id[17]) return { ok: false, problem: 'checksum' };
  return {
    ok: true,
    value: {
      divisionCode: id.slice(0, 6),
      birthDate: `${id.slice(6, 10)}-${id.slice(10, 12)}-${id.slice(12, 14)}`,
      sex: Number(id[16]) % 2 === 1 ? 'male' : 'female',
    },
  };
}

/**
 * The calendar day in China (UTC+8, no daylight saving) at an instant, as a Date whose UTC fields
 * read that day: ages and policy dates follow Beijing's calendar, not UTC's.
 */
export function chinaDay(at: Date): Date {
  return new Date(at.getTime() + 8 * 3_600_000);
}

/** Whole years completed on `on`, in China's calendar (a 29 February birthday counts from 1 March). */
export function ageOn(birthDate: string, on: Date): number {
  const [y, m, d] = birthDate.split('-').map(Number) as [number, number, number];
  const day = chinaDay(on);
  let age = day.getUTCFullYear() - y;
  const beforeBirthday = day.getUTCMonth() + 1 < m || (day.getUTCMonth() + 1 === m && day.getUTCDate() < d);
  if (beforeBirthday) age -= 1;
  return age;
}

/** What may be shown to staff and families: division and last four characters only. */
export function maskIdNumber(id: string): string {
  return `${id.slice(0, 6)}********${id.slice(14)}`;
}
