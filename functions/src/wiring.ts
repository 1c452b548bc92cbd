import {
  AllocationRoundRequested,
  ApplicationSubmitted,
  ApplicationWaitlisted,
  AssignmentAccepted,
  AssignmentOffered,
  EligibilityAssessed,
  EVENT_SOURCE,
  SubsidyApproved,
  SubsidyRejected,
} from '@huimin/events';
import type { DataAccess } from '@huimin/store';

/**
 * The wiring table: every function, its entry, what triggers it (HTTP routes, an event pattern, a
 * schedule) and what it may touch. The CDK stack (infra/) and the local stack (packages/local) are
 * both built from this table, so a route or rule is written once.
 */
export type Role = 'family' | 'provider' | 'staff' | 'grid';

/**
 * The secrets a function may be given, by the variable that carries each. In AWS the template holds
 * only `<VARIABLE>_SECRET_ARN` and the function reads the value at cold start (lib/config.ts); the
 * local stack sets `<VARIABLE>` itself.
 */
export const SECRET_VARIABLES = { registry: 'REGISTRY_HMAC_KEY', pageTokens: 'PAGE_TOKEN_KEY' } as const;
export type SecretName = keyof typeof SECRET_VARIABLES;
export type HttpMethod = 'GET' | 'POST' | 'PUT';

export interface HttpRoute {
  method: HttpMethod;
  /** API Gateway path template, e.g. `/applications/{id}`. */
  path: string;
  /** Who may call it; `public` routes carry no token (CONTRACT.md: /health, /openapi.json). */
  roles: readonly Role[] | 'public';
}

/** An EventBridge event pattern (the JSON the rule holds). */
export type EventPatternJson = { readonly [key: string]: unknown };

export interface FunctionSpec {
  /** Handler module, relative to the repository root; it exports `handler`. */
  entry: string;
  description: string;
  http?: readonly HttpRoute[];
  /** The consumer's own subscription (STYLE.md #9). */
  subscription?: EventPatternJson;
  /** An EventBridge Scheduler / rule schedule expression. */
  schedule?: string;
  /**
   * What it may do to the table, by entity: least privilege, written once. The CDK stack grants
   * exactly this (infra/src/constructs/wired-function.ts); the local stack refuses anything else, as
   * IAM would, and test/reliability shows every grant is used.
   */
  data: DataAccess;
  /** The secrets it reads at cold start (functions/src/lib/config.ts): the registry's HMAC key, the page tokens' key. */
  secrets?: readonly SecretName[];
  timeoutSeconds?: number;
  memoryMb?: number;
}

const ALL: readonly Role[] = ['family', 'provider', 'staff', 'grid'];
const fromUs = { source: [EVENT_SOURCE] };

export const FUNCTIONS = {
  // ---- HTTP: families -------------------------------------------------------------------
  submitApplication: {
    entry: 'functions/src/applications/submit/handler.ts',
    description: 'A family, or a grid worker for a resident of their street, applies (202; honours Idempotency-Key; 409 while one is open)',
    http: [{ method: 'POST', path: '/applications', roles: ['family', 'grid'] }],
    data: { APP: ['GetItem', 'PutItem'], OPENAPP: ['GetItem', 'PutItem'], OUTBOX: ['PutItem'], PROVIDER: ['GetItem'], SUBMISSION: ['GetItem', 'PutItem'] },
    // "One open application per person per programme" is keyed by an HMAC of the ID number.
    secrets: ['registry'],
  },
  listApplications: {
    entry: 'functions/src/applications/list/handler.ts',
    description: "A family's own applications (a grid worker's: those they filed), or a district's for staff",
    http: [{ method: 'GET', path: '/applications', roles: ['family', 'grid', 'staff'] }],
    data: { APP: ['Query@gsi1', 'Query@gsi2'] },
    secrets: ['pageTokens'],
  },
  getApplication: {
    entry: 'functions/src/applications/get/handler.ts',
    description: 'One application with eligibility, subsidy, assignment and history',
    http: [{ method: 'GET', path: '/applications/{id}', roles: ['family', 'grid', 'staff'] }],
    // The provider's contact is read once the offer is accepted.
    data: { APP: ['GetItem'], PROVIDER: ['GetItem'], ROUNDENTRY: ['Query'], VISITMONTH: ['GetItem'] },
  },
  cancelApplication: {
    entry: 'functions/src/applications/cancel/handler.ts',
    description: 'The owner cancels; any reserved place is released',
    http: [{ method: 'POST', path: '/applications/{id}/cancel', roles: ['family', 'grid'] }],
    data: { APP: ['GetItem', 'PutItem'], ASSIGN: ['GetItem', 'PutItem'], OPENAPP: ['DeleteItem'], OUTBOX: ['PutItem'], PROVIDER: ['UpdateItem'], SUBSIDY: ['GetItem', 'PutItem'] },
  },
  acceptOffer: {
    entry: 'functions/src/applications/accept-offer/handler.ts',
    description: 'The family takes the place offered (childcare) before its deadline; the application becomes ACTIVE',
    http: [{ method: 'POST', path: '/applications/{id}/offer/accept', roles: ['family', 'grid'] }],
    // The answer shows the nursery's contact once the place is taken (PROVIDER: GetItem).
    data: { APP: ['GetItem', 'PutItem'], ASSIGN: ['GetItem', 'PutItem'], OUTBOX: ['PutItem'], PROVIDER: ['GetItem'], ROUNDENTRY: ['Query'] },
  },
  declineOffer: {
    entry: 'functions/src/applications/decline-offer/handler.ts',
    description: 'The family leaves the place offered (childcare); it returns to the pool for the next round',
    http: [{ method: 'POST', path: '/applications/{id}/offer/decline', roles: ['family', 'grid'] }],
    data: { APP: ['GetItem', 'PutItem'], ASSIGN: ['GetItem', 'PutItem'], OUTBOX: ['PutItem'], PROVIDER: ['UpdateItem'], ROUNDENTRY: ['Query'] },
  },
  confirmPlan: {
    entry: 'functions/src/applications/confirm-plan/handler.ts',
    description: "The family confirms the contractor's plan (retrofits): price, subsidy and their share; the work may start",
    http: [{ method: 'POST', path: '/applications/{id}/plan/confirm', roles: ['family', 'grid'] }],
    data: { APP: ['GetItem', 'PutItem'], ASSIGN: ['GetItem', 'PutItem'], OUTBOX: ['PutItem'], PROVIDER: ['GetItem'] },
  },
  // ---- HTTP: providers ------------------------------------------------------------------
  listAssignments: {
    entry: 'functions/src/assignments/list/handler.ts',
    description: "A provider's own assignments",
    http: [{ method: 'GET', path: '/assignments', roles: ['provider'] }],
    // Each page's applications in one batch: the resident's age, and contact once accepted.
    data: { APP: ['BatchGetItem'], ASSIGN: ['Query@gsi1', 'Query@gsi2'] },
    secrets: ['pageTokens'],
  },
  acceptAssignment: {
    entry: 'functions/src/assignments/accept/handler.ts',
    description: 'The provider accepts an offer before its deadline',
    http: [{ method: 'POST', path: '/assignments/{id}/accept', roles: ['provider'] }],
    data: { APP: ['GetItem', 'PutItem'], ASSIGN: ['GetItem', 'PutItem'], OUTBOX: ['PutItem'], PROVIDER: ['UpdateItem'] },
  },
  declineAssignment: {
    entry: 'functions/src/assignments/decline/handler.ts',
    description: 'The provider declines with a reason; the next candidate is tried',
    http: [{ method: 'POST', path: '/assignments/{id}/decline', roles: ['provider'] }],
    data: { APP: ['GetItem', 'PutItem'], ASSIGN: ['GetItem', 'PutItem'], OUTBOX: ['PutItem'], PROVIDER: ['UpdateItem'] },
  },
  completeAssignment: {
    entry: 'functions/src/assignments/complete/handler.ts',
    description: 'The provider reports the service done (retrofits: the work, which staff then inspect)',
    http: [{ method: 'POST', path: '/assignments/{id}/complete', roles: ['provider'] }],
    data: { APP: ['GetItem', 'PutItem'], ASSIGN: ['GetItem', 'PutItem'], OPENAPP: ['DeleteItem'], OUTBOX: ['PutItem'], PROVIDER: ['UpdateItem'] },
  },
  planJob: {
    entry: 'functions/src/assignments/plan/handler.ts',
    description: 'The contractor plans an accepted job from the catalogue (retrofits): priced, subsidised per item, capped per household',
    http: [{ method: 'POST', path: '/assignments/{id}/plan', roles: ['provider'] }],
    data: { APP: ['GetItem', 'PutItem'], ASSIGN: ['GetItem', 'PutItem'], OUTBOX: ['PutItem'] },
  },
  recordVisit: {
    entry: 'functions/src/assignments/record-visit/handler.ts',
    description: 'The provider records a home visit on an active assignment (422 outside the address, overlapping, in the future or beyond the month)',
    http: [{ method: 'POST', path: '/assignments/{id}/visits', roles: ['provider'] }],
    data: { APP: ['GetItem'], ASSIGN: ['ConditionCheckItem', 'GetItem'], OUTBOX: ['PutItem'], SERVICE: ['PutItem'], SETTLEMONTH: ['UpdateItem'], VISIT: ['PutItem'], VISITMONTH: ['GetItem', 'PutItem'] },
  },
  recordMeals: {
    entry: 'functions/src/assignments/record-meals/handler.ts',
    description: 'The meal point records meals served on one day (422 for a future day, a day without the service, too many, or a settled month)',
    http: [{ method: 'POST', path: '/assignments/{id}/meals', roles: ['provider'] }],
    data: { APP: ['GetItem'], ASSIGN: ['ConditionCheckItem', 'GetItem'], SERVICE: ['PutItem'], SETTLEMONTH: ['UpdateItem'] },
  },
  listServiceRecords: {
    entry: 'functions/src/assignments/list-records/handler.ts',
    description: "An assignment's service records (days of meals, visits, a passed inspection), priced: the provider owning it, staff of its district, the application's owner",
    http: [{ method: 'GET', path: '/assignments/{id}/records', roles: ['provider', 'staff', 'family', 'grid'] }],
    data: { APP: ['GetItem'], ASSIGN: ['GetItem'], SERVICE: ['Query'] },
    secrets: ['pageTokens'],
  },
  listVisits: {
    entry: 'functions/src/assignments/list-visits/handler.ts',
    description: "An assignment's visits: the provider owning it, staff of its district, the application's owner",
    http: [{ method: 'GET', path: '/assignments/{id}/visits', roles: ['provider', 'staff', 'family', 'grid'] }],
    data: { APP: ['GetItem'], ASSIGN: ['GetItem'], VISIT: ['Query'] },
    secrets: ['pageTokens'],
  },
  // ---- HTTP: staff ----------------------------------------------------------------------
  listSubsidies: {
    entry: 'functions/src/subsidies/list/handler.ts',
    description: "Subsidies of the staff member's district",
    http: [{ method: 'GET', path: '/subsidies', roles: ['staff'] }],
    // Each page's applications in one batch: the applicant's contact for staff to check.
    data: { APP: ['BatchGetItem'], SUBSIDY: ['Query@gsi2'] },
    secrets: ['pageTokens'],
  },
  approveSubsidy: {
    entry: 'functions/src/subsidies/approve/handler.ts',
    description: 'Staff approve a pending subsidy of their district',
    http: [{ method: 'POST', path: '/subsidies/{id}/approve', roles: ['staff'] }],
    data: { APP: ['GetItem', 'PutItem'], OUTBOX: ['PutItem'], SUBSIDY: ['GetItem', 'PutItem'] },
  },
  rejectSubsidy: {
    entry: 'functions/src/subsidies/reject/handler.ts',
    description: 'Staff reject a pending subsidy with a reason',
    http: [{ method: 'POST', path: '/subsidies/{id}/reject', roles: ['staff'] }],
    data: { APP: ['GetItem', 'PutItem'], OPENAPP: ['DeleteItem'], OUTBOX: ['PutItem'], SUBSIDY: ['GetItem', 'PutItem'] },
  },
  inspectJob: {
    entry: 'functions/src/applications/inspect/handler.ts',
    description: 'Staff of its district inspect finished work (retrofits): a pass completes it and makes the subsidy payable, a fail returns it',
    http: [{ method: 'POST', path: '/applications/{id}/inspection', roles: ['staff'] }],
    data: { APP: ['GetItem', 'PutItem'], ASSIGN: ['GetItem', 'PutItem'], OPENAPP: ['DeleteItem'], OUTBOX: ['PutItem'], PROVIDER: ['GetItem', 'UpdateItem'], SERVICE: ['PutItem'], SETTLEMONTH: ['UpdateItem'], SUBSIDY: ['GetItem', 'PutItem'] },
  },
  createSettlement: {
    entry: 'functions/src/settlements/create/handler.ts',
    description: "Staff compute one programme's month for their district: a statement per provider from its service records; the month is settled once",
    http: [{ method: 'POST', path: '/settlements', roles: ['staff'] }],
    data: { PROVIDER: ['Query@gsi2'], SERVICE: ['Query@gsi2'], SETTLEMENT: ['PutItem'], SETTLEMONTH: ['GetItem', 'UpdateItem'] },
    timeoutSeconds: 30,
  },
  listSettlements: {
    entry: 'functions/src/settlements/list/handler.ts',
    description: "The district's statements, newest month first",
    http: [{ method: 'GET', path: '/settlements', roles: ['staff'] }],
    data: { SETTLEMENT: ['Query@gsi1'] },
    secrets: ['pageTokens'],
  },
  getSettlement: {
    entry: 'functions/src/settlements/get/handler.ts',
    description: 'One statement with its lines',
    http: [{ method: 'GET', path: '/settlements/{id}', roles: ['staff'] }],
    data: { SETTLEMENT: ['GetItem'] },
  },
  approveSettlement: {
    entry: 'functions/src/settlements/approve/handler.ts',
    description: 'Staff approve a statement once; one-off subsidies become SETTLED and the payment is announced',
    http: [{ method: 'POST', path: '/settlements/{id}/approve', roles: ['staff'] }],
    data: { APP: ['GetItem'], OUTBOX: ['PutItem'], SETTLEMENT: ['GetItem', 'PutItem'], SUBSIDY: ['GetItem', 'PutItem'] },
  },
  exportSettlement: {
    entry: 'functions/src/settlements/export/handler.ts',
    description: 'The payment file of an approved statement (CSV, UTF-8 with BOM)',
    http: [{ method: 'GET', path: '/settlements/{id}/export', roles: ['staff'] }],
    data: { SETTLEMENT: ['GetItem'] },
  },
  registerProvider: {
    entry: 'functions/src/providers/register/handler.ts',
    description: 'Staff register a provider in their district',
    http: [{ method: 'POST', path: '/providers', roles: ['staff'] }],
    data: { OUTBOX: ['PutItem'], PROVIDER: ['PutItem'] },
  },
  listProviders: {
    entry: 'functions/src/providers/list/handler.ts',
    description: "Providers of the staff member's district",
    http: [{ method: 'GET', path: '/providers', roles: ['staff'] }],
    data: { PROVIDER: ['Query@gsi2'] },
    secrets: ['pageTokens'],
  },
  setProviderCapacity: {
    entry: 'functions/src/providers/capacity/handler.ts',
    description: 'A provider (or its district staff) declares capacity',
    http: [{ method: 'PUT', path: '/providers/{id}/capacity', roles: ['provider', 'staff'] }],
    data: { OUTBOX: ['PutItem'], PROVIDER: ['GetItem', 'UpdateItem'] },
  },
  runAllocationRound: {
    entry: 'functions/src/allocation/run-round/handler.ts',
    description: 'Staff start a district-wide allocation round for their district (202 with its id; allocateDistrict runs it)',
    http: [{ method: 'POST', path: '/allocation-rounds', roles: ['staff'] }],
    data: { OUTBOX: ['PutItem'], ROUND: ['PutItem'] },
  },
  listAllocationRounds: {
    entry: 'functions/src/allocation/list-rounds/handler.ts',
    description: "The district's allocation rounds, newest first",
    http: [{ method: 'GET', path: '/allocation-rounds', roles: ['staff'] }],
    data: { ROUND: ['Query@gsi1'] },
    secrets: ['pageTokens'],
  },
  getAllocationRound: {
    entry: 'functions/src/allocation/get-round/handler.ts',
    description: 'One allocation round: RUNNING, or COMPLETED with its outcome',
    http: [{ method: 'GET', path: '/allocation-rounds/{id}', roles: ['staff'] }],
    data: { ROUND: ['GetItem'], ROUNDPOOL: ['Query'] },
  },
  supplyDemandReport: {
    entry: 'functions/src/reports/supply-demand/handler.ts',
    description: 'Demand, capacity, served in the optimal allocation, unmet demand and spare places by street and grid',
    http: [{ method: 'GET', path: '/reports/supply-demand', roles: ['staff'] }],
    data: { APP: ['Query@gsi3'], PROVIDER: ['Query@gsi2'] },
    timeoutSeconds: 30,
    memoryMb: 1024,
  },
  listProgrammes: {
    entry: 'functions/src/programmes/list/handler.ts',
    description: 'The programmes: names, whether open, policy version and the figures a form needs',
    http: [{ method: 'GET', path: '/programmes', roles: ALL }],
    data: {},
  },
  listProgrammeProviders: {
    entry: 'functions/src/programmes/providers/handler.ts',
    description: "A district's providers of one programme by name, street and declared places, for a family to rank (nurseries)",
    http: [{ method: 'GET', path: '/programmes/{type}/providers', roles: ALL }],
    data: { PROVIDER: ['Query@gsi2'] },
  },
  listNotifications: {
    entry: 'functions/src/notifications/list/handler.ts',
    description: "The caller's inbox, newest first: a family's, a provider's, or their district's for staff",
    http: [{ method: 'GET', path: '/notifications', roles: ALL }],
    data: { NOTE: ['Query'] },
    secrets: ['pageTokens'],
  },
  // ---- HTTP: anyone ---------------------------------------------------------------------
  health: {
    entry: 'functions/src/public/health/handler.ts',
    description: 'Liveness',
    http: [{ method: 'GET', path: '/health', roles: 'public' }],
    data: {},
  },
  openapi: {
    entry: 'functions/src/public/openapi/handler.ts',
    description: 'The OpenAPI 3.1 document, generated from the wiring and the zod schemas',
    http: [{ method: 'GET', path: '/openapi.json', roles: 'public' }],
    data: {},
  },
  // ---- Event consumers ------------------------------------------------------------------
  assessEligibility: {
    entry: 'functions/src/consumers/assess-eligibility/handler.ts',
    description: 'Applies eligibility and subsidy policy to a submitted application',
    subscription: { ...fromUs, 'detail-type': [ApplicationSubmitted.detailType] },
    data: { APP: ['GetItem', 'PutItem'], CONSUMED: ['PutItem'], LOWINCOME: ['GetItem'], OPENAPP: ['DeleteItem'], OUTBOX: ['PutItem'], SUBSIDY: ['PutItem'] },
    secrets: ['registry'],
  },
  matchApplication: {
    entry: 'functions/src/consumers/match-application/handler.ts',
    description: 'Reserves the nearest admissible place and offers it, or waitlists',
    subscription: { ...fromUs, detail: { data: { applicationStatus: ['MATCHING'] } } },
    data: { APP: ['GetItem', 'PutItem'], ASSIGN: ['PutItem'], CONSUMED: ['PutItem'], OUTBOX: ['PutItem'], PROVIDER: ['GetItem', 'Query@gsi2', 'UpdateItem'] },
  },
  requeueWaitlisted: {
    entry: 'functions/src/consumers/requeue-waitlisted/handler.ts',
    description: "When room is released, offers it at that provider to the waitlist, in the programme's order",
    subscription: { ...fromUs, detail: { data: { releasedProviderId: [{ exists: true }] } } },
    data: { APP: ['PutItem', 'Query@gsi3'], ASSIGN: ['PutItem'], CONSUMED: ['PutItem'], OUTBOX: ['PutItem'], PROVIDER: ['GetItem', 'UpdateItem'] },
  },
  allocateDistrict: {
    entry: 'functions/src/consumers/allocate-district/handler.ts',
    description: "Runs a requested allocation round (a programme's district waitlist, optimally) and records its outcome",
    subscription: { ...fromUs, 'detail-type': [AllocationRoundRequested.detailType] },
    data: { APP: ['PutItem', 'Query@gsi3'], ASSIGN: ['PutItem'], CONSUMED: ['PutItem'], OUTBOX: ['PutItem'], PROVIDER: ['Query@gsi2', 'UpdateItem'], ROUND: ['GetItem', 'PutItem'], ROUNDENTRY: ['BatchWriteItem', 'Query@gsi1'], ROUNDPOOL: ['BatchWriteItem'] },
    // One offer transaction per chosen resident: a large district takes minutes, not seconds.
    timeoutSeconds: 900,
    memoryMb: 1024,
  },
  notify: {
    entry: 'functions/src/consumers/notify/handler.ts',
    description: 'Writes what each person should know into their inbox (family, provider, district staff) and texts the family when they need to act',
    subscription: {
      ...fromUs,
      'detail-type': [EligibilityAssessed, AssignmentOffered, AssignmentAccepted, ApplicationWaitlisted, SubsidyApproved, SubsidyRejected].map((d) => d.detailType),
    },
    data: { APP: ['GetItem'], CONSUMED: ['PutItem'], NOTE: ['PutItem'] },
  },
  expireOffers: {
    entry: 'functions/src/consumers/expire-offers/handler.ts',
    description: 'Expires offers past their deadline, releasing the place, and reminds whoever answers an offer whose deadline is near',
    schedule: 'rate(5 minutes)',
    data: { APP: ['GetItem', 'PutItem'], ASSIGN: ['PutItem', 'Query@gsi3'], CONSUMED: ['PutItem'], NOTE: ['PutItem'], OUTBOX: ['PutItem'], PROVIDER: ['UpdateItem'] },
    timeoutSeconds: 60,
  },
} as const satisfies Record<string, FunctionSpec>;

export type FunctionName = keyof typeof FUNCTIONS;

export const FUNCTION_SPECS: readonly [FunctionName, FunctionSpec][] = Object.entries(FUNCTIONS) as [FunctionName, FunctionSpec][];

export const ROLES = ALL;

/** The route a request matched, by API Gateway's routeKey (`POST /applications`). */
export function routeKeyOf(route: HttpRoute): string {
  return `${route.method} ${route.path}`;
}
