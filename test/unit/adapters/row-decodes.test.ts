// How often the readers inflate a day page's session rows: once per item read, though a query's stop check
// and the reader's own pass each resolve the same items into pages of their own.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { loadWindow } from '../../../functions/adapters/dynamodb/day-loader.js';
import { decodeHead } from '../../../functions/adapters/dynamodb/head-codec.js';
import { DynamoDbSessionReader } from '../../../functions/adapters/dynamodb/session-reader.js';
import * as sessionRows from '../../../functions/adapters/dynamodb/session-rows.js';
import { Transport } from '../../../functions/adapters/dynamodb/transport.js';
import { record } from '../../helpers/event-arbitraries.js';
import { MockTable } from '../../helpers/mock-table.js';
import { storedUser } from '../../helpers/stored-items.js';

vi.mock('../../../functions/adapters/dynamodb/session-rows.js', async (importOriginal) => {
  const original = await importOriginal<typeof sessionRows>();
  return { ...original, decodeRowBlob: vi.fn(original.decodeRowBlob) };
});

const TABLE = 'sessions';
const HOUR = 3_600_000;
const T0 = Date.UTC(2024, 2, 1, 9);
const ddb = mockClient(DynamoDBClient);
const transport = new Transport({ client: new DynamoDBClient({}), tableName: TABLE, baseDelayMs: 1 });

/** A session a day for 20 days, of events 20 minutes apart; the 9th runs 30 hours, into the next day. */
const EVENTS = Array.from({ length: 20 }, (_, day) =>
  Array.from({ length: day === 8 ? 91 : 3 }, (_, k) =>
    record({ id: `m:${day}-${k}`, userId: 'u', timestamp: T0 + day * 24 * HOUR + (k * HOUR) / 3 }),
  ),
).flat();
const STORED = storedUser('u', EVENTS);

/** How many times each distinct row blob was inflated. */
function decodesPerBlob(): number[] {
  const counts = new Map<string, number>();
  for (const [blob] of vi.mocked(sessionRows.decodeRowBlob).mock.calls) {
    const key = Buffer.from(blob).toString('base64');
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return [...counts.values()];
}

beforeEach(() => {
  ddb.reset();
  const table = new MockTable(TABLE);
  table.put(STORED.head, ...STORED.items);
  table.serve(ddb);
  vi.mocked(sessionRows.decodeRowBlob).mockClear();
});

describe('session rows are inflated once per day page read', () => {
  it('by a merge window whose backward query checks days before it, then keeps one of them', async () => {
    const head = decodeHead(STORED.head);
    // An event on 10 March: the session of the 9th runs into it, so the stop check reads the 9th and the 8th.
    const at = T0 + 9 * 24 * HOUR + 30 * 60_000;
    const window = await loadWindow(transport, 'u', head, at, at);
    expect(window.days[0]?.day).toBe('2024-03-09');
    // The days loaded (the 9th, then the rest of the month) and the 8th, where the check stopped.
    expect(decodesPerBlob()).toHaveLength(window.days.length + 1);
    expect(decodesPerBlob().every((count) => count === 1)).toBe(true);
  });

  it('by a list page, which counts the sessions of the days read before it numbers them', async () => {
    const reader = new DynamoDbSessionReader(transport);
    const page = await reader.listSessions({
      userId: 'u',
      order: 'desc',
      limit: 15,
      to: T0 + 18 * 24 * HOUR,
    });
    expect(page.sessions).toHaveLength(15);
    expect(decodesPerBlob().length).toBeGreaterThanOrEqual(15);
    expect(decodesPerBlob().every((count) => count === 1)).toBe(true);
  });
});
