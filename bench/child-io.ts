/** What every child measurement script shares; kept free of imports so it adds nothing to a child's RSS. */

/** Peak resident set size of this process so far, in MiB (maxRSS is in KiB). */
export function peakRssMiB(): number {
  return process.resourceUsage().maxRSS / 1024;
}

/** The parent reads the last stdout line as the result. */
export function printResult(result: object): void {
  process.stdout.write(`${JSON.stringify(result)}\n`);
}
