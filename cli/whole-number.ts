// Numbers as people write them after an option or in a variable (ports, counts, shares, minutes): decimal
// digits, read as the functions read theirs (`PORT=" "` once asked for any free port).
import { wholeNumberFromText } from '../functions/shared/env-number.js';

export { wholeNumberFromText };

/** For a schema's preprocessing: text of digits as its number; anything else as given, to be refused. */
export function wholeNumberInput(value: unknown): unknown {
  return typeof value === 'string' ? (wholeNumberFromText(value) ?? value) : value;
}

/**
 * A decimal written in digits with one optional point (`0.05`, `.05`, `30`), or undefined: Number() would also
 * read `0x0` as 0, `1e-2` as 0.01 and `0.` as 0, as it reads the whole numbers the tools refuse.
 */
export function decimalFromText(text: string): number | undefined {
  const trimmed = text.trim();
  const [whole = '', fraction, ...more] = trimmed.split('.');
  if (more.length > 0 || /\s/.test(trimmed)) return undefined;
  const wholeDigits = whole === '' ? fraction !== undefined : wholeNumberFromText(whole) !== undefined;
  const fractionDigits = fraction === undefined || wholeNumberFromText(fraction) !== undefined;
  return wholeDigits && fractionDigits ? Number(trimmed) : undefined;
}

/** For a schema's preprocessing: text of a decimal as its number; anything else as given, to be refused. */
export function decimalInput(value: unknown): unknown {
  return typeof value === 'string' ? (decimalFromText(value) ?? value) : value;
}

/**
 * What a refusal says of the value given, when it was text that is no whole number. `quote` writes it: as JSON
 * for a message printed as it is (a variable's, by npm start), as it is for a usage error, which
 * usageErrorText escapes whole.
 */
export function gotText(input: unknown, quote: (text: string) => string = JSON.stringify): string {
  return typeof input === 'string' ? ` (got ${quote(input)})` : '';
}

/**
 * An option's whole number of at least `min`, in decimal digits, or a RangeError saying what it must be and
 * what was given (`quote` writes it, as {@link gotText}'s): Number() would also read `0x1000`, `1e4` and a
 * blank ` ` (as 0).
 */
export function wholeNumberOption(
  name: string,
  text: string,
  min: number,
  quote: (text: string) => string = JSON.stringify,
): number {
  const value = wholeNumberFromText(text) ?? Number.NaN;
  if (Number.isSafeInteger(value) && value >= min) return value;
  throw new RangeError(
    `--${name} must be a whole number of at least ${min}, in decimal digits${gotText(text, quote)}`,
  );
}
