import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compareEvents, compareText, inOrder } from '../../../../functions/domain/sessions/order.js';
import { record } from '../../../helpers/event-arbitraries.js';

describe('compareEvents', () => {
  it('orders by timestamp, then by event id in UTF-16 code units', () => {
    const events = [
      record({ id: 'm:b', timestamp: 2 }),
      record({ id: 'm:😀', timestamp: 1 }),
      record({ id: 'm:｡', timestamp: 1 }),
      record({ id: 'h:ff', timestamp: 1 }),
      record({ id: 'm:B', timestamp: 1 }),
    ];
    expect([...events].sort(compareEvents).map((event) => event.id)).toEqual([
      'h:ff',
      'm:B',
      'm:😀',
      'm:｡',
      'm:b',
    ]);
  });
});

describe('compareText', () => {
  it('compares by code units, not locale: Z before a, the surrogate pair before U+FF61', () => {
    expect(['a', 'Z', '｡', '😀'].sort(compareText)).toEqual(['Z', 'a', '😀', '｡']);
    expect(compareText('x', 'x')).toBe(0);
  });
});

describe('inOrder', () => {
  const byValue = (a: number, b: number) => a - b;

  it('says whether each item is no later than the next, equal neighbours included', () => {
    expect([[], [1], [1, 1, 2], [1, 3, 2], [2, 1]].map((items) => inOrder(items, byValue))).toEqual([
      true,
      true,
      true,
      false,
      false,
    ]);
  });

  it('agrees with sorting: a list is in order exactly when sorting leaves it as it is', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 5 }), { maxLength: 8 }), (items) => {
        const sorted = [...items].sort(byValue);
        expect(inOrder(items, byValue)).toBe(sorted.every((item, i) => item === items[i]));
      }),
    );
  });
});
