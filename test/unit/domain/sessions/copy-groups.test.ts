import { describe, expect, it } from 'vitest';
import { CopyGroups } from '../../../../functions/domain/sessions/copy-groups.js';
import type { EventColumns } from '../../../../functions/domain/sessions/event-columns.js';

/** Columns whose events all have one id, and whose id hash ignores the owner: every probe collides. */
const collidingColumns = {
  hashId: () => 42,
  sameId: () => true,
} as unknown as EventColumns;

describe('CopyGroups', () => {
  it('keeps copies of one id from two owners in two groups, even when their hashes collide (rule 3)', () => {
    const groups = new CopyGroups(collidingColumns);
    expect(groups.find(2, 0)).toBeUndefined();
    expect(groups.find(4, 1)).toBeUndefined();
    expect(groups.find(2, 2)).toBe(0);
    expect(groups.find(4, 3)).toBe(1);
    expect(groups.count).toBe(2);
    expect([groups.owners[0], groups.owners[1]]).toEqual([2, 4]);
  });
});
