import { describe, expect, it } from 'vitest';
import { MAX_LIMIT } from '../../../functions/api/query-params.js';
import {
  eventsForSessions,
  FailingSessionReader,
  FakeSessionReader,
} from '../../helpers/fake-session-reader.js';
import { call, query, userPath } from './api-event.js';
import { idOfSession, pageOf, sessionIds, walk } from './list-pages.js';
import { makeHandler, SESSION_SPACING_MS, T0 } from './lookup-fixture.js';

describe('GET /users/{userId}/sessions', () => {
  describe('pages', () => {
    it('lists newest first, 20 at most, asking the store for exactly that', async () => {
      const reader = FakeSessionReader.fromEvents(eventsForSessions('bob', 25, T0));
      const { handler } = makeHandler({ reader });
      const result = await call(handler, 'GET', userPath('bob', 'sessions'));
      expect(result.status).toBe(200);
      expect(reader.listQueries).toEqual([
        { userId: 'bob', order: 'desc', limit: 20, from: undefined, to: undefined, after: undefined },
      ]);
      expect(reader.listQueries[0]).not.toHaveProperty('matches');
      const page = pageOf(result);
      expect(page.userId).toBe('bob');
      expect(page.sessions).toHaveLength(20);
      expect(typeof page.nextCursor).toBe('string');
      // Session 24 (0-based) is a bounce: 24 % 3 = 0, one page view.
      expect(page.sessions[0]).toEqual({
        userId: 'bob',
        sessionNumber: 25,
        sessionId: '20240102T210000000Z',
        startedAt: '2024-01-02T21:00:00.000Z',
        endedAt: '2024-01-02T21:00:00.000Z',
        durationSeconds: 0,
        eventCount: 1,
        pageViews: 1,
        bounce: true,
        entryPage: { url: 'https://shop.example/24', path: '/24', title: 'Shop', referrer: null },
        exitPage: { url: 'https://shop.example/24', path: '/24', title: 'Shop', referrer: null },
        campaign: null,
        anonymousIds: [],
        device: null,
        firstEvent: 'Home',
        lastEvent: 'Home',
      });
    });

    it('reads the list again when a merge committed between the list and the user lookup', async () => {
      // The first list read saw the user before their first merge committed; the summary read after it.
      class CommitBetweenReads extends FakeSessionReader {
        private listed = 0;
        override async listSessions(query: Parameters<FakeSessionReader['listSessions']>[0]) {
          const page = await super.listSessions(query);
          return this.listed++ === 0 ? { sessions: [], hasMore: false } : page;
        }
      }
      const reader = CommitBetweenReads.fromEvents(eventsForSessions('carol', 3, T0));
      const { handler } = makeHandler({ reader });
      const result = await call(handler, 'GET', userPath('carol', 'sessions'));
      expect(result.status).toBe(200);
      expect(sessionIds(result)).toHaveLength(3);
      expect(reader.listQueries).toHaveLength(2);

      // A time window with no sessions is an honest empty page: no second read.
      const windowed = CommitBetweenReads.fromEvents(eventsForSessions('carol', 3, T0));
      const empty = await call(
        makeHandler({ reader: windowed }).handler,
        'GET',
        userPath('carol', 'sessions'),
        {
          query: `from=${new Date(T0 + 365 * 86_400_000).toISOString()}`,
        },
      );
      expect(empty.status).toBe(200);
      expect(sessionIds(empty)).toEqual([]);
      expect(windowed.listQueries).toHaveLength(1);
    });

    it('answers an empty page the store knows for its user without looking the user up', async () => {
      // A store that found the user with sessions says so (known): no summary read, no second list read.
      class KnownEmpty extends FakeSessionReader {
        summaryReads = 0;
        override async listSessions(query: Parameters<FakeSessionReader['listSessions']>[0]) {
          await super.listSessions(query);
          return { sessions: [], hasMore: false, known: true };
        }
        override async getUserSummary(userId: string) {
          this.summaryReads++;
          return super.getUserSummary(userId);
        }
      }
      const reader = KnownEmpty.fromEvents(eventsForSessions('carol', 3, T0));
      const result = await call(makeHandler({ reader }).handler, 'GET', userPath('carol', 'sessions'), {
        query: 'bounce=false',
      });
      expect(result.body).toEqual({ userId: 'carol', sessions: [], nextCursor: null });
      expect(reader.summaryReads).toBe(0);
      expect(reader.listQueries).toHaveLength(1);
    });

    it('reads a limit with leading zeros as the number it writes', async () => {
      const { handler } = makeHandler();
      const padded = await call(handler, 'GET', userPath('alice', 'sessions'), { query: 'limit=0002' });
      expect(padded.status).toBe(200);
      expect(sessionIds(padded)).toHaveLength(2);
    });

    it('returns nextCursor null on the last page', async () => {
      const { handler } = makeHandler();
      const result = await call(handler, 'GET', userPath('alice', 'sessions'), { query: 'limit=5' });
      expect(pageOf(result).nextCursor).toBeNull();
      expect(sessionIds(result)).toHaveLength(5);
    });

    it('walks every session exactly once in both orders, with and without from/to, numbered', async () => {
      const { handler } = makeHandler({
        reader: FakeSessionReader.fromEvents(eventsForSessions('many', 300, T0)),
      });
      const from = new Date(T0 + 40 * SESSION_SPACING_MS).toISOString();
      const to = new Date(T0 + 260 * SESSION_SPACING_MS).toISOString();
      for (const window of [{}, { from, to }]) {
        const [first, last] = 'from' in window ? [40, 260] : [0, 299];
        const expected = Array.from({ length: last - first + 1 }, (_, index) => first + index);
        for (const order of ['asc', 'desc'] as const) {
          const pages = await walk(handler, 'many', { ...window, order, limit: 37 });
          expect(pages).toHaveLength(Math.ceil(expected.length / 37));
          const numbers = pages.flatMap((page) => page.sessions.map((session) => session.sessionNumber));
          const ks = order === 'asc' ? expected : [...expected].reverse();
          expect(numbers).toEqual(ks.map((k) => k + 1));
          expect(pages.flatMap((page) => page.sessions.map((session) => session.sessionId))).toEqual(
            ks.map(idOfSession),
          );
        }
      }
    });

    it('bounds the start with from/to in any accepted ISO-8601 form, inclusive', async () => {
      const { handler } = makeHandler();
      // alice's sessions start at 09:00, 10:30, 12:00, 13:30, 15:00 UTC.
      const result = await call(handler, 'GET', userPath('alice', 'sessions'), {
        query: query({ from: '2024-01-01T11:30:00+01:00', to: '2024-01-01 13:30', order: 'asc' }),
      });
      expect(result.status).toBe(200);
      expect(sessionIds(result)).toEqual([
        '20240101T103000000Z',
        '20240101T120000000Z',
        '20240101T133000000Z',
      ]);
    });

    it('takes from equal to to as the one instant, listing the session that starts then', async () => {
      const { handler } = makeHandler();
      const result = await call(handler, 'GET', userPath('alice', 'sessions'), {
        query: query({ from: '2024-01-01T12:00:00Z', to: '2024-01-01T12:00:00Z' }),
      });
      expect(result.status).toBe(200);
      expect(sessionIds(result)).toEqual(['20240101T120000000Z']);
    });

    it('accepts a + offset sent as %2B', async () => {
      const { handler } = makeHandler();
      const result = await call(handler, 'GET', userPath('alice', 'sessions'), {
        query: 'from=2024-01-01T10:30:00%2B01:00',
      });
      expect(sessionIds(result)).toHaveLength(4);
    });

    it('is 200 with no sessions for a known user with none in range', async () => {
      const { handler } = makeHandler();
      const result = await call(handler, 'GET', userPath('alice', 'sessions'), {
        query: 'from=2030-01-01T00:00:00Z',
      });
      expect(result.status).toBe(200);
      expect(result.body).toEqual({ userId: 'alice', sessions: [], nextCursor: null });
    });

    it('is 404 User not found for an unknown user, with or without filters', async () => {
      const { handler } = makeHandler();
      for (const rawQuery of ['', 'bounce=true', 'from=2024-01-01T00:00:00Z&order=asc']) {
        const result = await call(handler, 'GET', userPath('nobody', 'sessions'), { query: rawQuery });
        expect(result.status).toBe(404);
        expect(result.body).toEqual({ error: { code: 'not_found', message: 'User not found' } });
      }
    });
  });

  describe('parameters', () => {
    const LIMIT = 'limit must be an integer from 1 to 50';
    const TIMESTAMP = 'must be an ISO-8601 date-time such as 2024-01-01T09:00:00Z (send a "+" offset as %2B)';
    it.each([
      ['limit=0', 'limit', LIMIT],
      ['limit=51', 'limit', LIMIT],
      ['limit=-1', 'limit', LIMIT],
      ['limit=1.5', 'limit', LIMIT],
      ['limit=abc', 'limit', LIMIT],
      ['limit=', 'limit', LIMIT],
      ['limit=1e2', 'limit', LIMIT],
      ['limit=%205', 'limit', LIMIT],
      ['limit=1000', 'limit', LIMIT],
      ['limit=0051', 'limit', LIMIT],
      ['limit=000', 'limit', LIMIT],
      ['order=up', 'order', 'order must be asc or desc'],
      ['order=ASC', 'order', 'order must be asc or desc'],
      ['order=', 'order', 'order must be asc or desc'],
      ['from=yesterday', 'from', `from ${TIMESTAMP}`],
      ['from=', 'from', `from ${TIMESTAMP}`],
      ['to=2024-13-01T00:00:00Z', 'to', `to ${TIMESTAMP}`],
      ['to=2024-02-30T00:00:00Z', 'to', `to ${TIMESTAMP}`],
      // An unencoded + is form-decoded to a space; the message says how to send it.
      ['from=2024-01-01T00:00:00+02:00', 'from', `from ${TIMESTAMP}`],
      ['from=2024-01-02T00:00:00Z&to=2024-01-01T00:00:00Z', 'from', 'from must not be after to'],
      // Well-formed, but 0000-01-01T00:00+01:00 is in year -1 in UTC.
      ['from=0000-01-01T00:00:00%2B01:00', 'from', 'from must fall within the years 0000 to 9999 in UTC'],
      ['cursor=', 'cursor', 'cursor must not be empty'],
      [
        'cursor=abc',
        'cursor',
        'cursor is not a valid cursor for this user, order and filter: pass the nextCursor of the page before, asked with the same parameters, or leave cursor out to start from the first page (a replaced signing key also ends every cursor)',
      ],
      // A cursor pasted twice, or with text after it, is over the length any cursor has: the same guidance.
      [
        `cursor=${'a'.repeat(257)}`,
        'cursor',
        'cursor is not a valid cursor for this user, order and filter: pass the nextCursor of the page before, asked with the same parameters, or leave cursor out to start from the first page (a replaced signing key also ends every cursor)',
      ],
      ['bounce=yes', 'bounce', 'bounce must be true or false'],
      ['bounce=TRUE', 'bounce', 'bounce must be true or false'],
      ['bounce=', 'bounce', 'bounce must be true or false'],
      ['campaignSource=', 'campaignSource', 'campaignSource must not be empty'],
      [
        `campaignSource=${'s'.repeat(1025)}`,
        'campaignSource',
        'campaignSource is longer than 1024 UTF-16 code units, which no shown campaign source is',
      ],
      [
        `campaignSource=${'s'.repeat(1023)}%F0%9F%98%80`,
        'campaignSource',
        'campaignSource is longer than 1024 UTF-16 code units, which no shown campaign source is',
      ],
      ['campaignSource=%F0%9F', 'campaignSource', 'campaignSource is not valid percent-encoded UTF-8'],
      [
        'order=asc&campaign%53ource=a%FFb',
        'campaignSource',
        'campaignSource is not valid percent-encoded UTF-8',
      ],
      ...['limit=5&limit=6', 'order=asc&order=asc', 'from=x&from=y', 'to=a&to=b', 'cursor=a&cursor=a'].map(
        (rawQuery) => [
          rawQuery,
          rawQuery.split('=')[0] as string,
          `${rawQuery.split('=')[0]} must be given at most once`,
        ],
      ),
      ['bounce=true&bounce=false', 'bounce', 'bounce must be given at most once'],
      ['campaignSource=a&campaignSource=b', 'campaignSource', 'campaignSource must be given at most once'],
    ])('is 400 for %s, naming %s, before any read', async (rawQuery, parameter, message) => {
      const { handler, logger } = makeHandler({ reader: new FailingSessionReader() });
      const result = await call(handler, 'GET', userPath('alice', 'sessions'), { query: rawQuery });
      expect(result.status).toBe(400);
      expect(result.body).toEqual({ error: { code: 'bad_request', message, parameter } });
      expect(logger.error).not.toHaveBeenCalled();
    });

    it('accepts the largest limit and a campaignSource of 1024 characters', async () => {
      const { handler } = makeHandler();
      const result = await call(handler, 'GET', userPath('alice', 'sessions'), {
        query: query({ limit: MAX_LIMIT, campaignSource: 's'.repeat(1024) }),
      });
      expect(result.status).toBe(200);
    });
  });
});
