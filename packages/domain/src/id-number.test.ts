import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ageOn, checkCharFor, maskIdNumber, parseIdNumber } from './id-number';
import { idNumberSchema, parseWith } from './schemas';

// CONTRACT.md's example subject: Qixia District, born 15 March 1944, sequence 042 (even: a woman).
const EXAMPLE = '320113194403150426';
// GB 11643's own worked example, whose check character is X.
const WITH_X = '11010519491231002X';

/** Completes 17 characters with their correct check character, so only the part under test is wrong. */
const withCheck = (first17: string) => `${first17}${checkCharFor(first17)}`;

describe('checkCharFor', () => {
  it('computes the ISO 7064 MOD 11-2 character of the published examples', () => {
    // Prepare
    const bodies = [EXAMPLE.slice(0, 17), WITH_X.slice(0, 17)];

    // Act
    const chars = bodies.map(checkCharFor);

    // Assess
    expect(chars).toEqual(['6', 'X']);
  });

  // One number per check character (remainders 0–10), computed outside this code base with a
  // separate implementation of GB 11643. Between them every one of the 17 positions holds a
  // non-zero digit, so a wrong weight anywhere changes at least one result.
  it.each([
    '440305194904112741',
    '440305196101201440',
    '32011319411124915X',
    '320102195804101399',
    '320102194304109218',
    '110105193807095407',
    '371302195111094086',
    '320102195909179475',
    '320102195402225444',
    '440305194604018673',
    '371302193401197332',
  ])('agrees with an independent computation for %s', (id) => {
    // Act
    const char = checkCharFor(id.slice(0, 17));

    // Assess
    expect(char).toBe(id[17]);
    expect(parseIdNumber(id).ok).toBe(true);
  });
});

describe('parseIdNumber', () => {
  it('accepts the contract example and reads division, birth date and sex from it', () => {
    // Act
    const result = parseIdNumber(EXAMPLE);

    // Assess
    expect(result).toEqual({ ok: true, value: { divisionCode: '320113', birthDate: '1944-03-15', sex: 'female' } });
  });

  it('refuses the example with any one digit changed (property)', () => {
    // Prepare: a position and a non-zero offset, so the replacement always differs from the original.
    const position = fc.integer({ min: 0, max: 17 });
    const offset = fc.integer({ min: 1, max: 9 });

    // Act / Assess
    fc.assert(
      fc.property(position, offset, (i, k) => {
        const digit = String((Number(EXAMPLE[i]) + k) % 10);
        const altered = `${EXAMPLE.slice(0, i)}${digit}${EXAMPLE.slice(i + 1)}`;
        expect(parseIdNumber(altered).ok).toBe(false);
      }),
    );
  });

  it('accepts generated valid numbers and refuses each of them with one digit changed (property)', () => {
    // Prepare: any real birth date the validator allows, any sequence; the check character is computed.
    const birth = fc.date({ min: new Date('1890-01-01T00:00:00Z'), max: new Date('2025-12-31T00:00:00Z'), noInvalidDate: true });
    const sequence = fc.integer({ min: 0, max: 999 });
    const position = fc.integer({ min: 0, max: 16 });
    const offset = fc.integer({ min: 1, max: 9 });
    const today = new Date('2026-06-01T00:00:00Z');

    // Act / Assess
    fc.assert(
      fc.property(birth, sequence, position, offset, (b, seq, i, k) => {
        const ymd = b.toISOString().slice(0, 10).replaceAll('-', '');
        const id = withCheck(`320113${ymd}${String(seq).padStart(3, '0')}`);
        expect(parseIdNumber(id, today).ok).toBe(true);

        const digit = String((Number(id[i]) + k) % 10);
        const altered = `${id.slice(0, i)}${digit}${id.slice(i + 1)}`;
        expect(parseIdNumber(altered, today).ok).toBe(false);
      }),
    );
  });

  it('reports a wrong check character as a checksum problem', () => {
    // Prepare
    const wrong = `${EXAMPLE.slice(0, 17)}X`;

    // Act
    const result = parseIdNumber(wrong);

    // Assess
    expect(result).toEqual({ ok: false, problem: 'checksum' });
  });

  it.each([
    ['upper-case X', WITH_X],
    ['lower-case x', WITH_X.toLowerCase()],
    ['surrounding spaces', `  ${WITH_X} `],
  ])('accepts a check character X written with %s', (_label, raw) => {
    // Act
    const result = parseIdNumber(raw);

    // Assess
    expect(result).toEqual({ ok: true, value: { divisionCode: '110105', birthDate: '1949-12-31', sex: 'female' } });
  });

  it.each([
    ['17 characters', EXAMPLE.slice(0, 17)],
    ['19 characters', `${EXAMPLE}0`],
    ['a letter before the last place', `32011319440315X426`],
    ['a check letter other than X', `${EXAMPLE.slice(0, 17)}Y`],
    ['an empty string', ''],
  ])('reports %s as a format problem', (_label, raw) => {
    // Act
    const result = parseIdNumber(raw);

    // Assess
    expect(result).toEqual({ ok: false, problem: 'format' });
  });

  it.each([
    ['30 February', '19440230'],
    ['29 February in a common year', '19430229'],
    ['29 February 1900 (a century that is not leap)', '19000229'],
    ['month 13', '19441315'],
    ['month 00', '19440015'],
    ['day 00', '19440300'],
    ['day 32', '19440132'],
    ['the year 1800', '18000315'],
    ['a date after today', '20300101'],
  ])('refuses an impossible birth date: %s', (_label, ymd) => {
    // Prepare: a correct check character, so only the date can be at fault.
    const id = withCheck(`320113${ymd}042`);
    const today = new Date('2026-06-01T10:00:00Z');

    // Act
    const result = parseIdNumber(id, today);

    // Assess
    expect(result).toEqual({ ok: false, problem: 'birthDate' });
  });

  it.each([
    ['29 February in a leap year', '19440229', '1944-02-29'],
    ['someone born today', '20260601', '2026-06-01'],
    ['the earliest year allowed', '18900101', '1890-01-01'],
  ])('accepts a real birth date: %s', (_label, ymd, iso) => {
    // Prepare
    const id = withCheck(`320113${ymd}042`);
    const today = new Date('2026-06-01T10:00:00Z');

    // Act
    const result = parseIdNumber(id, today);

    // Assess
    expect(result.ok && result.value.birthDate).toBe(iso);
  });

  it.each([
    ['0', 'female'],
    ['1', 'male'],
    ['2', 'female'],
    ['7', 'male'],
    ['8', 'female'],
    ['9', 'male'],
  ] as const)('reads sex from the 17th digit: %s is %s', (digit, sex) => {
    // Prepare
    const id = withCheck(`3201131944031504${digit}`);

    // Act
    const result = parseIdNumber(id);

    // Assess
    expect(result.ok && result.value.sex).toBe(sex);
  });
});

describe('idNumberSchema', () => {
  it('upper-cases a lower-case x, so stored numbers have one spelling', () => {
    // Act
    const result = parseWith(idNumberSchema, WITH_X.toLowerCase());

    // Assess
    expect(result).toEqual({ ok: true, value: WITH_X });
  });
});

describe('ageOn', () => {
  it.each([
    ['the day before the birthday', '1944-03-15', '2026-03-14', 81],
    ['the birthday itself', '1944-03-15', '2026-03-15', 82],
    ['the day after the birthday', '1944-03-15', '2026-03-16', 82],
    ['the last day of the month before the birthday', '1944-03-15', '2026-02-28', 81],
    ['a birthday on 1 January, on 31 December', '1956-01-01', '2025-12-31', 69],
    ['a birthday on 1 January, on 1 January', '1956-01-01', '2026-01-01', 70],
    ['29 February, on 28 February of a common year', '1944-02-29', '2025-02-28', 80],
    ['29 February, on 1 March of a common year', '1944-02-29', '2025-03-01', 81],
    ['29 February, on 28 February of a leap year', '1944-02-29', '2028-02-28', 83],
    ['29 February, on 29 February of a leap year', '1944-02-29', '2028-02-29', 84],
    ['the day of birth', '2026-06-01', '2026-06-01', 0],
  ])('counts whole years on %s', (_label, birthDate, on, expected) => {
    // Prepare: midday UTC, so the calendar day is the same in every time zone near China's.
    const when = new Date(`${on}T04:00:00Z`);

    // Act
    const age = ageOn(birthDate, when);

    // Assess
    expect(age).toBe(expected);
  });
});

describe('maskIdNumber', () => {
  it('keeps only the division code and the last four characters', () => {
    // Act
    const masked = maskIdNumber(EXAMPLE);

    // Assess
    expect(masked).toBe('320113********0426');
    expect(masked).toHaveLength(EXAMPLE.length);
    expect(masked).not.toContain('19440315');
  });

  it('keeps a check character X among the last four', () => {
    // Act
    const masked = maskIdNumber(WITH_X);

    // Assess
    expect(masked).toBe('110105********002X');
  });
});

describe('ages follow the calendar in China (UTC+8)', () => {
  it('counts the birthday from midnight Beijing time, not UTC', () => {
    // 00:30 on 15 March in Beijing is still 14 March in UTC.
    expect(ageOn('1944-03-15', new Date('2026-03-15T00:30:00+08:00'))).toBe(82);
    expect(ageOn('1944-03-15', new Date('2026-03-14T23:30:00+08:00'))).toBe(81);
  });
});
