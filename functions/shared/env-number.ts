import * as z from './zod.js';

/**
 * Decimal digits, with white space around them allowed. Number() and zod's coerce would also take " " as 0,
 * "0x10" as 16, "0b11" as 3 and "1e3" as 1000, none of which anyone writing a size, a timeout, a port or a
 * count means.
 */
const DIGITS = /^\s*\d+\s*$/;

/** The number a text of decimal digits names, or undefined when it is anything else. */
export function wholeNumberFromText(text: string): number | undefined {
  return DIGITS.test(text) ? Number(text) : undefined;
}

/**
 * A variable holding a whole number of at least `min`, in decimal digits; refused, saying what it must be and
 * what it got, when it is anything else or unset. A blank variable that means unset is the caller's to say.
 */
export function wholeNumberVar(min: number) {
  return z.pipe(
    z.transform((value: unknown, payload): number => {
      const what = `a whole number of at least ${min}, in decimal digits`;
      if (value === undefined || value === '') {
        payload.issues.push({ code: 'custom', message: `must be set (${what})`, input: value });
        return z.NEVER;
      }
      const number = (typeof value === 'string' ? wholeNumberFromText(value) : undefined) ?? Number.NaN;
      if (Number.isSafeInteger(number) && number >= min) return number;
      payload.issues.push({
        code: 'custom',
        message: `must be ${what} (got ${JSON.stringify(value)})`,
        input: value,
      });
      return z.NEVER;
    }),
    z.number(),
  );
}
