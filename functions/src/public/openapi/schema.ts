import type { z } from 'zod';
import { request as runAllocationRound } from '../../allocation/run-round/schema';
import { request as cancelApplication } from '../../applications/cancel/schema';
import { request as getApplication } from '../../applications/get/schema';
import { request as listApplications } from '../../applications/list/schema';
import { request as submitApplication } from '../../applications/submit/schema';
import { request as acceptAssignment } from '../../assignments/accept/schema';
import { request as completeAssignment } from '../../assignments/complete/schema';
import { request as declineAssignment } from '../../assignments/decline/schema';
import { request as listAssignments } from '../../assignments/list/schema';
import { request as setProviderCapacity } from '../../providers/capacity/schema';
import { request as listProviders } from '../../providers/list/schema';
import { request as registerProvider } from '../../providers/register/schema';
import { request as supplyDemandReport } from '../../reports/supply-demand/schema';
import { request as approveSubsidy } from '../../subsidies/approve/schema';
import { request as listSubsidies } from '../../subsidies/list/schema';
import { request as rejectSubsidy } from '../../subsidies/reject/schema';
import type { FUNCTIONS } from '../../wiring';

type HttpFunction = { [K in keyof typeof FUNCTIONS]: (typeof FUNCTIONS)[K] extends { http: unknown } ? K : never }[keyof typeof FUNCTIONS];
type RequestSchemas = { body?: z.ZodType; query?: z.ZodType; path?: z.ZodType };

/**
 * Each HTTP function's request schemas, as its own folder declares them. The type makes this map
 * complete: adding a route to the wiring without its schema here does not compile.
 */
export const REQUEST_SCHEMAS: Record<Exclude<HttpFunction, 'health' | 'openapi'>, RequestSchemas> = {
  submitApplication,
  listApplications,
  getApplication,
  cancelApplication,
  listAssignments,
  acceptAssignment,
  declineAssignment,
  completeAssignment,
  listSubsidies,
  approveSubsidy,
  rejectSubsidy,
  registerProvider,
  listProviders,
  setProviderCapacity,
  runAllocationRound,
  supplyDemandReport,
};
