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
