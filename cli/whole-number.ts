// Whole numbers as people write them after an option or in a variable (ports, counts): decimal digits.
// `Number()` and zod's coerce would also take "" and " " as 0 (`PORT=" "` asked for any free port), "0x10" as
// 16 and "1e3" as 1000, none of which anyone means as a port or a count.
const DIGITS = /^\s*\d+\s*$/;

/** The number a text of decimal digits names, or undefined when it is anything else. */
export function wholeNumberFromText(text: string): number | undefined {
  return DIGITS.test(text) ? Number(text) : undefined;
}

/** For a schema's preprocessing: text of digits as its number; anything else as given, to be refused. */
export function wholeNumberInput(value: unknown): unknown {
  return typeof value === 'string' ? (wholeNumberFromText(value) ?? value) : value;
}

/** What a refusal says of the value given, when it was text that is no whole number. */
export function gotText(input: unknown): string {
  return typeof input === 'string' ? ` (got ${JSON.stringify(input)})` : '';
}
