export {
  type AssignmentAlgorithm,
  type AssignmentProblem,
  type AssignmentResult,
  canServeMore,
  type SolveAssignmentOptions,
  solveAssignment,
  validateAssignmentProblem,
} from './assignment';
export {
  type AssignmentByIds,
  type AssignmentLists,
  type BuiltAssignmentProblem,
  buildAssignmentProblem,
  solveAssignmentLists,
} from './assignment-lists';
export {
  type DeferredAcceptanceChild,
  type DeferredAcceptanceInput,
  type DeferredAcceptanceResult,
  deferredAcceptance,
} from './deferred-acceptance';
export {
  type BuiltDemandAssignmentProblem,
  buildDemandAssignmentProblem,
  type DemandAssignmentByIds,
  type DemandAssignmentLists,
  type DemandAssignmentProblem,
  type DemandAssignmentResult,
  type SolveDemandAssignmentOptions,
  solveDemandAssignment,
  solveDemandAssignmentLists,
  validateDemandAssignmentProblem,
} from './demand-assignment';
export { InvalidProblemError } from './errors';
export { lotteryDraw, mulberry32 } from './prng';
export {
  type Candidate,
  createSpatialIndex,
  EARTH_RADIUS_METRES,
  haversineMetres,
  type LatLng,
  type SpatialIndex,
  type SpatialPoint,
} from './spatial';
