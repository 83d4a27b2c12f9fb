/**
 * Which stretches of a user's history are loaded. Ranges are of session start times in epoch ms, both ends
 * inclusive; ±Infinity stands for "no bound".
 */
export interface TimeRange {
  readonly from: number;
  readonly to: number;
}

/** Adds a range, merging the ones it overlaps or touches; the result stays sorted and disjoint. */
export function addRange(covered: readonly TimeRange[], range: TimeRange): TimeRange[] {
  if (range.from > range.to) return [...covered];
  const result: TimeRange[] = [];
  let merged = range;
  for (const existing of covered) {
    if (existing.to < merged.from - 1 || existing.from > merged.to + 1) {
      result.push(existing);
    } else {
      merged = { from: Math.min(existing.from, merged.from), to: Math.max(existing.to, merged.to) };
    }
  }
  result.push(merged);
  return result.sort((a, b) => a.from - b.from);
}

/** `covered` without `range`: a stretch whose sessions are to be read again. */
export function removeRange(covered: readonly TimeRange[], range: TimeRange): TimeRange[] {
  if (range.from > range.to) return [...covered];
  const result: TimeRange[] = [];
  for (const existing of covered) {
    if (existing.to < range.from || existing.from > range.to) {
      result.push(existing);
      continue;
    }
    if (existing.from < range.from) result.push({ from: existing.from, to: range.from - 1 });
    if (existing.to > range.to) result.push({ from: range.to + 1, to: existing.to });
  }
  return result;
}

/** The parts of `wanted` no covered range holds, in time order. */
export function missingRanges(covered: readonly TimeRange[], wanted: TimeRange): TimeRange[] {
  if (wanted.from > wanted.to) return [];
  const missing: TimeRange[] = [];
  let cursor = wanted.from;
  for (const range of covered) {
    if (range.to < cursor) continue;
    if (range.from > wanted.to) break;
    if (range.from > cursor) missing.push({ from: cursor, to: range.from - 1 });
    if (range.to >= wanted.to) return missing;
    cursor = range.to + 1;
  }
  missing.push({ from: cursor, to: wanted.to });
  return missing;
}
