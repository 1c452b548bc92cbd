import {
  AllocationRoundRequested,
  ApplicationSubmitted,
  EVENT_SOURCE,
} from '@huimin/events';

/**
 * The wiring table: every function, its entry, what triggers it (HTTP routes, an event pattern, a
 * schedule) and what it may touch. The CDK stack (infra/) and the local stack (packages/local) are
 * both built from this table, so a route or rule is written once.
 */
export type Role = 'family' | 'provider' | 'staff' | 'grid';
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
  table: 'read' | 'readWrite';
  /** Reads the low-income registry, so it needs the registry's HMAC key (REGISTRY_HMAC_KEY). */
  registryKey?: true;
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
    table: 'readWrite',
    // "One open application per person per programme" is keyed by an HMAC of the ID number.
    registryKey: true,
  },
  listApplications: {
    entry: 'functions/src/applications/list/handler.ts',
    description: "A family's own applications (a grid worker's: those they filed), or a district's for staff",
    http: [{ method: 'GET', path: '/applications', roles: ['family', 'grid', 'staff'] }],
    table: 'read',
  },
  getApplication: {
    entry: 'functions/src/applications/get/handler.ts',
    description: 'One application with eligibility, subsidy, assignment and history',
    http: [{ method: 'GET', path: '/applications/{id}', roles: ['family', 'grid', 'staff'] }],
    table: 'read',
  },
  cancelApplication: {
    entry: 'functions/src/applications/cancel/handler.ts',
    description: 'The owner cancels; any reserved place is released',
    http: [{ method: 'POST', path: '/applications/{id}/cancel', roles: ['family', 'grid'] }],
    table: 'readWrite',
  },
  acceptOffer: {
    entry: 'functions/src/applications/accept-offer/handler.ts',
    description: 'The family takes the place offered (childcare) before its deadline; the application becomes ACTIVE',
    http: [{ method: 'POST', path: '/applications/{id}/offer/accept', roles: ['family', 'grid'] }],
    table: 'readWrite',
  },
  declineOffer: {
    entry: 'functions/src/applications/decline-offer/handler.ts',
    description: 'The family leaves the place offered (childcare); it returns to the pool for the next round',
    http: [{ method: 'POST', path: '/applications/{id}/offer/decline', roles: ['family', 'grid'] }],
    table: 'readWrite',
  },
  confirmPlan: {
    entry: 'functions/src/applications/confirm-plan/handler.ts',
    description: "The family confirms the contractor's plan (retrofits): price, subsidy and their share; the work may start",
    http: [{ method: 'POST', path: '/applications/{id}/plan/confirm', roles: ['family', 'grid'] }],
    table: 'readWrite',
  },
  // ---- HTTP: providers ------------------------------------------------------------------
  listAssignments: {
    entry: 'functions/src/assignments/list/handler.ts',
    description: "A provider's own assignments",
    http: [{ method: 'GET', path: '/assignments', roles: ['provider'] }],
    table: 'read',
  },
  acceptAssignment: {
    entry: 'functions/src/assignments/accept/handler.ts',
    description: 'The provider accepts an offer before its deadline',
    http: [{ method: 'POST', path: '/assignments/{id}/accept', roles: ['provider'] }],
    table: 'readWrite',
  },
  declineAssignment: {
    entry: 'functions/src/assignments/decline/handler.ts',
    description: 'The provider declines with a reason; the next candidate is tried',
    http: [{ method: 'POST', path: '/assignments/{id}/decline', roles: ['provider'] }],
    table: 'readWrite',
  },
  completeAssignment: {
    entry: 'functions/src/assignments/complete/handler.ts',
    description: 'The provider reports the service done (retrofits: the work, which staff then inspect)',
    http: [{ method: 'POST', path: '/assignments/{id}/complete', roles: ['provider'] }],
    table: 'readWrite',
  },
  planJob: {
    entry: 'functions/src/assignments/plan/handler.ts',
    description: 'The contractor plans an accepted job from the catalogue (retrofits): priced, subsidised per item, capped per household',
    http: [{ method: 'POST', path: '/assignments/{id}/plan', roles: ['provider'] }],
    table: 'readWrite',
  },
  recordVisit: {
    entry: 'functions/src/assignments/record-visit/handler.ts',
    description: 'The provider records a home visit on an active assignment (422 outside the address, overlapping, in the future or beyond the month)',
    http: [{ method: 'POST', path: '/assignments/{id}/visits', roles: ['provider'] }],
    table: 'readWrite',
  },
  recordMeals: {
    entry: 'functions/src/assignments/record-meals/handler.ts',
    description: 'The meal point records meals served on one day (422 for a future day, a day without the service, too many, or a settled month)',
    http: [{ method: 'POST', path: '/assignments/{id}/meals', roles: ['provider'] }],
    table: 'readWrite',
  },
  listServiceRecords: {
    entry: 'functions/src/assignments/list-records/handler.ts',
    description: "An assignment's service records (days of meals, visits, a passed inspection), priced: the provider owning it, staff of its district, the application's owner",
    http: [{ method: 'GET', path: '/assignments/{id}/records', roles: ['provider', 'staff', 'family', 'grid'] }],
    table: 'read',
  },
  listVisits: {
    entry: 'functions/src/assignments/list-visits/handler.ts',
    description: "An assignment's visits: the provider owning it, staff of its district, the application's owner",
    http: [{ method: 'GET', path: '/assignments/{id}/visits', roles: ['provider', 'staff', 'family', 'grid'] }],
    table: 'read',
  },
  // ---- HTTP: staff ----------------------------------------------------------------------
  listSubsidies: {
    entry: 'functions/src/subsidies/list/handler.ts',
    description: "Subsidies of the staff member's district",
    http: [{ method: 'GET', path: '/subsidies', roles: ['staff'] }],
    table: 'read',
  },
  approveSubsidy: {
    entry: 'functions/src/subsidies/approve/handler.ts',
    description: 'Staff approve a pending subsidy of their district',
    http: [{ method: 'POST', path: '/subsidies/{id}/approve', roles: ['staff'] }],
    table: 'readWrite',
  },
  rejectSubsidy: {
    entry: 'functions/src/subsidies/reject/handler.ts',
    description: 'Staff reject a pending subsidy with a reason',
    http: [{ method: 'POST', path: '/subsidies/{id}/reject', roles: ['staff'] }],
    table: 'readWrite',
  },
  inspectJob: {
    entry: 'functions/src/applications/inspect/handler.ts',
    description: 'Staff of its district inspect finished work (retrofits): a pass completes it and makes the subsidy payable, a fail returns it',
    http: [{ method: 'POST', path: '/applications/{id}/inspection', roles: ['staff'] }],
    table: 'readWrite',
  },
  createSettlement: {
    entry: 'functions/src/settlements/create/handler.ts',
    description: "Staff compute one programme's month for their district: a statement per provider from its service records; the month is settled once",
    http: [{ method: 'POST', path: '/settlements', roles: ['staff'] }],
    table: 'readWrite',
    timeoutSeconds: 30,
  },
  listSettlements: {
    entry: 'functions/src/settlements/list/handler.ts',
    description: "The district's statements, newest month first",
    http: [{ method: 'GET', path: '/settlements', roles: ['staff'] }],
    table: 'read',
  },
  getSettlement: {
    entry: 'functions/src/settlements/get/handler.ts',
    description: 'One statement with its lines',
    http: [{ method: 'GET', path: '/settlements/{id}', roles: ['staff'] }],
    table: 'read',
  },
  approveSettlement: {
    entry: 'functions/src/settlements/approve/handler.ts',
    description: 'Staff approve a statement once; one-off subsidies become SETTLED and the payment is announced',
    http: [{ method: 'POST', path: '/settlements/{id}/approve', roles: ['staff'] }],
    table: 'readWrite',
  },
  exportSettlement: {
    entry: 'functions/src/settlements/export/handler.ts',
    description: 'The payment file of an approved statement (CSV, UTF-8 with BOM)',
    http: [{ method: 'GET', path: '/settlements/{id}/export', roles: ['staff'] }],
    table: 'read',
  },
  registerProvider: {
    entry: 'functions/src/providers/register/handler.ts',
    description: 'Staff register a provider in their district',
    http: [{ method: 'POST', path: '/providers', roles: ['staff'] }],
    table: 'readWrite',
  },
  listProviders: {
    entry: 'functions/src/providers/list/handler.ts',
    description: "Providers of the staff member's district",
    http: [{ method: 'GET', path: '/providers', roles: ['staff'] }],
    table: 'read',
  },
  setProviderCapacity: {
    entry: 'functions/src/providers/capacity/handler.ts',
    description: 'A provider (or its district staff) declares capacity',
    http: [{ method: 'PUT', path: '/providers/{id}/capacity', roles: ['provider', 'staff'] }],
    table: 'readWrite',
  },
  runAllocationRound: {
    entry: 'functions/src/allocation/run-round/handler.ts',
    description: 'Staff start a district-wide allocation round for their district (202 with its id; allocateDistrict runs it)',
    http: [{ method: 'POST', path: '/allocation-rounds', roles: ['staff'] }],
    table: 'readWrite',
  },
  listAllocationRounds: {
    entry: 'functions/src/allocation/list-rounds/handler.ts',
    description: "The district's allocation rounds, newest first",
    http: [{ method: 'GET', path: '/allocation-rounds', roles: ['staff'] }],
    table: 'read',
  },
  getAllocationRound: {
    entry: 'functions/src/allocation/get-round/handler.ts',
    description: 'One allocation round: RUNNING, or COMPLETED with its outcome',
    http: [{ method: 'GET', path: '/allocation-rounds/{id}', roles: ['staff'] }],
    table: 'read',
  },
  supplyDemandReport: {
    entry: 'functions/src/reports/supply-demand/handler.ts',
    description: 'Demand, capacity, served in the optimal allocation, unmet demand and spare places by street and grid',
    http: [{ method: 'GET', path: '/reports/supply-demand', roles: ['staff'] }],
    table: 'read',
    timeoutSeconds: 30,
    memoryMb: 1024,
  },
  listProgrammes: {
    entry: 'functions/src/programmes/list/handler.ts',
    description: 'The programmes: names, whether open, policy version and the figures a form needs',
    http: [{ method: 'GET', path: '/programmes', roles: ALL }],
    table: 'read',
  },
  listProgrammeProviders: {
    entry: 'functions/src/programmes/providers/handler.ts',
    description: "A district's providers of one programme by name, street and declared places, for a family to rank (nurseries)",
    http: [{ method: 'GET', path: '/programmes/{type}/providers', roles: ALL }],
    table: 'read',
  },
  // ---- HTTP: anyone ---------------------------------------------------------------------
  health: {
    entry: 'functions/src/public/health/handler.ts',
    description: 'Liveness',
    http: [{ method: 'GET', path: '/health', roles: 'public' }],
    table: 'read',
  },
  openapi: {
    entry: 'functions/src/public/openapi/handler.ts',
    description: 'The OpenAPI 3.1 document, generated from the wiring and the zod schemas',
    http: [{ method: 'GET', path: '/openapi.json', roles: 'public' }],
    table: 'read',
  },
  // ---- Event consumers ------------------------------------------------------------------
  assessEligibility: {
    entry: 'functions/src/consumers/assess-eligibility/handler.ts',
    description: 'Applies eligibility and subsidy policy to a submitted application',
    subscription: { ...fromUs, 'detail-type': [ApplicationSubmitted.detailType] },
    table: 'readWrite',
    registryKey: true,
  },
  matchApplication: {
    entry: 'functions/src/consumers/match-application/handler.ts',
    description: 'Reserves the nearest admissible place and offers it, or waitlists',
    subscription: { ...fromUs, detail: { data: { applicationStatus: ['MATCHING'] } } },
    table: 'readWrite',
  },
  requeueWaitlisted: {
    entry: 'functions/src/consumers/requeue-waitlisted/handler.ts',
    description: "When room is released, offers it at that provider to the waitlist, in the programme's order",
    subscription: { ...fromUs, detail: { data: { releasedProviderId: [{ exists: true }] } } },
    table: 'readWrite',
  },
  allocateDistrict: {
    entry: 'functions/src/consumers/allocate-district/handler.ts',
    description: "Runs a requested allocation round (a programme's district waitlist, optimally) and records its outcome",
    subscription: { ...fromUs, 'detail-type': [AllocationRoundRequested.detailType] },
    table: 'readWrite',
    // One offer transaction per chosen resident: a large district takes minutes, not seconds.
    timeoutSeconds: 900,
    memoryMb: 1024,
  },
  expireOffers: {
    entry: 'functions/src/consumers/expire-offers/handler.ts',
    description: 'Expires offers past their deadline, releasing the place',
    schedule: 'rate(5 minutes)',
    table: 'readWrite',
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
