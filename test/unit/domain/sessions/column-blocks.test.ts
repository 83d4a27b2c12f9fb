import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { indexes } from '../../../../functions/domain/sessions/column-blocks.js';

const BLOCK = 1 << 16;

describe('index columns', () => {
  it('give back every index and -1 (none), however the widths of their blocks grew', () => {
    const value = fc.oneof(
      fc.constant(-1),
      fc.integer({ min: 0, max: 300 }),
      fc.integer({ min: 0, max: 70_000 }),
      fc.integer({ min: 0, max: 0x7fff_fffe }),
    );
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat(3 * BLOCK), value), { maxLength: 300 }), (writes) => {
        const column = indexes();
        const expected = new Map<number, number>();
        // Columns fill in order: every position up to the largest written exists, none where not set.
        const last = Math.max(0, ...writes.map(([at]) => at));
        for (let at = 0; at <= last; at++) column.set(at, -1);
        for (const [at, index] of writes) {
          column.set(at, index);
          expected.set(at, index);
        }
        const wrong: number[] = [];
        for (let at = 0; at <= last; at++) if (column.get(at) !== (expected.get(at) ?? -1)) wrong.push(at);
        expect(wrong).toEqual([]);
      }),
      { numRuns: 40 },
    );
  });

  it('keeps what a block held when a later value widens it', () => {
    const column = indexes();
    column.set(0, 7);
    column.set(1, -1);
    column.set(2, 254);
    column.set(3, 255);
    column.set(4, 65_534);
    column.set(5, 65_535);
    column.set(BLOCK, 3);
    expect([0, 1, 2, 3, 4, 5, BLOCK].map((at) => column.get(at))).toEqual([
      7, -1, 254, 255, 65_534, 65_535, 3,
    ]);
  });

  it('keeps each column apart while their blocks hold none: a value set in one is in no other', () => {
    const [first, second] = [indexes(), indexes()];
    for (let at = 0; at < 2 * BLOCK; at++) {
      first.set(at, -1);
      second.set(at, -1);
    }
    first.set(BLOCK + 5, 9);
    second.set(5, 300);
    expect([first.get(5), first.get(BLOCK + 5), second.get(5), second.get(BLOCK + 5)]).toEqual([
      -1, 9, 300, -1,
    ]);
  });

  it('refuses an index no 32-bit block holds, rather than wrapping it', () => {
    const column = indexes();
    expect(() => column.set(0, 0x7fff_ffff)).toThrow(RangeError);
  });
});
