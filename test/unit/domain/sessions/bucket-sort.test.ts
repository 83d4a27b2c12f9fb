import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bucketSort } from '../../../../functions/domain/sessions/bucket-sort.js';

describe('bucketSort', () => {
  it('groups values by key in their first order, ignoring entries past the counted ones', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 0, max: 5 }), fc.integer()), { maxLength: 50 }),
        fc.integer({ min: 0, max: 4 }),
        (pairs, spare) => {
          // Arrays with spare capacity at the end, as the collector's grow.
          const keys = new Int32Array(pairs.length + spare).fill(3);
          const values = new Int32Array(pairs.length + spare).fill(-1);
          const counts = new Int32Array(6);
          pairs.forEach(([key, value], index) => {
            keys[index] = key;
            values[index] = value;
            counts[key] = (counts[key] as number) + 1;
          });
          const { starts, items } = bucketSort(keys, values, counts);
          for (let key = 0; key < 6; key++) {
            const expected = pairs.filter(([k]) => k === key).map(([, value]) => value);
            expect(Array.from(items.subarray(starts[key], starts[key + 1]))).toEqual(expected);
          }
          expect(items).toHaveLength(pairs.length);
        },
      ),
    );
  });

  it('sorts into the start of the array it is given when that is long enough, else into a new one', () => {
    const keys = Int32Array.of(1, 0, 1);
    const values = Int32Array.of(10, 20, 30);
    const counts = Int32Array.of(1, 2);
    const scratch = new Int32Array(5).fill(-7);
    const { items } = bucketSort(keys, values, counts, scratch);
    expect(items.buffer).toBe(scratch.buffer);
    expect(Array.from(scratch)).toEqual([20, 10, 30, -7, -7]);
    const short = new Int32Array(2);
    const fresh = bucketSort(keys, values, counts, short).items;
    expect(fresh.buffer).not.toBe(short.buffer);
    expect(Array.from(fresh)).toEqual([20, 10, 30]);
  });
});
