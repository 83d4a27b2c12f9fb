import { describe, expect, it } from 'vitest';
import { addRange, missingRanges, removeRange } from '../../../viewer/src/coverage.js';

const INF = Number.POSITIVE_INFINITY;

describe('addRange', () => {
  it('merges overlapping and touching ranges and keeps the rest sorted', () => {
    let covered = addRange([], { from: 50, to: 60 });
    covered = addRange(covered, { from: 10, to: 20 });
    covered = addRange(covered, { from: 21, to: 30 });
    expect(covered).toEqual([
      { from: 10, to: 30 },
      { from: 50, to: 60 },
    ]);
    expect(addRange(covered, { from: 25, to: 55 })).toEqual([{ from: 10, to: 60 }]);
  });

  it('ignores an empty range', () => {
    expect(addRange([{ from: 1, to: 2 }], { from: 5, to: 4 })).toEqual([{ from: 1, to: 2 }]);
  });
});

describe('missingRanges', () => {
  const covered = [
    { from: 10, to: 20 },
    { from: 40, to: INF },
  ];

  it('returns the gaps inside the wanted range', () => {
    expect(missingRanges(covered, { from: 0, to: 100 })).toEqual([
      { from: 0, to: 9 },
      { from: 21, to: 39 },
    ]);
  });

  it('returns nothing when the wanted range is covered, even an unbounded one', () => {
    expect(missingRanges(covered, { from: 12, to: 18 })).toEqual([]);
    expect(missingRanges(covered, { from: 45, to: INF })).toEqual([]);
    expect(missingRanges([{ from: -INF, to: INF }], { from: -INF, to: INF })).toEqual([]);
  });

  it('returns the whole range when nothing is covered', () => {
    expect(missingRanges([], { from: -INF, to: INF })).toEqual([{ from: -INF, to: INF }]);
  });
});

describe('removeRange', () => {
  it('cuts a range out of those it overlaps, leaving the rest as they were', () => {
    const covered = [
      { from: -INF, to: 20 },
      { from: 40, to: INF },
    ];
    expect(removeRange(covered, { from: 10, to: 45 })).toEqual([
      { from: -INF, to: 9 },
      { from: 46, to: INF },
    ]);
    expect(removeRange(covered, { from: 25, to: 30 })).toEqual(covered);
    expect(removeRange(covered, { from: -INF, to: 20 })).toEqual([{ from: 40, to: INF }]);
    expect(missingRanges(removeRange(covered, { from: 50, to: 60 }), { from: 45, to: 70 })).toEqual([
      { from: 50, to: 60 },
    ]);
  });
});
