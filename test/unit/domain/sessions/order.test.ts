import { describe, expect, it } from 'vitest';
import { compareEvents, compareText } from '../../../../functions/domain/sessions/order.js';
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
