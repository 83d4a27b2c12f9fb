// Ascending numbers as stored indexes hold them: times as differences from the one before (short numbers
// that deflate well), and searched for the last at or before a value.

/** The index of the last of `sorted` (ascending, non-empty) at or before `value`; 0 when none is. */
export function lastAtOrBefore(sorted: readonly number[], value: number): number {
  let low = 0;
  let high = sorted.length - 1;
  while (low < high) {
    const middle = (low + high + 1) >>> 1;
    if ((sorted[middle] as number) <= value) low = middle;
    else high = middle - 1;
  }
  return low;
}

/** Each value less the one before it (the first less 0). */
export function differences(values: readonly number[]): number[] {
  return values.map((value, index) => value - (index === 0 ? 0 : (values[index - 1] as number)));
}

/** The values {@link differences} took apart. */
export function runningSums(deltas: readonly number[]): number[] {
  const sums: number[] = [];
  let sum = 0;
  for (const delta of deltas) {
    sum += delta;
    sums.push(sum);
  }
  return sums;
}
