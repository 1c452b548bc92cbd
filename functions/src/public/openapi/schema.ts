import { z } from 'zod';
import * as getAllocationRound from '../../allocation/get-round/schema';
import * as listAllocationRounds from '../../allocation/list-rounds/schema';
import * as runAllocationRound from '../../allocation/run-round/schema';
import * as acceptOffer from '../../applications/accept-offer/schema';
import * as cancelApplication from '../../applications/cancel/schema';
import * as confirmPlan from '../../applications/confirm-plan/schema';
import * as declineOffer from '../../applications/decline-offer/schema';
import * as getApplication from '../../applications/get/schema';
import * as inspectJob from '../../applications/inspect/schema';
import * as listApplications from '../../applications/list/schema';
import * as submitApplication from '../../applications/submit/schema';
import * as acceptAssignment from '../../assignments/accept/schema';
import * as completeAssignment from '../../assignments/complete/schema';
import * as declineAssignment from '../../assignments/decline/schema';
import * as listAssignments from '../../assignments/list/schema';
import * as listServiceRecords from '../../assignments/list-records/schema';
import * as listVisits from '../../assignments/list-visits/schema';
import * as planJob from '../../assignments/plan/schema';
import * as recordMeals from '../../assignments/record-meals/schema';
import * as recordVisit from '../../assignments/record-visit/schema';
import * as listNotifications from '../../notifications/list/schema';
import * as listProgrammes from '../../programmes/list/schema';
import * as listProgrammeProviders from '../../programmes/providers/schema';
import * as setProviderCapacity from '../../providers/capacity/schema';
import * as listProviders from '../../providers/list/schema';
import * as registerProvider from '../../providers/register/schema';
import * as supplyDemandReport from '../../reports/supply-demand/schema';
import * as approveSettlement from '../../settlements/approve/schema';
import * as createSettlement from '../../settlements/create/schema';
import * as exportSettlement from '../../settlements/export/schema';
import * as getSettlement from '../../settlements/get/schema';
import * as listSettlements from '../../settlements/list/schema';
import * as approveSubsidy from '../../subsidies/approve/schema';
import * as listSubsidies from '../../subsidies/list/schema';
import * as rejectSubsidy from '../../subsidies/reject/schema';
import type { FUNCTIONS } from '../../wiring';
import * as health from '../health/schema';

export const request = {};
export const response = z
  .looseObject({
    openapi: z.literal('3.1.0'),
    info: z.looseObject({ title: z.string(), version: z.string() }),
    paths: z.record(z.string(), z.record(z.string(), z.unknown())),
  })
  .describe('This document / 接口文档');

type HttpFunction = { [K in keyof typeof FUNCTIONS]: (typeof FUNCTIONS)[K] extends { http: unknown } ? K : never }[keyof typeof FUNCTIONS];
export interface HttpSchemas {
  request: { body?: z.ZodType; query?: z.ZodType; path?: z.ZodType };
  /** The success body; its handler's return type is checked against it (lib/http.ts). */
  response: z.ZodType;
  /** The success status when it is not 200 (201 Created). */
  successStatus?: number;
  /** The success body's media type when it is not JSON (a CSV file). */
  contentType?: string;
}

/**
 * Each HTTP function's request and response schemas, as its own folder declares them. The type
 * makes this map complete: adding a route to the wiring without its schemas here does not compile.
 */
export const HTTP_SCHEMAS: Record<HttpFunction, HttpSchemas> = {
  submitApplication,
  listApplications,
  getApplication,
  cancelApplication,
  acceptOffer,
  declineOffer,
  confirmPlan,
  inspectJob,
  planJob,
  recordMeals,
  listServiceRecords,
  createSettlement,
  listSettlements,
  getSettlement,
  approveSettlement,
  exportSettlement,
  listAssignments,
  acceptAssignment,
  declineAssignment,
  completeAssignment,
  recordVisit,
  listVisits,
  listProgrammes,
  listProgrammeProviders,
  listNotifications,
  listSubsidies,
  approveSubsidy,
  rejectSubsidy,
  registerProvider,
  listProviders,
  setProviderCapacity,
  runAllocationRound,
  listAllocationRounds,
  getAllocationRound,
  supplyDemandReport,
  health,
  openapi: { request, response },
};
