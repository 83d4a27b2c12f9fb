/** A session's duration is whole milliseconds below this: its seconds have at most three decimals. */
const MAX_EXACT_MS = 1e15;

/** The decimals of n thousandths as JavaScript writes them: 5 → '005', 50 → '05', 500 → '5'. */
const DECIMALS = Array.from({ length: 1000 }, (_, n) => String(n).padStart(3, '0').replace(/0+$/, ''));

/**
 * `String(seconds)`, byte for byte. A fraction's text costs V8 its shortest round-trip search, about as much
 * as the rest of a session's JSON number fields together; a duration is a whole number of milliseconds over
 * 1,000, whose shortest text is that decimal itself (below 10^12 s a double is far finer than a thousandth,
 * so no shorter decimal reads back as the same number), built here from its two integer parts.
 */
export function secondsText(seconds: number): string {
  const ms = Math.round(seconds * 1000);
  if (!(ms >= 0 && ms < MAX_EXACT_MS && ms / 1000 === seconds)) return String(seconds);
  const thousandths = ms % 1000;
  const whole = (ms - thousandths) / 1000;
  return thousandths === 0 ? String(whole) : `${whole}.${DECIMALS[thousandths]}`;
}
