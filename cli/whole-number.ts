// Whole numbers as people write them after an option or in a variable (ports, counts): decimal digits, read
// as the functions read theirs (`PORT=" "` once asked for any free port).
import { wholeNumberFromText } from '../functions/shared/env-number.js';

export { wholeNumberFromText };

/** For a schema's preprocessing: text of digits as its number; anything else as given, to be refused. */
export function wholeNumberInput(value: unknown): unknown {
  return typeof value === 'string' ? (wholeNumberFromText(value) ?? value) : value;
}

/** What a refusal says of the value given, when it was text that is no whole number. */
export function gotText(input: unknown): string {
  return typeof input === 'string' ? ` (got ${JSON.stringify(input)})` : '';
}

/**
 * An option's whole number of at least `min`, in decimal digits, or a RangeError saying what it must be and
 * what was given: Number() would also read `0x1000`, `1e4` and a blank ` ` (as 0).
 */
export function wholeNumberOption(name: string, text: string, min: number): number {
  const value = wholeNumberFromText(text) ?? Number.NaN;
  if (Number.isSafeInteger(value) && value >= min) return value;
  throw new RangeError(
    `--${name} must be a whole number of at least ${min}, in decimal digits${gotText(text)}`,
  );
}
