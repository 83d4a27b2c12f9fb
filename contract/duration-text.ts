/**
 * A duration as the viewer and the CLI's HTML report say it (one formatter, so a session reads the same in
 * both): two units at most, the coarser first: `45 s`, `5 min 3 s`, `2 h 5 min`, `3 d 4 h`. Whole seconds,
 * a fraction dropped: a session's length and an event's offset are given as {@link clockSeconds}, so that
 * they agree with the start, end and event times shown beside them.
 */
export function formatDuration(seconds: number): string {
  const total = Math.max(0, Math.floor(seconds));
  if (total < 60) return `${total} s`;
  const units: [number, string][] = [
    [86_400, 'd'],
    [3_600, 'h'],
    [60, 'min'],
    [1, 's'],
  ];
  const index = units.findIndex(([size]) => total >= size);
  const [major, majorUnit] = units[index] as [number, string];
  const [minor, minorUnit] = units[index + 1] as [number, string];
  const majorCount = Math.floor(total / major);
  const minorCount = Math.floor((total % major) / minor);
  return minorCount === 0
    ? `${majorCount} ${majorUnit}`
    : `${majorCount} ${majorUnit} ${minorCount} ${minorUnit}`;
}

/**
 * The whole seconds from `fromMs` to `toMs` as a clock that shows whole seconds reads them: its second at
 * `toMs` less its second at `fromMs`. Times are shown so (08:00:00 for 08:00:00.137); counted from the exact
 * difference instead, 08:00:00.137 to 08:25:00.096 read 24 min 59 s between a start of 08:00:00 and an end
 * of 08:25:00.
 */
export function clockSeconds(fromMs: number, toMs: number): number {
  return Math.floor(toMs / 1000) - Math.floor(fromMs / 1000);
}

/** A session's length as the viewer and the report say it: whole seconds from its start to its end as shown. */
export function formatSessionLength(startedAtMs: number, endedAtMs: number): string {
  return formatDuration(clockSeconds(startedAtMs, endedAtMs));
}
