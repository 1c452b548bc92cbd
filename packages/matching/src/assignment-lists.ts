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

export type ListedResident<RId, PId> = { id: RId; options: readonly { providerId: PId; cost: number }[] };

/**
 * The lists → CSR conversion both friendly forms share: providers (duplicate ids and bad
 * capacities refused), then residents (duplicate ids and unknown providers refused).
 * `eachResident` runs before a resident's options are read; `strictOptions` also refuses a
 * provider listed twice and NaN, infinite or negative costs, naming the resident.
 */
export function listsToCsr<RId, PId, Res extends ListedResident<RId, PId>>(
  input: { residents: readonly Res[]; providers: readonly { id: PId; capacity: number }[] },
  eachResident?: (resident: Res, r: number, name: string) => void,
  strictOptions = false,
): {
  capacity: Int32Array;
  arcStart: Int32Array;
  arcProvider: Int32Array;
  arcCost: Float64Array;
  residentIds: RId[];
  providerIds: PId[];
} {
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
    const name = String(resident.id);
    if (residentSeen.has(resident.id)) throw new InvalidProblemError(`resident ${r}: duplicate id ${name}`);
    residentSeen.add(resident.id);
    eachResident?.(resident, r, name);
    const seenHere = strictOptions ? new Set<number>() : undefined;
    resident.options.forEach((option, k) => {
      const p = providerIndex.get(option.providerId);
      if (p === undefined) {
        throw new InvalidProblemError(`resident ${name} option ${k}: provider ${String(option.providerId)} does not exist`);
      }
      if (seenHere !== undefined) {
        if (seenHere.has(p)) {
          throw new InvalidProblemError(`resident ${name} option ${k}: provider ${String(option.providerId)} listed twice`);
        }
        seenHere.add(p);
        const c = option.cost;
        if (typeof c !== 'number' || Number.isNaN(c)) throw new InvalidProblemError(`resident ${name} option ${k}: cost is NaN`);
        if (!Number.isFinite(c)) throw new InvalidProblemError(`resident ${name} option ${k}: cost is infinite`);
        if (c < 0) throw new InvalidProblemError(`resident ${name} option ${k}: cost ${c} is negative`);
      }
      arcProvider[a] = p;
      arcCost[a] = option.cost;
      a++;
    });
    arcStart[r + 1] = a;
  });
  return {
    capacity,
    arcStart,
    arcProvider,
    arcCost,
    residentIds: input.residents.map((resident) => resident.id),
    providerIds: input.providers.map((provider) => provider.id),
  };
}

/** Converts the friendly form to the CSR form, refusing unknown or duplicate ids. */
export function buildAssignmentProblem<RId, PId>(input: AssignmentLists<RId, PId>): BuiltAssignmentProblem<RId, PId> {
  const { residentIds, providerIds, ...arrays } = listsToCsr<RId, PId, ListedResident<RId, PId>>(input);
  return {
    problem: { residentCount: input.residents.length, providerCount: input.providers.length, ...arrays },
    residentIds,
    providerIds,
  };
}

/** Per-index answers keyed by id: each resident's provider id (null when unserved) and each provider's use. */
export function answersByIds<RId, PId>(
  residentIds: readonly RId[],
  providerIds: readonly PId[],
  assignment: Int32Array,
  used: ArrayLike<number>,
): { assignments: Map<RId, PId | null>; used: Map<PId, number> } {
  const assignments = new Map<RId, PId | null>();
  residentIds.forEach((id, r) => {
    const p = assignment[r]!;
    assignments.set(id, p >= 0 ? providerIds[p]! : null);
  });
  const usedById = new Map<PId, number>();
  providerIds.forEach((id, p) => {
    usedById.set(id, used[p]!);
  });
  return { assignments, used: usedById };
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
  const { assignments, used } = answersByIds(built.residentIds, built.providerIds, result.assignment, result.used);
  return { assignments, served: result.served, objective: result.objective, used };
}
