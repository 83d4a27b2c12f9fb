import { describe, expect, it } from 'vitest';
import { PLANS } from '../../../bench/plan.js';

describe('bench plan', () => {
  // The realistic kind holds more distinct pages and user agents than the and peaks higher: the 1M
  // peak-RSS target must see it, not only the file.
  it('measures peak RSS at 1M events on each kind of file the full run measures throughput on', () => {
    const kinds = [...new Set(PLANS.full.throughput.map((file) => file.kind))];
    for (const kind of kinds) {
      expect(PLANS.full.memory).toContainEqual({ kind, events: 1_000_000, invocation: 'node' });
    }
  });
});
