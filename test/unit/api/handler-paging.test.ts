// The list route's paging through the Lambda entry over the real reader and a mocked DynamoDB table
// (handler-harness.ts): pages across days and months, pages cut at their read units, the next page's size,
// and reads that meet a newer version of the user.
import { GetItemCommand, QueryCommand } from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from 'vitest';
import { record } from '../../helpers/event-arbitraries.js';
import { storedUser } from '../../helpers/stored-items.js';
import { query } from './api-event.js';
import {
  ALL_EVENTS,
  alice,
  chunky,
  ddb,
  expectSameAsReference,
  get,
  MINUTE,
  T0,
  useMockedTable,
} from './handler-harness.js';

const DAY = 24 * 60 * MINUTE;

/** One session a day for 260 days; only the last 10 came from the `late` campaign. */
const sparse = () =>
  Array.from({ length: 260 }, (_, k) =>
    record({
      id: `m:sparse-${k}`,
      userId: 'sparse',
      timestamp: T0 + k * DAY,
      campaign: k < 250 ? null : { source: 'late', medium: null, name: null, term: null, content: null },
    }),
  );

const headReads = () =>
  ddb.commandCalls(GetItemCommand).filter((call) => call.args[0].input.Key?.sk?.S === 'H').length;

const mocked = useMockedTable();

describe('handler (real reader over a mocked DynamoDB client)', () => {
  it('pages across days and months in both orders, numbering like the reference', async () => {
    for (const order of ['asc', 'desc'] as const) {
      const numbers: number[] = [];
      let cursor: string | undefined;
      do {
        const result = await expectSameAsReference(
          '/users/alice/sessions',
          query({ order, limit: 7, cursor }),
        );
        const body = result.body as { sessions: { sessionNumber: number }[]; nextCursor: string | null };
        numbers.push(...body.sessions.map((session) => session.sessionNumber));
        cursor = body.nextCursor ?? undefined;
      } while (cursor !== undefined);
      const expected = Array.from({ length: 40 }, (_, index) => index + 1);
      expect(numbers).toEqual(order === 'asc' ? expected : expected.reverse());
    }
  });

  it('stops a filtered page at its read units and resumes where it stopped, to the end of a long history', async () => {
    const stored = storedUser('sparse', sparse());
    mocked.table.put(stored.head, ...stored.items);
    const numbers: number[] = [];
    const scanned: number[] = [];
    const queried: number[] = [];
    let cursor: string | undefined;
    do {
      const itemsBefore = mocked.table.queriedItems;
      const queriesBefore = ddb.commandCalls(QueryCommand).length;
      const result = await get(
        '/users/sparse/sessions',
        query({ campaignSource: 'late', order: 'asc', ...(cursor !== undefined && { cursor }) }),
      );
      const page = result.body as { sessions: { sessionNumber: number }[]; nextCursor: string | null };
      scanned.push(mocked.table.queriedItems - itemsBefore);
      queried.push(ddb.commandCalls(QueryCommand).length - queriesBefore);
      numbers.push(...page.sessions.map((session) => session.sessionNumber));
      cursor = page.nextCursor ?? undefined;
    } while (cursor !== undefined);
    expect(numbers).toEqual([251, 252, 253, 254, 255, 256, 257, 258, 259, 260]);
    // 260 day items of ~300 bytes: no page reads more than its four read units' worth (16 KB), so the walk
    // takes several pages, each ending at a whole day with a cursor past it.
    expect(scanned.length).toBeGreaterThan(4);
    expect(Math.max(...scanned)).toBeLessThanOrEqual((16 * 1024) / 250);
    expect(scanned.reduce((sum, items) => sum + items, 0)).toBeLessThan(260 + 2 * scanned.length);
    expect(Math.max(...queried)).toBeLessThanOrEqual(4);
  });

  it('sizes a list query’s next page by the sessions still missing, not by the first guess', async () => {
    // 30 days of one session, then 30 days of three: the average (2 a day) over-guesses the first days.
    const uneven = Array.from({ length: 120 }, (_, k) => {
      const day = k < 30 ? k : 30 + Math.floor((k - 30) / 3);
      const slot = k < 30 ? 0 : (k - 30) % 3;
      return record({
        id: `m:uneven-${k}`,
        userId: 'uneven',
        timestamp: T0 + day * DAY + slot * 3 * 60 * MINUTE,
      });
    });
    const stored = storedUser('uneven', uneven);
    mocked.table.put(stored.head, ...stored.items);
    await expectSameAsReference('/users/uneven/sessions', 'order=asc', [...ALL_EVENTS, ...uneven]);
    const limits = ddb.commandCalls(QueryCommand).map((call) => call.args[0].input.Limit);
    // The first day's newest item (oldest first, it says whether the day is one page). Then 21 sessions
    // wanted at 2 a day: 12 day items. The 11 complete days hold 11 sessions, so 10 more are wanted: 6
    // items, raised to the 8 a read unit pays for anyway; 19 then, so 2 more: 8 again.
    expect(limits).toEqual([1, 12, 8, 8]);
  });

  describe('reads that meet a newer version', () => {
    /** alice again under version 2, one session longer: every day of hers is rewritten. */
    const version2 = () =>
      storedUser(
        'alice',
        [...alice(), record({ id: 'm:v2', userId: 'alice', timestamp: T0 + 40 * 90 * MINUTE })],
        {
          version: 2,
          stitchedSample: ['anon-1'],
        },
      );

    it('lists under the fresh head when a commit lands between the head read and the query', async () => {
      const next = version2();
      mocked.table.put(...next.items);
      mocked.table.afterGet = () => {
        mocked.table.afterGet = undefined;
        mocked.table.put(next.head);
      };
      const result = await get('/users/alice/sessions', 'limit=2');
      expect(result.status).toBe(200);
      const sessions = (result.body as { sessions: { sessionNumber: number }[] }).sessions;
      expect(sessions.map((session) => session.sessionNumber)).toEqual([41, 40]);
      expect(headReads()).toBe(3);
    });

    it('never shows the items of a write that has not committed', async () => {
      mocked.table.put(...version2().items);
      const result = await get('/users/alice/sessions', 'limit=2');
      const sessions = (result.body as { sessions: { sessionNumber: number }[] }).sessions;
      expect(sessions.map((session) => session.sessionNumber)).toEqual([40, 39]);
      // It looked again, found the same version, and served what is committed.
      expect(headReads()).toBe(2);
      expect((await get('/users/alice/sessions/20240202T210000000Z')).status).toBe(404);
    });

    it('walks newest first past days whose uncommitted newer pages sort first, skipping none of them', async () => {
      // Newest first, a day's pages of the newer write come before its committed ones: a page cut at a day
      // can end in such pages alone, and the day before them is still whole.
      mocked.table.put(...storedUser('alice', alice(), { version: 2, pageLimitBytes: 300 }).items);
      const numbers: number[] = [];
      let cursor: string | undefined;
      do {
        const result = await get('/users/alice/sessions', query({ cursor }));
        const page = result.body as { sessions: { sessionNumber: number }[]; nextCursor: string | null };
        numbers.push(...page.sessions.map((session) => session.sessionNumber));
        cursor = page.nextCursor ?? undefined;
      } while (cursor !== undefined);
      expect(numbers).toEqual(Array.from({ length: 40 }, (_, index) => 40 - index));
    });

    it('finds a session only the newer version holds once that version commits', async () => {
      const next = version2();
      mocked.table.put(...next.items);
      mocked.table.afterGet = () => {
        mocked.table.afterGet = undefined;
        mocked.table.put(next.head);
      };
      const result = await get('/users/alice/sessions/20240202T210000000Z');
      expect(result.status).toBe(200);
      expect(result.body).toMatchObject({ sessionNumber: 41, events: [{ id: 'm:v2' }] });
    });

    it('reads a session again when a newer commit has collected the chunks its version named', async () => {
      const old = storedUser('chunky', chunky(), { pageLimitBytes: 300 });
      const next = storedUser('chunky', chunky(61), { version: 2, pageLimitBytes: 300 });
      // The newer commit stored its items and collected the old chunks; the reader still holds the old head.
      mocked.table.put(...next.items);
      mocked.table.delete(...old.items.filter((item) => item.sk?.S?.startsWith('E#')));
      mocked.table.afterGet = () => {
        mocked.table.afterGet = undefined;
        mocked.table.put(next.head);
      };
      const result = await get('/users/chunky/sessions/20240131T090000000Z');
      expect(result.status).toBe(200);
      expect(result.body).toMatchObject({ eventCount: 61, lastEvent: 'Step 60' });
    });
  });
});
