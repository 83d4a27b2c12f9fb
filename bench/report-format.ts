/** Number and table formatting for the benchmark report. */

export type Verdict = 'PASS' | 'MISS';

export const verdict = (pass: boolean): Verdict => (pass ? 'PASS' : 'MISS');

export function fixed(value: number, digits: number): string {
  return value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

export const integer = (value: number) => fixed(value, 0);

const ONE_MILLION = 1_000_000;

/** 100000 → 100k, 1000000 → 1M. */
export function shortCount(value: number): string {
  if (value >= ONE_MILLION && value % ONE_MILLION === 0) return `${value / ONE_MILLION}M`;
  if (value >= 1000 && value % 1000 === 0) return `${value / 1000}k`;
  return integer(value);
}

/** Seconds from milliseconds, with one decimal. */
export const seconds = (ms: number) => fixed(ms / 1000, 1);

/** Decimal megabytes (10^6 bytes), as file sizes are usually given. */
export const megabytes = (bytes: number) => fixed(bytes / 1e6, 1);

export const ratio = (value: number) => `${fixed(value, 2)}×`;

export function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const line = (cells: readonly string[]) => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}
