/** Dates as a family in China reads them (UTC+8), for tests that apply for a month ahead. */
const CHINA_OFFSET_MS = 8 * 3_600_000;

/** Next month in China, `YYYY-MM`. */
export function nextMonth(): string {
  const now = new Date(Date.now() + CHINA_OFFSET_MS);
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1)).toISOString().slice(0, 7);
}

/** A birth date (YYYYMMDD) `months` months before day `day` of `month` (`YYYY-MM`). */
export function bornMonthsBefore(month: string, months: number, day = 1): string {
  const [y, m] = month.split('-').map(Number) as [number, number];
  return new Date(Date.UTC(y, m - 1 - months, day)).toISOString().slice(0, 10).replaceAll('-', '');
}
