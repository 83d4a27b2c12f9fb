/**
 * A stable counting sort of `values` by `keys`, over their first `sum(counts)` entries (`counts[b]` of them
 * have key b): bucket b's values are `items` from `starts[b]` up to `starts[b + 1]`. `items` is the start of
 * `into` when it is long enough, else a new array.
 */
export function bucketSort(keys: Int32Array, values: Int32Array, counts: Int32Array, into?: Int32Array) {
  const starts = new Int32Array(counts.length + 1);
  for (let bucket = 0; bucket < counts.length; bucket++)
    starts[bucket + 1] = (starts[bucket] as number) + (counts[bucket] as number);
  const total = starts[counts.length] as number;
  const items = into !== undefined && into.length >= total ? into.subarray(0, total) : new Int32Array(total);
  const fill = starts.slice(0, counts.length);
  for (let index = 0; index < total; index++) {
    const bucket = keys[index] as number;
    items[fill[bucket] as number] = values[index] as number;
    fill[bucket] = (fill[bucket] as number) + 1;
  }
  return { starts, items };
}

/**
 * Bucket `bucket`'s values as an array of numbers. A loop, not `Array.from` of a subarray: that goes through
 * the iterator protocol, one result object a value (about 60 MB of garbage at 1M events).
 */
export function bucketItems(sorted: { starts: Int32Array; items: Int32Array }, bucket: number): number[] {
  const end = sorted.starts[bucket + 1] as number;
  // Pushed, not written into `new Array(n)`: that array would stay holey, slower to read and sort.
  const values: number[] = [];
  for (let at = sorted.starts[bucket] as number; at < end; at++) values.push(sorted.items[at] as number);
  return values;
}
