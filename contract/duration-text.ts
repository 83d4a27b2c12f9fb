/**
 * A duration as the viewer and the CLI's HTML report say it (one formatter, so a session reads the same in
 * both): two units at most, the coarser first: `45 s`, `5 min 3 s`, `2 h 5 min`, `3 d 4 h`. Whole seconds as a
 * clock counts them, as the session's start and end and its events' offsets show them: rounded, 0.999 s read
 * `1 s` beside a start and an end in the same second.
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
