import {
  APPLICATION_STATUSES,
  APPLICATION_TYPES,
  ASSIGNMENT_STATUSES,
  allocationRoundInputSchema,
  NOTIFICATION_KINDS,
  PROGRAMMES,
  type ProviderDeclaration,
  RELATIONSHIPS,
  SUBSIDY_STATUSES,
} from '@huimin/domain';
import { z } from 'zod';

/**
 * What the API answers, one zod schema per shape. The view functions in use-cases/ return these
 * types, each HTTP function's schema.ts names its `response` from them, and httpHandler checks the
 * body it returns against that `response`; the OpenAPI document is generated from the same
 * schemas, so the document and the handlers cannot drift apart without a compile error.
 */

const timestamp = z.iso.datetime();
const count = z.int().nonnegative();
const applicationStatus = z.enum(APPLICATION_STATUSES);
const assignmentStatus = z.enum(ASSIGNMENT_STATUSES);
const subsidyStatus = z.enum(SUBSIDY_STATUSES);
const applicationType = z.enum(APPLICATION_TYPES);
const districtCode = z.string().regex(/^\d{6}$/).describe('GB/T 2260 district code');
const location = z.object({ lat: z.number(), lng: z.number() }).describe('WGS-84 coordinates');
const metres = z.number().nonnegative();
const yuanPerUnit = z.number().nonnegative().describe('Subsidy in yuan per unit (`unit`: per meal, per hour)');
const subsidyUnit = z.string().describe(`The subsidy's unit: ${PROGRAMMES.map((p) => `\`${p.subsidyUnit.code}\` (${p.type})`).join(', ')}`);
const label = z.object({ zh: z.string(), en: z.string() });
const needs = z.record(z.string(), z.unknown()).describe("The programme's needs as submitted (GET /programmes lists each programme's fields)");

/** Every list answers one page: CONTRACT.md's `{"items":[…], "nextToken"?}`. */
export function page<T extends z.ZodType>(item: T) {
  return z.object({
    items: z.array(item),
    nextToken: z.string().optional().describe('Send back as `?nextToken=` for the next page; absent on the last one'),
  }).describe(`One page; each item: ${item.description ?? 'see the schema'}`);
}

export const Reason = z
  .object({
    rule: z.string().describe('The policy rule, e.g. `age`'),
    code: z.string(),
    message: z.string(),
    messageZh: z.string().describe('What residents read'),
    field: z.string().optional().describe('The input field the reason is about, when there is one'),
  })
  .describe('Why an application is or is not eligible / 资格审核理由');

export const HistoryEntry = z
  .object({
    at: timestamp,
    status: applicationStatus,
    note: z.string(),
    noteZh: z.string().describe('What residents read'),
    by: z.string().optional().describe('The user (`sub`) who made the change; absent for automatic steps'),
  })
  .describe('One step of the application / 办理进度');

const fen = z.int().nonnegative().describe('Fen (1/100 yuan)');
export const JobView = z
  .object({
    step: z.enum(['PLANNING', 'AWAITING_CONFIRMATION', 'BUILDING', 'AWAITING_INSPECTION', 'PASSED']),
    plan: z
      .object({
        policyVersion: z.string(),
        lines: z.array(
          z.object({
            code: z.string(),
            nameZh: z.string(),
            name: z.string(),
            unit: label,
            quantity: z.int().positive(),
            unitPriceFen: fen,
            priceFen: fen,
            subsidyFen: fen.describe("The catalogue's subsidy for the line before the household cap"),
          }),
        ),
        priceFen: fen,
        subsidyFen: fen.describe('After the household cap'),
        householdFen: fen.describe("The household's share"),
        capFen: fen,
        capped: z.boolean(),
        plannedAt: timestamp,
        plannedBy: z.string(),
      })
      .optional(),
    confirmedAt: timestamp.optional(),
    workCompletedAt: timestamp.optional(),
    workNote: z.string().optional(),
    inspections: z.array(z.object({ at: timestamp, by: z.string(), passed: z.boolean(), note: z.string().optional() })),
  })
  .describe('A job with steps (retrofits): plan, confirmation, work, inspection / 改造工程');

export const Cutoff = z
  .object({ points: z.number().describe('Priority points'), lottery: z.number().describe('Lottery number in [0, 1): lower wins among equal points') })
  .describe('The lowest priority admitted: points, then lottery number');

export const ApplicationView = z
  .object({
    id: z.string(),
    type: applicationType,
    status: applicationStatus,
    createdAt: timestamp,
    updatedAt: timestamp,
    applicant: z.object({
      name: z.string(),
      phone: z.string(),
      relationship: z.string().describe(`The applicant's relation to the subject: ${RELATIONSHIPS.join(', ')}`),
    }),
    subject: z.object({
      name: z.string(),
      idNumberMasked: z.string().describe('The ID number with its middle digits hidden'),
      age: count.describe('Age in whole years, today in China'),
      sex: z.enum(['male', 'female']),
      address: z.object({ district: districtCode, street: z.string(), detail: z.string().optional(), location }),
    }),
    needs,
    eligibility: z
      .object({
        eligible: z.boolean(),
        reasons: z.array(Reason),
        policyVersion: z.string().describe('The policy applied, `id/version`'),
        age: count,
        lowIncome: z.boolean().optional().describe('Found in the low-income registry (免申即享)'),
        demand: z.number().nonnegative().optional().describe("Units an offer reserves: one place, or the month's entitled hours"),
        priorityWeight: z.number().nonnegative().optional().describe('Allocation and waitlist order: lower is served first'),
      })
      .nullable()
      .describe('null until assessed'),
    subsidy: z
      .object({ id: z.string(), status: subsidyStatus, amount: yuanPerUnit, currency: z.literal('CNY'), unit: subsidyUnit })
      .nullable()
      .describe('null when no subsidy is due'),
    assignment: z
      .object({
        id: z.string(),
        providerId: z.string(),
        providerName: z.string(),
        status: assignmentStatus,
        expiresAt: timestamp.describe('When an open offer lapses'),
        distanceMetres: metres,
        contact: z
          .object({
            phone: z.string().optional(),
            address: z.string().optional().describe("The provider's street address, when registered"),
            openingHours: z.string().optional(),
          })
          .optional()
          .describe("The provider's contact: present only once the offer is accepted (ACCEPTED, COMPLETED) — the minimum a family needs to use the service"),
      })
      .nullable()
      .describe('The latest offer to a provider; null before matching'),
    entitlement: z
      .object({
        hoursPerMonth: count.describe('Entitled hours a month'),
        month: z.string().regex(/^\d{4}-\d{2}$/).describe('This month, China time'),
        usedThisMonth: z.number().nonnegative().describe('Hours of visits recorded this month'),
      })
      .optional()
      .describe('Home visits: the monthly hours and what is used of them'),
    job: JobView.optional(),
    allocation: z
      .object({
        roundId: z.string(),
        roundAt: timestamp.describe('When the round was requested'),
        ageClass: z.string().describe("The child's class in its start month"),
        lottery: z.number().describe("The child's lottery number in that round: lower wins among equal points"),
        offeredProviderId: z.string().optional(),
        rank: z.int().positive().optional().describe('Which preference was offered: 1 = first choice'),
        explanation: z
          .array(
            z.object({
              providerId: z.string(),
              providerName: z.string(),
              ageClass: z.string(),
              outcome: z
                .enum(['below-cutoff', 'no-places', 'not-in-round', 'changed-meanwhile'])
                .describe('`below-cutoff`: the class filled with higher priorities; `no-places`: none free; `not-in-round`: gone, or left before; `changed-meanwhile`: taken while the offer was written'),
              cutoff: Cutoff.nullable().describe('The lowest priority admitted there in the class; null when it did not fill'),
              points: z.number().describe("The child's own points there"),
              rules: z.array(z.object({ rule: z.string(), points: z.number(), label })).describe('The rule behind each point'),
            }),
          )
          .describe('Each preference above the one offered (all of them when none was), and why not'),
      })
      .optional()
      .describe('Childcare: the latest allocation round, and why the child did not get each choice above the one offered'),
    filedBy: z
      .object({ role: z.literal('grid'), street: z.string() })
      .optional()
      .describe('Present when a grid worker (网格员) filed the application on the resident’s behalf'),
    history: z.array(HistoryEntry),
  })
  .describe('One application with eligibility, subsidy, assignment and history / 申请详情');
export type ApplicationView = z.infer<typeof ApplicationView>;

export const ApplicationSummary = z
  .object({
    id: z.string(),
    type: applicationType,
    status: applicationStatus,
    createdAt: timestamp,
    updatedAt: timestamp,
    district: districtCode,
    street: z.string(),
    subject: z.object({ name: z.string() }),
    subsidy: z.object({ id: z.string(), status: subsidyStatus, amount: yuanPerUnit }).nullable(),
    assignment: z.object({ id: z.string(), providerName: z.string(), status: assignmentStatus }).nullable(),
    jobStep: JobView.shape.step.optional().describe('Jobs with steps (retrofits): where the job is'),
  })
  .describe('An application in a list / 申请列表项');
export type ApplicationSummary = z.infer<typeof ApplicationSummary>;

export const Submitted = z
  .object({ id: z.string().describe("The application's id"), status: applicationStatus })
  .describe('Accepted for assessment; the same answer again for a repeated Idempotency-Key / 已受理');
export type Submitted = z.infer<typeof Submitted>;

export const AssignmentView = z
  .object({
    id: z.string(),
    applicationId: z.string(),
    providerId: z.string(),
    providerName: z.string(),
    district: districtCode,
    street: z.string(),
    subjectName: z.string(),
    subjectAge: count.optional().describe("The resident's age in whole years, to tell residents of the same name apart"),
    resident: z
      .object({
        name: z.string(),
        age: count,
        phone: z.string().describe("The resident's own phone, else the applicant's"),
        address: z.object({ street: z.string(), detail: z.string().optional(), location }),
        contactName: z.string().describe('The family member who applied'),
        contactPhone: z.string(),
        relationship: z.string(),
      })
      .optional()
      .describe('Who to serve and how to reach them: present only on ACCEPTED and COMPLETED assignments (minimum necessary, PIPL)'),
    type: applicationType,
    needs,
    units: z.number().positive().describe('Units reserved at the provider: one place, or the monthly hours'),
    pool: z.string().optional().describe("The provider's class the place is in (childcare: the age class)"),
    job: JobView.optional(),
    acceptedAt: timestamp.optional().describe('When the provider accepted; visits count from then'),
    status: assignmentStatus,
    distanceMetres: metres,
    expiresAt: timestamp.describe('The provider must accept before this instant'),
    createdAt: timestamp,
    updatedAt: timestamp,
    declineReason: z.string().optional(),
  })
  .describe('An offer to a provider, or the service it became / 派单');
export type AssignmentView = z.infer<typeof AssignmentView>;

export const SubsidyView = z
  .object({
    id: z.string(),
    applicationId: z.string(),
    type: applicationType.describe('The programme'),
    district: districtCode,
    street: z.string(),
    subjectName: z.string(),
    applicant: z
      .object({ name: z.string(), phone: z.string(), relationship: z.string() })
      .optional()
      .describe("Who applied and how to reach them, for the district's staff to check the subsidy (absent only if the application is gone)"),
    subjectAge: count.optional().describe("The resident's age in whole years"),
    status: subsidyStatus,
    amount: yuanPerUnit,
    currency: z.literal('CNY'),
    unit: subsidyUnit,
    policyVersion: z.string().describe('The policy that set the amount, `id/version`'),
    createdAt: timestamp,
    updatedAt: timestamp,
    decidedBy: z.string().optional().describe('The staff member (`sub`) who decided'),
    note: z.string().optional().describe('Staff note on approval'),
    reason: z.string().optional().describe('Why it was rejected'),
  })
  .describe('A subsidy / 补贴');
export type SubsidyView = z.infer<typeof SubsidyView>;

/** Every programme's declaration field as an optional list (declarations are lists of codes or names). */
function declarationFields(): { [K in keyof ProviderDeclaration]-?: z.ZodOptional<z.ZodArray<z.ZodString>> } {
  const fields: Record<string, z.ZodType> = {};
  for (const p of PROGRAMMES) {
    for (const [key, field] of Object.entries(p.declarationSchema.shape)) {
      // A view shows what is stored: the declaration's own type, without its input default.
      const stored = field instanceof z.ZodDefault ? (field.unwrap() as z.ZodType) : (field as z.ZodType);
      fields[key] = stored.optional().describe(`Declared by ${p.type} providers`);
    }
  }
  return fields as { [K in keyof ProviderDeclaration]-?: z.ZodOptional<z.ZodArray<z.ZodString>> };
}

export const ProviderView = z
  .object({
    id: z.string(),
    name: z.string(),
    kind: applicationType.describe('The service it runs: one provider record per service'),
    district: districtCode,
    street: z.string(),
    location,
    capacity: count.describe("Capacity in the programme's unit: places, or hours a month"),
    reserved: count.describe('Held by offers and active services'),
    available: count.describe('capacity − reserved'),
    pools: z
      .record(z.string(), z.object({ capacity: count, reserved: count, available: count }))
      .optional()
      .describe('Per class, for programmes whose places are held per class (childcare: age classes); the totals above are their sums'),
    // Each programme's declaration, e.g. `diets` for meal points, `services` and `streets` for home visits.
    ...declarationFields(),
    phone: z.string().optional(),
    address: z.string().optional().describe('Street address'),
    openingHours: z.string().optional(),
    createdAt: timestamp,
  })
  .describe('A service provider, e.g. a meal point / 服务机构');
export type ProviderView = z.infer<typeof ProviderView>;

export const ALLOCATION_ROUND_STATUSES = ['RUNNING', 'COMPLETED'] as const;

/** What a round produced (use-cases/allocation.ts); recorded on the round when it completes. */
export const AllocationRoundOutcome = z.object({
  policyVersion: z.string(),
  considered: count.describe('Waitlisted applications in the round'),
  planned: count.describe('Places the optimal allocation found…'),
  offered: count.describe('…and the offers actually made (fewer when the one-at-a-time matcher took a place meanwhile)'),
  conflicts: count.describe('Offers lost to a concurrent change; they wait for the next round or released place'),
  stillWaiting: count,
  objective: z.number().describe("The allocation's cost: the solver's objective value (stable rounds: the sum of the offered preferences' ranks, 1 = first choice)"),
});
export type AllocationRoundOutcome = z.infer<typeof AllocationRoundOutcome>;

export const AllocationRoundView = z
  .object({
    id: z.string().describe("The round's id: poll `GET /allocation-rounds/{id}` until it is COMPLETED"),
    status: z.enum(ALLOCATION_ROUND_STATUSES).describe('RUNNING until the round has made its offers, then COMPLETED'),
    type: allocationRoundInputSchema.shape.type,
    district: districtCode,
    requestedBy: z.string().describe('The staff member (`sub`) who asked for the round'),
    createdAt: timestamp,
    completedAt: timestamp.optional().describe('Absent while RUNNING'),
    // The outcome: absent while RUNNING, all present once COMPLETED.
    ...AllocationRoundOutcome.partial().shape,
    lotterySeed: z
      .int()
      .nonnegative()
      .optional()
      .describe("Stable rounds: the published lottery seed; each child's number is lotteryDraw(seed, its family key) (packages/matching)"),
    cutoffs: z
      .array(
        z.object({
          providerId: z.string(),
          providerName: z.string(),
          capacityClass: z.string().describe('The class (childcare: infant, toddler, older)'),
          places: count.describe('Places free when the round ran'),
          admitted: count,
          cutoff: Cutoff.nullable().describe('The lowest priority admitted, when the class filled; null when places were left'),
        }),
      )
      .optional()
      .describe('GET of a completed stable round: each provider and class, with its cutoff'),
  })
  .describe('A district-wide allocation round, with its outcome once COMPLETED / 分配轮次');
export type AllocationRoundView = z.infer<typeof AllocationRoundView>;

const figures = {
  demand: count.describe('Applications still wanting a place'),
  capacity: count.describe('Places declared here'),
  served: count.describe('Demand served by the best district-wide allocation over every place'),
  unmet: count.describe('Demand that no allocation within walking distance can serve'),
  spare: count.describe('Places that no resident in reach needs'),
  naiveUnmet: count.describe('What counting demand against places in the same area alone would call unmet'),
};

export const SupplyDemandReport = z
  .object({
    district: districtCode,
    kind: applicationType,
    unit: label.describe('What the figures count: places, or hours a month'),
    generatedAt: timestamp,
    policyVersion: z.string(),
    method: z.string(),
    methodZh: z.string().describe('The method, as staff read it'),
    streets: z.array(
      z.object({
        street: z.string(),
        ...figures,
        grids: z.array(z.object({ grid: z.string().describe("The street and its 0.01° cell's south-west corner"), ...figures })),
      }),
    ),
    totals: z.object(figures),
    spareProviders: z
      .array(z.object({ id: z.string(), name: z.string(), street: z.string(), capacity: count, used: count, spare: count }))
      .describe('The 20 providers with the most spare places'),
    boundServed: count.describe(
      'An upper bound on `totals.served`: equal to it where each resident takes one place; for hours, the optimum when hours could split between organisations',
    ),
  })
  .describe('Demand, capacity and unmet demand by street and grid / 供需分析');
export type SupplyDemandReport = z.infer<typeof SupplyDemandReport>;

export const NotificationView = z
  .object({
    id: z.string(),
    at: timestamp,
    kind: z.enum(NOTIFICATION_KINDS).describe('What it is about: an offer made or accepted, the waiting list, a deadline near, a subsidy asked for or decided'),
    titleZh: z.string(),
    title: z.string(),
    bodyZh: z.string(),
    body: z.string(),
    applicationId: z.string().optional(),
    assignmentId: z.string().optional(),
    subsidyId: z.string().optional(),
  })
  .describe("A message in the user's inbox (a family's, a provider's, a district's staff's) / 消息");
export type NotificationView = z.infer<typeof NotificationView>;

export const Health = z.object({ status: z.literal('ok') }).describe('Alive / 服务正常');

export const ProgrammeView = z
  .object({
    type: applicationType,
    name: z.string(),
    nameZh: z.string(),
    open: z.boolean().describe('Whether applications are taken'),
    rounds: z.boolean().describe('Whether staff can run district-wide allocation rounds'),
    roundMechanism: z
      .enum(['optimal', 'stable'])
      .nullable()
      .describe('`optimal`: most served, then least weighted distance; `stable`: deferred acceptance over ranked preferences and priority points; null without rounds'),
    offersBy: z.enum(['matching', 'rounds']).describe('`matching`: the nearest free place is offered at once; `rounds`: only allocation rounds make offers'),
    offerAnsweredBy: z.enum(['provider', 'family']).describe('Who accepts or declines an offer'),
    policyVersion: z.string().describe('The policy in force today, `id/version`'),
    policyName: label.describe('The policy as people read it; a decision names its version (`policyVersion`)'),
    subjectNoun: label.describe('Who the service is for, as forms and consoles name them (老人, 幼儿)'),
    effectiveFrom: z.string(),
    providerNoun: label,
    capacity: z.object({
      field: z.string().describe('The field of `PUT /providers/{id}/capacity`'),
      unit: label,
      free: label,
      classes: z.array(z.object({ code: z.string(), label })).optional().describe('When present, the field is an object with a count per class code'),
    }),
    subsidyUnit: z.object({ code: z.string(), label }),
    visits: z
      .object({ radiusMetres: count, maxVisitHours: count, recordingDays: count })
      .nullable()
      .describe("Whether providers record visits against the resident's hours, and the policy's limits; null when they do not"),
    needsFields: z
      .array(z.looseObject({ name: z.string(), kind: z.enum(['multi', 'choice', 'integer', 'boolean', 'month', 'ranked-providers']), label }))
      .describe("The form's fields for `needs`, with their options and labels"),
    figures: z.record(z.string(), z.unknown()).describe('Policy figures residents read: age limits, subsidy rates, hours'),
  })
  .describe('A programme (one service) and its policy in force / 服务项目');
export type ProgrammeView = z.infer<typeof ProgrammeView>;

export const VisitView = z
  .object({
    id: z.string(),
    assignmentId: z.string(),
    applicationId: z.string(),
    providerId: z.string(),
    startedAt: timestamp,
    endedAt: timestamp,
    minutes: count,
    services: z.array(z.string()),
    distanceMetres: metres.describe("From the resident's address"),
    policyVersion: z.string(),
    createdAt: timestamp,
  })
  .describe('A home visit / 上门服务记录');
export type VisitView = z.infer<typeof VisitView>;

export const ServiceRecordView = z
  .object({
    id: z.string(),
    type: applicationType,
    month: z.string(),
    date: z.string().describe('YYYY-MM-DD, China time'),
    providerId: z.string(),
    assignmentId: z.string(),
    applicationId: z.string(),
    subjectMasked: z.string(),
    units: z.number().nonnegative(),
    unit: z.string(),
    rateFen: fen.describe('Subsidy per unit by the policy in force on the date, fen'),
    amountFen: fen,
    policyVersion: z.string(),
    createdAt: timestamp,
  })
  .describe('A service given that the subsidy pays for / 服务记录');

export const SettlementView = z
  .object({
    id: z.string(),
    type: applicationType,
    district: districtCode,
    month: z.string(),
    providerId: z.string(),
    providerName: z.string(),
    status: z.enum(['COMPUTED', 'APPROVED']),
    lines: z.array(
      z.object({
        applicationId: z.string(),
        subjectMasked: z.string().describe('The resident, masked'),
        dates: z.array(z.string()),
        units: z.number().nonnegative(),
        unit: z.string(),
        rateFen: fen,
        policyVersion: z.string(),
        amountFen: fen,
      }),
    ),
    totalFen: fen,
    records: count,
    computedBy: z.string(),
    createdAt: timestamp,
    updatedAt: timestamp,
    approvedBy: z.string().optional(),
    approvedAt: timestamp.optional(),
  })
  .describe("A provider's monthly statement: lines and total in fen / 月度结算单");

export const ProviderDirectory = z
  .object({
    items: z.array(
      z.object({
        id: z.string(),
        name: z.string(),
        street: z.string(),
        location,
        capacity: count.describe('Places declared (all classes)'),
        classes: z
          .array(z.object({ code: z.string(), label, capacity: count }))
          .optional()
          .describe('Places declared per class (childcare: age classes)'),
      }),
    ),
  })
  .describe("A district's providers of one programme, for a family to choose among / 可选机构");
export type ProviderDirectory = z.infer<typeof ProviderDirectory>;

const labelled = z.array(z.object({ code: z.string(), zh: z.string(), en: z.string() }));

/** GET /programmes: the programmes, and the words every page shows (statuses, districts, relationships). */
export const ProgrammeList = page(ProgrammeView).extend({
  vocabulary: z
    .object({
      applicationStatuses: z.array(z.object({ code: applicationStatus, zh: z.string(), en: z.string(), terminal: z.boolean() })),
      assignmentStatuses: labelled,
      subsidyStatuses: labelled,
      relationships: labelled,
      districts: z.array(
        z.object({
          code: districtCode,
          zh: z.string(),
          en: z.string(),
          streets: z.array(z.object({ name: z.string(), nameEn: z.string(), location })).describe('Known streets (街道); empty where any street is accepted'),
        }),
      ),
    })
    .describe('Labels the pages show, Chinese first, from the same tables the API validates with'),
});
export type ProgrammeList = z.infer<typeof ProgrammeList>;
