import { minCostFlowForNumberNodes } from 'min-cost-flow';
import { munkres } from 'munkres';
import type { AssignmentProblem } from '../src/assignment';

export interface PeerOutcome {
  served: number;
  objective: number;
}

/**
 * npm `min-cost-flow` (successive shortest paths with a label-correcting search over dense
 * n × n cost and capacity matrices). Nodes: 0 = source, residents 1..R, providers
 * R+1..R+P, sink R+P+1. It maximises flow, then minimises cost: the same objective.
 */
export function solveWithMinCostFlow(problem: AssignmentProblem): PeerOutcome {
  const { residentCount: R, providerCount: P, capacity, arcStart, arcProvider, arcCost } = problem;
  const sink = R + P + 1;
  const edges: { from: number; to: number; capacity: number; cost: number }[] = [];
  for (let r = 0; r < R; r++) {
    if (arcStart[r + 1]! > arcStart[r]!) edges.push({ from: 0, to: r + 1, capacity: 1, cost: 0 });
  }
  for (let r = 0; r < R; r++) {
    for (let a = arcStart[r]!; a < arcStart[r + 1]!; a++) {
      edges.push({ from: r + 1, to: R + 1 + arcProvider[a]!, capacity: 1, cost: arcCost[a]! });
    }
  }
  // The sink must be the highest-numbered node: keep an arc into it even at capacity 0.
  for (let p = 0; p < P; p++) edges.push({ from: R + 1 + p, to: sink, capacity: capacity[p]!, cost: 0 });
  const solved = minCostFlowForNumberNodes(edges);
  let served = 0;
  let objective = 0;
  for (const edge of solved) {
    if (edge.from >= 1 && edge.from <= R && edge.to <= R + P && edge.flow > 0) {
      served += edge.flow;
      objective += edge.flow * edge.cost;
    }
  }
  return { served, objective };
}

/**
 * npm `munkres` (Hungarian algorithm, O(rows² · columns)): providers expanded into one
 * column per place, inadmissible pairs get cost BIG. It assigns min(rows, columns) pairs; a
 * pair at cost BIG is "unserved". BIG above the largest possible total real cost makes
 * "fewest BIG pairs, then least cost" its optimum: the same objective.
 */
export function solveWithMunkres(problem: AssignmentProblem): PeerOutcome {
  const { residentCount: R, providerCount: P, capacity, arcStart, arcProvider, arcCost } = problem;
  const slotStart = new Int32Array(P + 1);
  for (let p = 0; p < P; p++) slotStart[p + 1] = slotStart[p]! + capacity[p]!;
  const S = slotStart[P]!;
  let maxCost = 0;
  for (let a = 0; a < arcCost.length; a++) if (arcCost[a]! > maxCost) maxCost = arcCost[a]!;
  const BIG = (Math.min(R, S) + 1) * maxCost + 1;
  const matrix: Float64Array[] = [];
  for (let r = 0; r < R; r++) {
    const row = new Float64Array(S).fill(BIG);
    for (let a = arcStart[r]!; a < arcStart[r + 1]!; a++) {
      const p = arcProvider[a]!;
      for (let s = slotStart[p]!; s < slotStart[p + 1]!; s++) row[s] = Math.min(row[s]!, arcCost[a]!);
    }
    matrix.push(row);
  }
  if (R === 0 || S === 0) return { served: 0, objective: 0 };
  const pairs = munkres(matrix);
  let served = 0;
  let objective = 0;
  for (const [r, s] of pairs) {
    const c = matrix[r]![s]!;
    if (c < BIG) {
      served++;
      objective += c;
    }
  }
  return { served, objective };
}
