import { z } from 'zod';
import { findDistrict, isKnownStreet, locationProblem } from './divisions';
import type { FieldIssue } from './errors';
import { isInChina } from './geo';
import { parseIdNumber } from './id-number';
import { type AnyProgramme, APPLICATION_TYPES, PROGRAMMES, REPORT_TYPES, ROUND_TYPES } from './programmes';
import { APPLICATION_STATUSES, ASSIGNMENT_STATUSES, SUBSIDY_STATUSES } from './status';

/**
 * Every input the API accepts, as zod schemas. Messages residents read are Chinese first, then
 * English, separated by " / ". The same schemas produce the OpenAPI document (functions/openapi).
 */
const bi = (zh: string, en: string) => `${zh} / ${en}`;

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
      format: bi('身份证号码应为18位（末位可为X），请对照身份证重新填写', 'An ID number has 18 characters (17 digits, then a digit or X): please copy it from the ID card'),
      checksum: bi(
        '身份证号码有一位填错了（最后一位与前17位对不上），请对照身份证逐位核对',
        'One character of the ID number is wrong (the last one does not match the first 17): please check each against the ID card',
      ),
      birthDate: bi('身份证号码中的出生日期不存在，请核对第7至14位', 'The birth date in the ID number (characters 7–14) is impossible: please check it'),
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
    } else if (isInChina(a.location)) {
      // (Outside China the location's own check has said so.)
      const problem = locationProblem(a.district, a.street, a.location);
      if (problem) ctx.addIssue({ code: 'custom', path: ['location'], message: bi(problem.zh, problem.en) });
    }
  });

export const RELATIONSHIPS = ['self', 'child', 'spouse', 'parent', 'relative', 'grid-worker'] as const;
export const RELATIONSHIP_LABELS: Record<(typeof RELATIONSHIPS)[number], { zh: string; en: string }> = {
  self: { zh: '本人', en: 'Self' },
  child: { zh: '子女', en: 'Son or daughter' },
  spouse: { zh: '配偶', en: 'Spouse' },
  parent: { zh: '父母', en: 'Parent' },
  relative: { zh: '其他亲属', en: 'Other relative' },
  'grid-worker': { zh: '网格员', en: 'Grid worker' },
};

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

const base = { applicant: applicantSchema, subject: subjectSchema };
const typeNames = APPLICATION_TYPES.join('、');

/** One application body per programme, told apart by `type`; `needs` is the programme's schema. */
function applicationShape(p: AnyProgramme) {
  return z.object({ type: z.literal(p.type), ...base, needs: p.needsSchema });
}
const [firstProgramme, ...otherProgrammes] = PROGRAMMES.map(applicationShape);
export const applicationInputSchema = z.discriminatedUnion('type', [firstProgramme!, ...otherProgrammes], {
  error: bi(`申请类型无效，应为 ${typeNames}`, `Unknown application type: use ${APPLICATION_TYPES.join(', ')}`),
});
export type ApplicationInput = z.infer<typeof applicationInputSchema>;

export const providerKindSchema = z.enum(APPLICATION_TYPES);

const capacityNumber = (max: number) => z.number().int().min(0).max(max);

/** One programme's capacity value: a count, or a count per class (`{"infant":N,"toddler":N,"older":N}`). */
function capacityValue(p: AnyProgramme) {
  const classes = p.capacity.classes;
  if (!classes) return capacityNumber(p.capacity.max);
  return z.object(Object.fromEntries(classes.map((c) => [c.code, capacityNumber(p.capacity.max).describe(`${c.label.zh} ${c.label.en}`)])));
}

/** The capacity body of one programme's providers: `{"capacity": N}` for meal points, `{"hoursPerMonth": N}` for home visits… */
export function capacityShape(p: AnyProgramme) {
  return z.object({ [p.capacity.field]: capacityValue(p) });
}

/**
 * Registering a provider: the shared fields, its programme's declaration (diets; services and
 * streets covered) and its capacity under the programme's own field name.
 */
const providerBase = {
  name,
  street: z.string().trim().min(1).max(50),
  location: locationSchema,
  phone: phoneSchema.optional(),
  /** What a family reads once matched: where to go, and when it is open. */
  address: z.string().trim().min(1).max(100).optional().describe('门牌地址 Street address, e.g. 文苑路 9 号仙林社区服务中心一楼'),
  openingHours: z.string().trim().min(1).max(100).optional().describe('开放时间 Opening hours, e.g. 每天 10:30–13:00、16:30–18:30'),
};
const [firstProvider, ...otherProviders] = PROGRAMMES.map((p) =>
  z.object({ kind: z.literal(p.type), ...providerBase, ...p.declarationSchema.shape, ...capacityShape(p).shape }),
);
export const providerInputSchema = z.discriminatedUnion('kind', [firstProvider!, ...otherProviders], {
  error: bi(`服务类型无效，应为 ${typeNames}`, `Unknown provider kind: use ${APPLICATION_TYPES.join(', ')}`),
});
export type ProviderInput = z.infer<typeof providerInputSchema>;

/**
 * `PUT /providers/{id}/capacity`: any programme's capacity field (the use case checks that it is the
 * one of the provider's own programme, naming the field it expects).
 */
const capacityFields = Object.fromEntries(PROGRAMMES.map((p) => [p.capacity.field, capacityValue(p).optional()]));
export const capacityInputSchema = z
  .object(capacityFields)
  .describe(`One of: ${[...new Set(PROGRAMMES.map((p) => `\`${p.capacity.field}\` (${p.type})`))].join(', ')}`);
export type CapacityInput = z.infer<typeof capacityInputSchema>;
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
/** District-wide rounds: the programmes whose module says they run them. */
export const allocationRoundInputSchema = z.object({
  type: z.enum(ROUND_TYPES, { error: bi(`请指明分配类型：${ROUND_TYPES.join('、')}`, `Name the round type: ${ROUND_TYPES.join(', ')}`) }),
});
/** The report covers one programme whose rounds are optimal; without `type`, the first. */
export const reportQuerySchema = z.object({ type: z.enum(REPORT_TYPES).default(REPORT_TYPES[0]) });
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
/** A district's providers of one programme, as families choose among them (ranked nurseries). */
export const directoryQuerySchema = z.object({
  district: z.string().regex(/^\d{6}$/, { error: bi('区县代码应为6位数字（GB/T 2260）', 'A district code has 6 digits (GB/T 2260)') }),
});
/** Yuan with at most two decimals, read as exact integer fen. */
const yuanAsFen = z
  .number({ error: bi('请填写单价（元）', 'A unit price in yuan is required') })
  .positive({ error: bi('单价应大于0', 'The unit price must be above 0') })
  .max(1_000_000)
  .refine((y) => Math.abs(y * 100 - Math.round(y * 100)) < 1e-6, { error: bi('单价最多精确到分（两位小数）', 'A unit price has at most two decimals (fen)') })
  .transform((y) => Math.round(y * 100));

/** `POST /assignments/{id}/plan`: the items of a job from the programme's catalogue. */
export const planInputSchema = z.object({
  items: z
    .array(
      z.object({
        code: z.string().trim().min(1).max(40),
        quantity: z.number().int().min(1).max(1000),
        unitPrice: yuanAsFen.describe('Yuan per unit, at most two decimals'),
      }),
    )
    .min(1, { error: bi('方案至少包含一个改造项目', 'A plan has at least one item') })
    .max(30),
});
export type PlanInput = z.infer<typeof planInputSchema>;

/** `POST /applications/{id}/inspection`: staff's verdict on the finished work. */
export const inspectionInputSchema = z.object({
  passed: z.boolean({ error: bi('请填写验收结论（通过或不通过）', 'Say whether the work passed') }),
  note: z.string().trim().max(500).optional(),
});

const monthSchema = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, { error: bi('月份格式应为 YYYY-MM', 'A month is YYYY-MM') });
const daySchema = z.iso.date({ error: bi('日期格式应为 YYYY-MM-DD', 'A date is YYYY-MM-DD') });

/** `POST /assignments/{id}/meals`: meals served to the resident on one day (China time). */
export const mealRecordInputSchema = z.object({
  date: daySchema,
  count: z.number().int().min(1, { error: bi('至少1餐', 'At least one meal') }).max(10),
});

/** `POST /settlements`: one programme's month in the staff member's district. */
export const settlementInputSchema = z.object({ type: z.enum(APPLICATION_TYPES), month: monthSchema });
export const settlementListQuerySchema = z.object({ month: monthSchema.optional(), type: z.enum(APPLICATION_TYPES).optional(), ...pageQuery });

export const allocationRoundListQuerySchema = z.object({ ...pageQuery });
export const pageQuerySchema = z.object({ ...pageQuery });

/** A home visit as the provider records it: when, what was done, and where (the phone's position). */
export const visitInputSchema = z
  .object({
    startedAt: z.iso.datetime({ offset: true, error: bi('开始时间格式应为 ISO 8601', 'startedAt must be an ISO 8601 date-time') }),
    endedAt: z.iso.datetime({ offset: true, error: bi('结束时间格式应为 ISO 8601', 'endedAt must be an ISO 8601 date-time') }),
    services: z
      .array(z.string().min(1).max(40))
      .min(1)
      .max(20)
      .refine((s) => new Set(s).size === s.length, { error: bi('服务项目不能重复', 'A service is listed twice') }),
    location: locationSchema,
  })
  .superRefine((v, ctx) => {
    if (Date.parse(v.endedAt) <= Date.parse(v.startedAt)) {
      ctx.addIssue({ code: 'custom', path: ['endedAt'], message: bi('结束时间应晚于开始时间', 'endedAt must be after startedAt') });
    }
  });
export type VisitInput = z.infer<typeof visitInputSchema>;
