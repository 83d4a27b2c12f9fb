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
    // Events 0 and 2 are owner 2's, 1 and 3 owner 4's.
    const groups = new CopyGroups(collidingColumns, (at) => (at % 2 === 0 ? 2 : 4));
    expect(groups.find(2, 0)).toBeUndefined();
    expect(groups.find(4, 1)).toBeUndefined();
    expect(groups.find(2, 2)).toBe(0);
    expect(groups.find(4, 3)).toBe(1);
    expect(groups.count).toBe(2);
    expect([groups.best[0], groups.best[1]]).toEqual([0, 1]);
  });

  it('hands its slots over as scratch of three int32s a group, and still finds copies after', () => {
    // Ids by event index: events 0-2 are three ids, event 3 a copy of event 1, event 4 a new id.
    const ids = ['a', 'b', 'c', 'b', 'd'];
    const columns = {
      hashId: (at: number, seed: number) => (ids[at] as string).charCodeAt(0) * 31 + seed,
      sameId: (a: number, b: number) => ids[a] === ids[b],
    } as unknown as EventColumns;
    const groups = new CopyGroups(columns, () => 2);
    for (const at of [0, 1, 2]) expect(groups.find(2, at)).toBeUndefined();
    const heldBefore = groups.heldBytes;
    const scratch = groups.endLookups();
    expect(scratch.length).toBeGreaterThanOrEqual(3 * groups.count);
    expect(groups.heldBytes).toBe(heldBefore - 4 * scratch.length);
    // Past the slots, one int32 a group: its best copy (its owner is read from that copy).
    expect(groups.heldBytes).toBe(4 * groups.best.length);
    scratch.fill(-1);
    expect(groups.find(2, 3)).toBe(1);
    expect(groups.find(2, 4)).toBeUndefined();
    expect(groups.count).toBe(4);
    expect(groups.endLookups().length).toBeGreaterThanOrEqual(3 * groups.count);
  });
});
