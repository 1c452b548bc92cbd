import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import type { AssignmentProblem } from '../src/assignment';

export interface BinaryProblem extends AssignmentProblem {
  capacity: Int32Array;
  arcStart: Int32Array;
  arcProvider: Int32Array;
  arcCost: Float64Array;
}

/** Layout: Int32 header [R, P, A], capacity, arcStart, arcProvider (Int32), arcCost (Float64). */
export function writeProblem(file: string, problem: BinaryProblem): void {
  const { residentCount: R, providerCount: P } = problem;
  const A = problem.arcProvider.length;
  const header = Int32Array.from([R, P, A]);
  const ints = [header, problem.capacity, problem.arcStart, problem.arcProvider];
  let intBytes = 0;
  for (const part of ints) intBytes += part.byteLength;
  const padding = (8 - (intBytes % 8)) % 8;
  const buffer = Buffer.alloc(intBytes + padding + problem.arcCost.byteLength);
  let at = 0;
  for (const part of ints) {
    Buffer.from(part.buffer, part.byteOffset, part.byteLength).copy(buffer, at);
    at += part.byteLength;
  }
  at += padding;
  Buffer.from(problem.arcCost.buffer, problem.arcCost.byteOffset, problem.arcCost.byteLength).copy(buffer, at);
  writeFileSync(file, buffer);
}

export function readProblem(file: string): BinaryProblem {
  const bytes = readFileSync(file);
  const buffer = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
  const header = new Int32Array(buffer, 0, 3);
  const R = header[0]!;
  const P = header[1]!;
  const A = header[2]!;
  let at = 12;
  const capacity = new Int32Array(buffer, at, P);
  at += 4 * P;
  const arcStart = new Int32Array(buffer, at, R + 1);
  at += 4 * (R + 1);
  const arcProvider = new Int32Array(buffer, at, A);
  at += 4 * A;
  at += (8 - (at % 8)) % 8;
  const arcCost = new Float64Array(buffer, at, A);
  return { residentCount: R, providerCount: P, capacity, arcStart, arcProvider, arcCost };
}

export interface BinaryDemandProblem extends BinaryProblem {
  demand: Int32Array;
}

/** The assignment layout, then demand (Int32 per resident) appended after the costs. */
export function writeDemandProblem(file: string, problem: BinaryDemandProblem): void {
  writeProblem(file, problem);
  appendFileSync(file, Buffer.from(problem.demand.buffer, problem.demand.byteOffset, problem.demand.byteLength));
}

export function readDemandProblem(file: string): BinaryDemandProblem {
  const problem = readProblem(file);
  const bytes = readFileSync(file);
  const R = problem.residentCount;
  const at = bytes.byteLength - 4 * R;
  const demand = new Int32Array(R);
  Buffer.from(demand.buffer).set(bytes.subarray(at, at + 4 * R));
  return { ...problem, demand };
}
