import { z } from 'zod';
import { findDistrict, isKnownStreet } from './divisions';
import type { FieldIssue } from './errors';
import { isInChina } from './geo';
import { parseIdNumber } from './id-number';
import { APPLICATION_STATUSES, ASSIGNMENT_STATUSES, SUBSIDY_STATUSES } from './status';

/**
 * Every input the API accepts, as zod schemas. Messages residents read are Chinese first, then
 * English, separated by " / ". The same schemas produce the OpenAPI document (functions/openapi).
 */
const bi = (zh: string, en: string) => `${zh} / ${en}`;

export const APPLICATION_TYPES = ['home-visit', 'meal', 'retrofit', 'childcare'] as const;
export type ApplicationType = (typeof APPLICATION_TYPES)[number];
/** Types whose flow is built; the others are in the contract and answer "not open yet". */
export const OPEN_APPLICATION_TYPES: readonly ApplicationType[] = ['meal'];

export const DIETS = ['diabetic', 'soft', 'low-salt', 'halal'] as const;
export type Diet = (typeof DIETS)[number];

const name = z
  .string({ error: bi('请填写姓名', 'A name is required') })
  .trim()
  .min(1, { error: bi('请填写姓名', 'A name is required') })
  .max(50, { error: bi('姓名不能超过50个字', 'A name has at most 50 characters') });

export const phoneSchema = z
  .string({ error: bi('请填写电话号码', 'A phone number is required') })
  .trim()
  .regex(/^(1[3-9]\d{9}|0\d{2,3}-?\d{7,8})$/, {
    error: bi('电话号码格式不正确（11位手机号或带区号的固话）', 'Phone must be an 11-digit mobile or a landline with area code'),
  });

export const idNumberSchema = z
  .string({ error: bi('请填写身份证号码', 'An ID number is required') })
  .trim()
  .transform((s) => s.toUpperCase())
  .superRefine((id, ctx) => {
    const parsed = parseIdNumber(id);
    if (parsed.ok) return;
    const messages = {
      format: bi('身份证号码应为18位（末位可为X）', 'An ID number has 18 characters: 17 digits and a digit or X'),
      checksum: bi('身份证号码校验位错误', 'ID number checksum is wrong'),
      birthDate: bi('身份证号码中的出生日期不存在', 'The birth date in the ID number is impossible'),
    } as const;
    ctx.addIssue({ code: 'custom', message: messages[parsed.problem] });
  });

export const locationSchema = z
  .object({
    lat: z.number({ error: bi('纬度必须是数字', 'Latitude must be a number') }).min(-90).max(90),
    lng: z.number({ error: bi('经度必须是数字', 'Longitude must be a number') }).min(-180).max(180),
  })
  .refine(isInChina, { error: bi('坐标不在中国境内', 'The location is outside China') });

export const addressSchema = z
  .object({
    district: z.string({ error: bi('请填写区县代码', 'A district code is required') }).regex(/^\d{6}$/, {
      error: bi('区县代码应为6位数字（GB/T 2260）', 'A district code has 6 digits (GB/T 2260)'),
    }),
    street: z.string({ error: bi('请填写街道', 'A street is required') }).trim().min(1).max(50),
    detail: z.string().trim().max(200).optional(),
    location: locationSchema,
  })
  .superRefine((a, ctx) => {
    if (!findDistrict(a.district)) {
      ctx.addIssue({ code: 'custom', path: ['district'], message: bi(`未开通的区县：${a.district}`, `Unknown district ${a.district}`) });
    } else if (!isKnownStreet(a.district, a.street)) {
      ctx.addIssue({ code: 'custom', path: ['street'], message: bi(`该区没有此街道：${a.street}`, `No street ${a.street} in district ${a.district}`) });
    }
  });

export const RELATIONSHIPS = ['self', 'child', 'spouse', 'relative', 'grid-worker'] as const;

const applicantSchema = z.object({
  name,
  phone: phoneSchema,
  relationship: z.enum(RELATIONSHIPS).default('child'),
});

const subjectSchema = z.object({
  name,
  idNumber: idNumberSchema,
  phone: phoneSchema.optional(),
  address: addressSchema,
});

export const mealNeedsSchema = z
  .object({
    diets: z.array(z.enum(DIETS)).max(DIETS.length).default([]),
    maxDistanceMetres: z.number().int().min(100).max(5000).optional(),
  })
  .default(() => ({ diets: [] }));

const base = { applicant: applicantSchema, subject: subjectSchema };

export const applicationInputSchema = z.discriminatedUnion(
  'type',
  [
    z.object({ type: z.literal('meal'), ...base, needs: mealNeedsSchema }),
    z.object({
      type: z.literal('home-visit'),
      ...base,
      needs: z.object({ services: z.array(z.enum(['cleaning', 'bathing', 'meal-delivery', 'nursing', 'companionship'])).min(1) }),
    }),
    z.object({
      type: z.literal('retrofit'),
      ...base,
      needs: z.object({ items: z.array(z.enum(['grab-bars', 'anti-slip-floor', 'stair-lift', 'emergency-alarm', 'lighting'])).min(1) }),
    }),
    z.object({ type: z.literal('childcare'), ...base, needs: z.object({ preferences: z.array(z.string()).min(1).max(5) }) }),
  ],
  { error: bi('申请类型无效，应为 home-visit、meal、retrofit 或 childcare', 'Unknown application type: use home-visit, meal, retrofit or childcare') },
);
export type ApplicationInput = z.infer<typeof applicationInputSchema>;
export type MealApplicationInput = Extract<ApplicationInput, { type: 'meal' }>;

export const providerKindSchema = z.enum(APPLICATION_TYPES);

export const providerInputSchema = z.object({
  name,
  kind: providerKindSchema,
  street: z.string().trim().min(1).max(50),
  location: locationSchema,
  capacity: z.number().int().min(0).max(100_000),
  diets: z.array(z.enum(DIETS)).default([]),
  phone: phoneSchema.optional(),
});
export type ProviderInput = z.infer<typeof providerInputSchema>;

export const capacityInputSchema = z.object({ capacity: z.number().int().min(0).max(100_000) });
export const reasonInputSchema = z.object({
  reason: z.string({ error: bi('请填写原因', 'A reason is required') }).trim().min(1, { error: bi('请填写原因', 'A reason is required') }).max(500),
});
export const noteInputSchema = z.object({ note: z.string().trim().max(500).optional() }).default(() => ({}));
export const emptyInputSchema = z.object({}).default(() => ({}));

const pageQuery = { nextToken: z.string().max(2000).optional(), limit: z.coerce.number().int().min(1).max(100).default(50) };
export const applicationListQuerySchema = z.object({
  status: z.enum(APPLICATION_STATUSES).optional(),
  type: z.enum(APPLICATION_TYPES).optional(),
  ...pageQuery,
});
export const assignmentListQuerySchema = z.object({ status: z.enum(ASSIGNMENT_STATUSES).optional(), ...pageQuery });
export const subsidyListQuerySchema = z.object({ status: z.enum(SUBSIDY_STATUSES).optional(), ...pageQuery });
export const providerListQuerySchema = z.object({ kind: providerKindSchema.optional(), ...pageQuery });
/** District-wide rounds: meal today; childcare rounds (the contract's first use) join when built. */
export const allocationRoundInputSchema = z.object({
  type: z.enum(['meal', 'childcare'], { error: bi('请指明分配类型：meal 或 childcare', 'Name the round type: meal or childcare') }),
});
export const reportQuerySchema = z.object({ type: z.enum(APPLICATION_TYPES).default('meal') });
export const idPathSchema = z.object({ id: z.string().min(1).max(64).regex(/^[A-Za-z0-9-]+$/) });

/** Bilingual text for zod's built-in issues (schema-specific messages above take precedence). */
export function bilingualIssueMessage(issue: z.core.$ZodRawIssue): string | undefined {
  switch (issue.code) {
    case 'invalid_type':
      return issue.input === undefined
        ? bi('缺少必填项', 'This field is required')
        : bi(`类型错误，应为 ${issue.expected}`, `Expected ${issue.expected}`);
    case 'too_small':
      return issue.origin === 'string'
        ? bi(`至少 ${String(issue.minimum)} 个字`, `At least ${String(issue.minimum)} characters`)
        : issue.origin === 'array'
          ? bi(`至少选择 ${String(issue.minimum)} 项`, `Choose at least ${String(issue.minimum)}`)
          : bi(`不能小于 ${String(issue.minimum)}`, `Must be at least ${String(issue.minimum)}`);
    case 'too_big':
      return issue.origin === 'string'
        ? bi(`最多 ${String(issue.maximum)} 个字`, `At most ${String(issue.maximum)} characters`)
        : issue.origin === 'array'
          ? bi(`最多选择 ${String(issue.maximum)} 项`, `Choose at most ${String(issue.maximum)}`)
          : bi(`不能大于 ${String(issue.maximum)}`, `Must be at most ${String(issue.maximum)}`);
    case 'invalid_value':
      return bi(`取值无效，可选：${issue.values.join('、')}`, `Invalid value; expected one of ${issue.values.join(', ')}`);
    case 'invalid_format':
      return bi('格式不正确', `Invalid ${issue.format}`);
    default:
      return undefined;
  }
}

/** Parses or returns field issues with dotted paths, e.g. `subject.address.location.lat`. */
export function parseWith<T extends z.ZodType>(
  schema: T,
  input: unknown,
): { ok: true; value: z.output<T> } | { ok: false; issues: FieldIssue[] } {
  const result = schema.safeParse(input, { error: bilingualIssueMessage });
  if (result.success) return { ok: true, value: result.data };
  return {
    ok: false,
    issues: result.error.issues.map((i) => ({ path: i.path.map(String).join('.') || '(body)', message: i.message })),
  };
}
export const allocationRoundListQuerySchema = z.object({ ...pageQuery });
