import * as z from './zod.js';

/**
 * Decimal digits, with white space around them allowed as the CLI allows it (cli/whole-number.ts). Number()
 * and zod's coerce would also take " " as 0, "0x10" as 16, "0b11" as 3 and "1e3" as 1000, none of which an
 * operator writing a size or a timeout means.
 */
const DIGITS = /^\s*\d+\s*$/;

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
      const number = typeof value === 'string' && DIGITS.test(value) ? Number(value) : Number.NaN;
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
