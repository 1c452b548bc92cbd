/** A validated problem with costs already scaled to integers (held in doubles). */
export interface IntegerProblem {
  R: number;
  P: number;
  capacity: Int32Array;
  arcStart: Int32Array;
  arcProvider: Int32Array;
  /** Non-negative integers. */
  cost: Float64Array;
}

/** The same with the integer cost of leaving a resident unserved (what makes "max served" first). */
export interface PenalisedProblem extends IntegerProblem {
  unservedCost: number;
}

/** The caller's array itself when it is already an Int32Array (never written to), else a copy. */
export function toInt32(values: ArrayLike<number>): Int32Array {
  return values instanceof Int32Array ? values : Int32Array.from(values);
}

/** The gcd of all costs (0 when all are 0). */
export function costGcd(cost: Float64Array): number {
  const A = cost.length;
  let divisor = 0;
  for (let a = 0; a < A; a++) {
    const c = cost[a]!;
    // Most costs are already multiples of the running gcd: skip Euclid for them.
    if (c % divisor !== 0 || divisor === 0) {
      divisor = gcd(divisor, c);
      if (divisor === 1) break;
    }
  }
  return divisor;
}

export function gcd(a: number, b: number): number {
  while (b !== 0) {
    const t = a % b;
    a = b;
    b = t;
  }
  return a;
}
