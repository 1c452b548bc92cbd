/**
 * Thrown when a problem handed to a solver in this package is malformed: a negative or
 * fractional capacity, a cost that is NaN, negative or infinite, an arc naming a provider
 * that does not exist, offsets that do not describe a valid CSR layout, and so on.
 *
 * The message always says what is wrong and where (`resident 12 arc 3: cost is NaN`), so
 * a caller can surface it to the person who prepared the data without re-deriving it.
 */
export class InvalidProblemError extends Error {
  override readonly name = 'InvalidProblemError';

  constructor(message: string) {
    super(message);
  }
}
