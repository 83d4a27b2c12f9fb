import { describe, expect, it } from 'vitest';
import { EventIdArena } from '../../../../functions/domain/sessions/event-id-arena.js';

const UUID = 'ccb5fc2d-98f1-4246-8b09-d9d6d9beff91';

/** Ids packed (`m:` + a UUID of either case) and near misses kept as text, in no order. */
const IDS = [
  `m:${UUID}`,
  'm:00000000-0000-0000-0000-000000000000',
  'm:ffffffff-ffff-ffff-ffff-ffffffffffff',
  'm:ccb5fc2d-98f1-4246-8b09-d9d6d9beff90',
  'm:ccb5fc2d-98f1-4246-8b09-d9d6d9beff9',
  `m:${UUID.toUpperCase()}`,
  'm:CCB5FC2D-98F1-4246-8B09-D9D6D9BEFF90',
  'm:CCB5FC2D-98F1-4246-8B09-D9D6D9BEFf91',
  'm:12345678-1234-1234-1234-123456789012',
  'm:FFFFFFFF-FFFF-FFFF-FFFF-FFFFFFFFFFFF',
  'm:CCB5FC2D-98F1-4246-8B09-D9D6D9BEFF9G',
  'm:ccb5fc2d98f1-4246-8b09-d9d6d9beff91x',
  'm:ccb5fc2d-98f1-4246-8b09-d9d6d9beff9g',
  'm:ccb5fc2d-98f1-4246-8b09-d9d6d9beff9-',
  `m:${UUID}0`,
  `x:${UUID}`,
  `m:${UUID.slice(0, 8)}`,
  'm:ccb5fc2d-98f1-4246-8b09-d9d6d9beff91-',
  `é:${UUID}`,
  'm:ccb5fc2d-98f1-4246-8b09-d9d6d9bef~91',
];

function arenaOf(ids: readonly string[], asBytes: boolean): EventIdArena {
  const arena = new EventIdArena();
  ids.forEach((id, at) => {
    if (asBytes && id.startsWith('m:') && /^[\x20-\x7e]*$/.test(id)) {
      const bytes = Buffer.from(`..${id.slice(2)}..`, 'latin1');
      arena.storeMessageId(at, bytes, 2, bytes.length - 2);
    } else arena.store(at, id);
  });
  return arena;
}

describe('EventIdArena', () => {
  it('keeps an m: + UUID id of either case in 17 bytes instead of its 38', () => {
    for (const asBytes of [false, true]) {
      const one = arenaOf([`m:${UUID}`], asBytes);
      const upper = arenaOf([`m:${UUID.toUpperCase()}`], asBytes);
      const text = arenaOf([`m:${UUID.slice(0, 35)}F`], asBytes);
      expect(upper.heldBytes).toBe(one.heldBytes);
      expect(text.heldBytes - one.heldBytes).toBe(38 - 17);
    }
  });

  it('gives back, compares, matches and hashes packed ids as the texts they are', () => {
    for (const asBytes of [false, true]) {
      const arena = arenaOf(IDS, asBytes);
      IDS.forEach((id, at) => {
        expect(arena.text(at)).toBe(id);
      });
      for (let a = 0; a < IDS.length; a++) {
        for (let b = 0; b < IDS.length; b++) {
          const x = IDS[a] as string;
          const y = IDS[b] as string;
          expect(Math.sign(arena.compare(a, b))).toBe(x < y ? -1 : x > y ? 1 : 0);
          expect(arena.same(a, b)).toBe(x === y);
        }
      }
    }
  });

  it('keeps one id the same way whichever way it came, so copies meet', () => {
    for (const uuid of [UUID, UUID.toUpperCase(), '12345678-1234-1234-1234-123456789012']) {
      const arena = new EventIdArena();
      arena.store(0, `m:${uuid}`);
      const bytes = Buffer.from(uuid, 'latin1');
      arena.storeMessageId(1, bytes, 0, bytes.length);
      expect(arena.same(0, 1)).toBe(true);
      expect(arena.hash(0, 7)).toBe(arena.hash(1, 7));
      expect(arena.compare(0, 1)).toBe(0);
    }
  });

  it('orders packed ids among each other as their texts', () => {
    const hex = (n: number) => n.toString(16).padStart(12, '0');
    const ids = Array.from(
      { length: 5_000 },
      (_, k) => `m:0000${k % 10}abc-def0-1234-5678-${hex((k * 7919) % 5_000)}`,
    );
    // Uppercase pairs among them: each case packed its own way, and the two compared as texts.
    ids.forEach((id, k) => {
      if (k % 4 < 2) ids[k] = `m:${id.slice(2).toUpperCase()}`;
    });
    const arena = arenaOf(ids, false);
    for (let at = 1; at < ids.length; at++) {
      const x = ids[at - 1] as string;
      const y = ids[at] as string;
      expect(Math.sign(arena.compare(at - 1, at))).toBe(x < y ? -1 : x > y ? 1 : 0);
      expect(arena.text(at)).toBe(y);
    }
  });
});
