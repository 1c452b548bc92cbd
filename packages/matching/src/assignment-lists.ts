import { type AssignmentProblem, type SolveAssignmentOptions, solveAssignment } from './assignment';
import { InvalidProblemError } from './errors';

/** The friendly, object-per-row form of an assignment problem (fine up to tens of thousands of arcs). */
export interface AssignmentLists<RId = string, PId = string> {
  residents: readonly { id: RId; options: readonly { providerId: PId; cost: number }[] }[];
  providers: readonly { id: PId; capacity: number }[];
}

export interface BuiltAssignmentProblem<RId, PId> {
  problem: AssignmentProblem;
  residentIds: RId[];
  providerIds: PId[];
}

/** Converts the friendly form to the CSR form, refusing unknown or duplicate ids. */
export function buildAssignmentProblem<RId, PId>(input: AssignmentLists<RId, PId>): BuiltAssignmentProblem<RId, PId> {
  const providerIndex = new Map<PId, number>();
  const capacity = new Int32Array(input.providers.length);
  input.providers.forEach((provider, p) => {
    if (providerIndex.has(provider.id)) {
      throw new InvalidProblemError(`provider ${p}: duplicate id ${String(provider.id)}`);
    }
    const c = provider.capacity;
    if (!Number.isInteger(c) || c < 0 || c > 0x7fffffff) {
      throw new InvalidProblemError(`provider ${String(provider.id)}: capacity ${c} is not a non-negative integer`);
    }
    providerIndex.set(provider.id, p);
    capacity[p] = c;
  });
  const residentSeen = new Set<RId>();
  let arcs = 0;
  for (const resident of input.residents) arcs += resident.options.length;
  const arcStart = new Int32Array(input.residents.length + 1);
  const arcProvider = new Int32Array(arcs);
  const arcCost = new Float64Array(arcs);
  let a = 0;
  input.residents.forEach((resident, r) => {
    if (residentSeen.has(resident.id)) throw new InvalidProblemError(`resident ${r}: duplicate id ${String(resident.id)}`);
    residentSeen.add(resident.id);
    resident.options.forEach((option, k) => {
      const p = providerIndex.get(option.providerId);
      if (p === undefined) {
        throw new InvalidProblemError(
          `resident ${String(resident.id)} option ${k}: provider ${String(option.providerId)} does not exist`,
        );
      }
      arcProvider[a] = p;
      arcCost[a] = option.cost;
      a++;
    });
    arcStart[r + 1] = a;
  });
  return {
    problem: {
      residentCount: input.residents.length,
      providerCount: input.providers.length,
      capacity,
      arcStart,
      arcProvider,
      arcCost,
    },
    residentIds: input.residents.map((resident) => resident.id),
    providerIds: input.providers.map((provider) => provider.id),
  };
}

export interface AssignmentByIds<RId, PId> {
  /** Every resident id, mapped to its provider id or null when unserved. */
  assignments: Map<RId, PId | null>;
  served: number;
  objective: number;
  /** Residents served per provider id. */
  used: Map<PId, number>;
}

/** `buildAssignmentProblem` + `solveAssignment`, with the answer keyed by id. */
export function solveAssignmentLists<RId, PId>(
  input: AssignmentLists<RId, PId>,
  options?: SolveAssignmentOptions,
): AssignmentByIds<RId, PId> {
  const built = buildAssignmentProblem(input);
  const result = solveAssignment(built.problem, options);
  const assignments = new Map<RId, PId | null>();
  built.residentIds.forEach((id, r) => {
    const p = result.assignment[r]!;
    assignments.set(id, p >= 0 ? built.providerIds[p]! : null);
  });
  const used = new Map<PId, number>();
  built.providerIds.forEach((id, p) => {
    used.set(id, result.used[p]!);
  });
  return { assignments, served: result.served, objective: result.objective, used };
}
