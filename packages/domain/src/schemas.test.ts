import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { mealNeedsSchema } from './programmes';
import {
  applicationInputSchema,
  bilingualIssueMessage,
  capacityInputSchema,
  idPathSchema,

  parseWith,
  phoneSchema,
  providerInputSchema,
} from './schemas';

/** CONTRACT.md's minimal meal body, verbatim: an 82-year-old woman in Xianlin Street, Qixia. */
const MINIMAL_MEAL = {
  type: 'meal',
  applicant: { name: '王芳', phone: '13912345678' },
  subject: {
    name: '王秀英',
    idNumber: '320113194403150426',
    address: { district: '320113', street: '仙林街道', location: { lat: 32.105, lng: 118.93 } },
  },
} as const;

type Body = Record<string, unknown>;
const { subject } = MINIMAL_MEAL;
const withSubject = (changes: Body): Body => ({ ...MINIMAL_MEAL, subject: { ...subject, ...changes } });
const withAddress = (changes: Body): Body => withSubject({ address: { ...subject.address, ...changes } });

/** Chinese first, then English, joined by " / " (schemas.ts). */
const BILINGUAL = /[\u4e00-\u9fff].* \/ .*[A-Za-z]/;

describe('applicationInputSchema', () => {
  it("accepts CONTRACT.md's minimal meal body and fills in the defaults", () => {
    // Act
    const result = parseWith(applicationInputSchema, MINIMAL_MEAL);

    // Assess
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.value).toMatchObject({
      type: 'meal',
      applicant: { name: '王芳', phone: '13912345678', relationship: 'child' },
      subject: { idNumber: '320113194403150426', address: { district: '320113', street: '仙林街道' } },
      needs: { diets: [] },
    });
  });

  it('keeps needs the family gave', () => {
    // Prepare
    const body = { ...MINIMAL_MEAL, applicant: { ...MINIMAL_MEAL.applicant, relationship: 'self' }, needs: { diets: ['soft'], maxDistanceMetres: 800 } };

    // Act
    const result = parseWith(applicationInputSchema, body);

    // Assess
    expect(result).toMatchObject({ ok: true, value: { applicant: { relationship: 'self' }, needs: { diets: ['soft'], maxDistanceMetres: 800 } } });
  });

  it('trims names and upper-cases a lower-case x in the ID number', () => {
    // Prepare
    const body = withSubject({ name: '  王秀英 ', idNumber: '11010519491231002x' });

    // Act
    const result = parseWith(applicationInputSchema, body);

    // Assess
    expect(result).toMatchObject({ ok: true, value: { subject: { name: '王秀英', idNumber: '11010519491231002X' } } });
  });

  it('accepts any street in a district whose streets are not loaded yet', () => {
    // Prepare: Xuanwu District is served, but only Qixia's street list is in the data.
    const body = withAddress({ district: '320102', street: '玄武门街道', location: { lat: 32.07, lng: 118.8 } });

    // Act
    const result = parseWith(applicationInputSchema, body);

    // Assess
    expect(result.ok).toBe(true);
  });

  it.each<[string, unknown, string, RegExp?]>([
    ['a wrong checksum', withSubject({ idNumber: '320113194403150427' }), 'subject.idNumber', /最后一位与前17位对不上/],
    ['an impossible birth date (30 Feb)', withSubject({ idNumber: '320113194402300426' }), 'subject.idNumber', /出生日期/],
    ['an ID number of the wrong length', withSubject({ idNumber: '32011319440315042' }), 'subject.idNumber', /18/],
    ['an unknown district', withAddress({ district: '999999' }), 'subject.address.district', /999999/],
    ['a district code that is not 6 digits', withAddress({ district: '3201' }), 'subject.address.district'],
    ['a street not in Qixia', withAddress({ street: '南京路街道' }), 'subject.address.street', /南京路街道/],
    ['a location in Paris', withAddress({ location: { lat: 48.85, lng: 2.35 } }), 'subject.address.location', /outside China/],
    ['a latitude that is not a number', withAddress({ location: { lat: '32.1', lng: 118.93 } }), 'subject.address.location.lat'],
    ['an unknown type', { ...MINIMAL_MEAL, type: 'babysitting' }, 'type', /meal/],
    ['no type at all', { applicant: MINIMAL_MEAL.applicant, subject }, 'type'],
    ['no applicant', { type: 'meal', subject }, 'applicant', /required/],
    ['no subject name', withSubject({ name: '   ' }), 'subject.name'],
    ['a phone of 10 digits', { ...MINIMAL_MEAL, applicant: { name: '王芳', phone: '1391234567' } }, 'applicant.phone', /电话/],
    ['a phone starting 12', { ...MINIMAL_MEAL, applicant: { name: '王芳', phone: '12912345678' } }, 'applicant.phone'],
    ['an unknown relationship', { ...MINIMAL_MEAL, applicant: { ...MINIMAL_MEAL.applicant, relationship: 'neighbour' } }, 'applicant.relationship'],
    ['an unknown diet', { ...MINIMAL_MEAL, needs: { diets: ['soft', 'vegan'] } }, 'needs.diets.1', /halal/],
    ['a distance over 5 km', { ...MINIMAL_MEAL, needs: { maxDistanceMetres: 20_000 } }, 'needs.maxDistanceMetres', /5000/],
  ])('refuses %s with a bilingual issue at its path', (_label, body, path, detail) => {
    // Act
    const result = parseWith(applicationInputSchema, body);

    // Assess
    expect(result.ok).toBe(false);
    if (result.ok) return;
    const issue = result.issues.find((i) => i.path === path);
    expect(issue, `issues were ${JSON.stringify(result.issues)}`).toBeDefined();
    expect(issue?.message).toMatch(BILINGUAL);
    if (detail) expect(issue?.message).toMatch(detail);
  });

  it('reports each wrong field, not only the first', () => {
    // Prepare
    const body = {
      ...MINIMAL_MEAL,
      applicant: { name: '王芳', phone: 'none' },
      subject: { ...subject, idNumber: '320113194403150427' },
    };

    // Act
    const result = parseWith(applicationInputSchema, body);

    // Assess
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.issues.map((i) => i.path).sort()).toEqual(['applicant.phone', 'subject.idNumber']);
  });

  it('names the body itself when it is not an object', () => {
    // Act
    const result = parseWith(applicationInputSchema, 'meal');

    // Assess
    expect(result).toMatchObject({ ok: false, issues: [{ path: '(body)' }] });
  });
});

describe('a location must lie in the district and street it claims', () => {
  const pathsOf = (body: Body) => {
    const result = parseWith(applicationInputSchema, body);
    return result.ok ? [] : result.issues.map((i) => i.path);
  };

  it('refuses Xianlin Street at coordinates in Xinjiang, naming the location in both languages', () => {
    const result = parseWith(applicationInputSchema, withAddress({ location: { lat: 43.8, lng: 87.6 } }));

    expect(result).toMatchObject({ ok: false, issues: [{ path: 'subject.address.location' }] });
    if (result.ok) return;
    expect(result.issues[0]?.message).toMatch(/江苏省.*Jiangsu/);
  });

  it('refuses a point in the district far beyond the street named (Baguazhou island for Xigang)', () => {
    expect(pathsOf(withAddress({ street: '西岗街道', location: { lat: 32.195, lng: 118.79 } }))).toEqual(['subject.address.location']);
  });

  it("passes an address at a street's edge, 8 km from its centre and nearer another street's", () => {
    // 8 km east of Longtan's centre: nearer Longtan's edge than any other centre but Xigang's.
    expect(pathsOf(withAddress({ street: '龙潭街道', location: { lat: 32.165, lng: 119.135 } }))).toEqual([]);
    expect(pathsOf(withAddress({ street: '马群街道', location: { lat: 32.105, lng: 118.93 } }))).toEqual([]);
  });

  it('checks only the province where a district has no streets loaded (Kunshan)', () => {
    expect(pathsOf(withAddress({ district: '320583', street: '玉山镇', location: { lat: 31.38, lng: 120.98 } }))).toEqual([]);
    expect(pathsOf(withAddress({ district: '320583', street: '玉山镇', location: { lat: 39.9, lng: 116.4 } }))).toEqual(['subject.address.location']);
  });
});

describe('other inputs', () => {
  it.each(['13912345678', '025-84891234', '02584891234', '0512-5771234', ' 13912345678 '])('accepts the phone %s', (phone) => {
    // Act
    const result = parseWith(phoneSchema, phone);

    // Assess
    expect(result.ok).toBe(true);
  });

  it('gives a provider no diets by default', () => {
    // Prepare
    const body = { name: '仙林助餐点', kind: 'meal', street: '仙林街道', location: { lat: 32.1, lng: 118.93 }, capacity: 40 };

    // Act
    const result = parseWith(providerInputSchema, body);

    // Assess
    expect(result).toMatchObject({ ok: true, value: { diets: [] } });
  });

  it.each([
    [{ capacity: -1 }, 'capacity', '不能小于 0 / Must be at least 0'],
    [{ capacity: 2.5 }, 'capacity', 'Expected int'],
    [{ hoursPerMonth: -5 }, 'hoursPerMonth', '不能小于 0 / Must be at least 0'],
  ])('refuses capacity %j with a bilingual message', (body, path, message) => {
    // Act
    const result = parseWith(capacityInputSchema, body);

    // Assess
    expect(result).toMatchObject({ ok: false, issues: [{ path, message: expect.stringContaining(message) }] });
  });

  it('refuses a path id with characters outside [A-Za-z0-9-]', () => {
    // Act
    const result = parseWith(idPathSchema, { id: 'a/../b' });

    // Assess
    expect(result).toMatchObject({ ok: false, issues: [{ path: 'id' }] });
  });
});

describe('bilingualIssueMessage', () => {
  it('says a missing field is required', () => {
    // Act
    const message = bilingualIssueMessage({ code: 'invalid_type', expected: 'string', input: undefined });

    // Assess
    expect(message).toBe('缺少必填项 / This field is required');
  });

  it('names the expected type when a field has the wrong one', () => {
    // Act
    const message = bilingualIssueMessage({ code: 'invalid_type', expected: 'number', input: 'seven' });

    // Assess
    expect(message).toBe('类型错误，应为 number / Expected number');
  });

  it('lists the allowed values of an enum', () => {
    // Act
    const message = bilingualIssueMessage({ code: 'invalid_value', values: ['soft', 'halal'], input: 'vegan' });

    // Assess
    expect(message).toBe('取值无效，可选：soft、halal / Invalid value; expected one of soft, halal');
  });

  it.each([
    [{ code: 'too_small', origin: 'number', minimum: 100, input: 5 } as const, '不能小于 100 / Must be at least 100'],
    [{ code: 'too_big', origin: 'number', maximum: 5000, input: 9000 } as const, '不能大于 5000 / Must be at most 5000'],
  ])('states the bound of %j', (issue, expected) => {
    // Act
    const message = bilingualIssueMessage(issue);

    // Assess
    expect(message).toBe(expected);
  });

  it("leaves codes it does not know to zod's default, so custom messages are not masked", () => {
    // Act
    const message = bilingualIssueMessage({ code: 'custom', input: 1 });

    // Assess
    expect(message).toBeUndefined();
  });

  it('yields to a message the schema itself gives', () => {
    // Prepare
    const schema = z.object({ n: z.number({ error: '自定义 / custom' }) });

    // Act
    const result = parseWith(schema, {});

    // Assess
    expect(result).toEqual({ ok: false, issues: [{ path: 'n', message: '自定义 / custom' }] });
  });
});

describe('defaults are fresh for every parse', () => {
  it('does not share the default diets list between requests', () => {
    const first = parseWith(mealNeedsSchema, undefined);
    if (!first.ok) throw new Error('default needs did not parse');
    first.value.diets.push('soft');

    const second = parseWith(mealNeedsSchema, undefined);

    expect(second.ok && second.value.diets).toEqual([]);
  });
});
