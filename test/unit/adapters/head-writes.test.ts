// The head's writes besides a merge's commit (an intent registered or abandoned, an erasure's marks) read
// back through decodeHead, and a scan of heads filters by the names it reads: one spelling of each name.
import { describe, expect, it } from 'vitest';
import {
  anonymousErased,
  ERASED,
  markedHeadUpdate,
} from '../../../functions/adapters/dynamodb/erased-heads.js';
import type { Intent } from '../../../functions/adapters/dynamodb/head.js';
import { decodeHead, HEAD_SCAN_NAMES, versionItem } from '../../../functions/adapters/dynamodb/head-codec.js';
import { abandonIntent, registerIntent } from '../../../functions/adapters/dynamodb/intents.js';
import type { Item, Key, Transport } from '../../../functions/adapters/dynamodb/transport.js';
import { EMPTY_TOTALS } from '../../../functions/domain/store/stored.js';
import { applyUpdate, headItem } from '../../helpers/stored-items.js';

const MERGE: Intent = { version: 3, firstDay: '2024-05-01', lastDay: '2024-05-02', at: 7, partners: [] };
const MOVE: Intent = { version: 3, firstDay: '2024-05-03', lastDay: '2024-05-03', at: 8, partners: ['v'] };

/** One head held in memory, written as DynamoDB would apply each put and update (conditions unchecked). */
function headStore(item: Item | undefined) {
  let head = item;
  const transport = {
    async put(written: Item) {
      head = written;
    },
    async update(key: Key, update: Parameters<typeof applyUpdate>[1]) {
      head = applyUpdate(head ?? { ...key }, update);
      return undefined;
    },
    async query() {
      return [];
    },
    async deleteKeys() {},
  } as unknown as Transport;
  return { transport, item: () => head ?? {}, read: () => decodeHead(head) };
}

const committed = () =>
  headItem('u', {
    version: 2,
    txn: 'tx2',
    lastDay: '2024-05-02',
    recent: [{ version: 2, txn: 'tx2', at: 1, afterDay: undefined }],
    rules: 'r',
    totals: { ...EMPTY_TOTALS, sessionCount: 4, eventCount: 9, dayCount: 2, firstSeenAt: 1, lastSeenAt: 5 },
    link: { userId: 'w', timestamp: 1, eventId: 'e', canonical: '{"x":1}' },
    stitchedCount: 1,
    stitchedSample: ['a'],
    parked: new Uint8Array([1]),
  });

describe('an intent', () => {
  it('registered in a head not yet stored, or in one committed, reads back as registered', async () => {
    const fresh = headStore(undefined);
    await registerIntent(fresh.transport, 'u', fresh.read(), 'tx3', MERGE);
    expect(fresh.read()).toMatchObject({ exists: true, version: 0, txn: '' });
    expect(fresh.read().intents).toEqual(new Map([['tx3', MERGE]]));
    const stored = headStore(committed());
    await registerIntent(stored.transport, 'u', stored.read(), 'tx3', MOVE);
    expect(stored.read().intents).toEqual(new Map([['tx3', MOVE]]));
    expect(stored.read().version).toBe(2);
  });

  it('abandoned, is gone from the head, the others staying', async () => {
    const store = headStore(committed());
    await registerIntent(store.transport, 'u', store.read(), 'tx3', MERGE);
    await registerIntent(store.transport, 'u', store.read(), 'tx4', MOVE);
    await abandonIntent(store.transport, 'u', 'tx3', MERGE);
    expect(store.read().intents).toEqual(new Map([['tx4', MOVE]]));
  });
});

describe('an erasure’s mark', () => {
  it('of an erased id reads back erased, with totals of nothing, a link without its event, and its moves', async () => {
    const store = headStore(committed());
    await registerIntent(store.transport, 'u', store.read(), 'tx3', MERGE);
    await registerIntent(store.transport, 'u', store.read(), 'tx4', MOVE);
    const read = store.read();
    const recent = [{ version: 3, txn: 'tx5', at: 9, afterDay: '2024-05-02' }];
    const marked = decodeHead(
      applyUpdate(store.item(), markedHeadUpdate(ERASED, read, { version: 3, txn: 'tx5', recent })),
    );
    expect(marked).toMatchObject({
      erased: true,
      anonymousErased: false,
      version: 3,
      txn: 'tx5',
      recent,
      rules: 'r',
      totals: EMPTY_TOTALS,
      lastDay: undefined,
      link: { userId: 'w', timestamp: 1, eventId: 'e', canonical: '' },
      stitchedCount: 0,
      stitchedSample: [],
      parked: undefined,
    });
    // A merge's intent goes (the new version keeps it from committing); a move's stays, the trail to its pages.
    expect(marked.intents).toEqual(new Map([['tx4', MOVE]]));
  });

  it('of an anonymousId sets its flag alone, beside the new version', () => {
    const read = decodeHead(committed());
    const marked = decodeHead(
      applyUpdate(
        committed(),
        markedHeadUpdate(anonymousErased('w'), read, { version: 3, txn: 'tx5', recent: [] }),
      ),
    );
    expect(marked).toEqual({
      ...read,
      anonymousErased: true,
      version: 3,
      txn: 'tx5',
      recent: [],
      link: read.link && { ...read.link, canonical: '' },
    });
  });

  it('where no head was stored, creates one that reads back marked', () => {
    const FIRST = { version: 1, txn: 'tx1', recent: [] };
    const erased = decodeHead(versionItem('u', FIRST, ERASED.parts));
    expect(erased).toMatchObject({
      exists: true,
      erased: true,
      version: 1,
      txn: 'tx1',
      totals: EMPTY_TOTALS,
    });
    expect(erased.intents).toEqual(new Map());
    const anonymous = decodeHead(versionItem('a', FIRST, anonymousErased('u').parts));
    expect(anonymous).toMatchObject({ exists: true, erased: false, anonymousErased: true, version: 1 });
  });
});

describe('the names a scan of heads filters by', () => {
  it('are those the head is read by', () => {
    const link = { userId: 'w', timestamp: 1, eventId: 'e', canonical: '' };
    const head = decodeHead({
      [HEAD_SCAN_NAMES.rules]: { S: 'r' },
      [HEAD_SCAN_NAMES.erased]: { BOOL: true },
      [HEAD_SCAN_NAMES.offersPending]: { S: 'tx2' },
      [HEAD_SCAN_NAMES.link]: { S: JSON.stringify(link) },
      [HEAD_SCAN_NAMES.anonymousErased]: { BOOL: true },
    });
    expect(head).toMatchObject({
      rules: 'r',
      erased: true,
      offersPending: 'tx2',
      link,
      anonymousErased: true,
    });
  });
});
