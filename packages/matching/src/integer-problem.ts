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
