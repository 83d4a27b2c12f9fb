import { describe, expect, it } from 'vitest';
import { MAX_LIMIT } from '../../../functions/api/query-params.js';
import { parseTimestamp } from '../../../functions/domain/rules/timestamp.js';
import { type ApiClient, ApiError } from '../../../viewer/src/api-client.js';
import type { Session } from '../../../viewer/src/api-types.js';
import { PAGE_SIZE, SessionLoader } from '../../../viewer/src/session-loader.js';
import { FIRST_INSTANT } from '../../../viewer/src/time-scale.js';
import { fakeClient, HOUR, sessionAt, settled } from './list-client.js';

const HISTORY = Array.from({ length: 2000 }, (_, i) => sessionAt(i));

describe('SessionLoader', () => {
  // The viewer bundle cannot import the API's routes (zod would come along), so the two are held equal here.
  it("pages by the API's largest limit", () => {
    expect(PAGE_SIZE).toBe(MAX_LIMIT);
  });

  it('starts with the newest page only', async () => {
    const { client, queries } = fakeClient(HISTORY);
    const loader = new SessionLoader(client, 'heavy', () => {});
    await loader.loadLatest();
    expect(queries).toEqual([{ order: 'desc', limit: PAGE_SIZE }]);
    expect(loader.sessions.map((s) => s.sessionId)).toEqual(
      HISTORY.slice(-PAGE_SIZE).map((s) => s.sessionId),
    );
    expect(loader.complete).toBe(false);
  });

  it('continues the open query with its cursor when the view moves into older sessions', async () => {
    const { client, queries } = fakeClient(HISTORY);
    const loader = new SessionLoader(client, 'heavy', () => {});
    await loader.loadLatest();
    // From half a page before the first page's oldest session to half a page after it.
    const oldestLoaded = HISTORY.length - PAGE_SIZE;
    loader.want({
      from: (HISTORY[oldestLoaded - PAGE_SIZE / 2] as Session).startedAt,
      to: (HISTORY[oldestLoaded + PAGE_SIZE / 2] as Session).startedAt,
    });
    await settled(loader);
    expect(queries.slice(1)).toEqual([{ order: 'desc', limit: PAGE_SIZE, cursor: String(PAGE_SIZE) }]);
    expect(loader.sessions).toHaveLength(2 * PAGE_SIZE);
    expect(loader.sessions[0]).toEqual(HISTORY[HISTORY.length - 2 * PAGE_SIZE]);
  });

  it('loads a far range and the session before it with one query, without fetching what lies between', async () => {
    const { client, queries } = fakeClient(HISTORY);
    const loader = new SessionLoader(client, 'heavy', () => {});
    await loader.loadLatest();
    loader.want({ from: (HISTORY[500] as Session).startedAt, to: (HISTORY[510] as Session).startedAt });
    await settled(loader);
    // Newest first from the range's end, on past its start to the page holding the session before it.
    expect(queries.slice(1)).toEqual([
      { order: 'desc', limit: PAGE_SIZE, to: (HISTORY[510] as Session).startedAt },
    ]);
    expect(loader.sessions.map((s) => s.sessionId)).toEqual(
      [...HISTORY.slice(511 - PAGE_SIZE, 511), ...HISTORY.slice(-PAGE_SIZE)].map((s) => s.sessionId),
    );
  });

  it('loads a session that started long before the range and runs into it, however long it lasted', async () => {
    // A bot's session of 40 days (no length cap), between sessions 9 hours apart.
    const longest = HISTORY[999] as Session;
    const long = { ...longest, endedAt: longest.startedAt + 40 * 24 * HOUR };
    const later = HISTORY.slice(1000).map((s) => ({
      ...s,
      startedAt: s.startedAt + 40 * 24 * HOUR,
      endedAt: s.endedAt + 40 * 24 * HOUR,
    }));
    const { client, queries } = fakeClient([...HISTORY.slice(0, 999), long, ...later]);
    const loader = new SessionLoader(client, 'heavy', () => {});
    await loader.loadLatest();
    // A day in the middle of the long session, up to the first session after it.
    const view = { from: long.endedAt - 24 * HOUR, to: (later[0] as Session).startedAt };
    loader.want(view);
    await settled(loader);
    expect(loader.sessions.map((s) => s.sessionId)).toContain(long.sessionId);
    expect(queries).toHaveLength(2);
  });

  it('loads a history of 2,000 sessions in pages when the whole of it is wanted', async () => {
    const { client, queries } = fakeClient(HISTORY);
    let changes = 0;
    const loader = new SessionLoader(client, 'heavy', () => changes++);
    await loader.loadLatest();
    loader.want({ from: Number.NEGATIVE_INFINITY, to: Number.POSITIVE_INFINITY });
    await settled(loader);
    expect(loader.complete).toBe(true);
    expect(loader.sessions.map((s) => s.sessionId)).toEqual(HISTORY.map((s) => s.sessionId));
    expect(queries).toHaveLength(2000 / PAGE_SIZE);
    expect(queries.slice(1).every((query) => query.cursor !== undefined)).toBe(true);
    expect(changes).toBeGreaterThanOrEqual(19);
  });

  it('knows a short history is complete after its first page', async () => {
    const { client } = fakeClient(HISTORY.slice(0, 12));
    const loader = new SessionLoader(client, 'heavy', () => {});
    await loader.loadLatest();
    expect(loader.complete).toBe(true);
  });

  it('stops on an error, keeps it for the view and tries again on retry', async () => {
    const { client, queries } = fakeClient(HISTORY, { failOnCall: 2 });
    const loader = new SessionLoader(client, 'heavy', () => {});
    await loader.loadLatest();
    loader.want({ from: (HISTORY[0] as Session).startedAt, to: (HISTORY[1999] as Session).startedAt });
    await settled(loader);
    expect(loader.error).toMatchObject({ status: 500, message: 'Internal error' });
    expect(queries).toHaveLength(2);
    loader.retry();
    await settled(loader);
    expect(loader.error).toBeNull();
    expect(loader.sessions).toHaveLength(2000);
  });

  it('drops what it loaded when a retry follows a refused cursor, so sessions cut two ways never mix', async () => {
    // A rebuild under a longer gap cut the user's sessions again: every two old sessions are one now.
    const old = HISTORY.slice(0, 200);
    const rebuilt = Array.from({ length: 100 }, (_, i) => {
      const first = old[2 * i] as Session;
      return { ...first, sessionId: `r${i}`, endedAt: (old[2 * i + 1] as Session).endedAt };
    });
    const { client } = fakeClient(old);
    const loader = new SessionLoader(client, 'heavy', () => {});
    await loader.loadLatest();
    // Cursors of the walk before the rebuild are refused; those of the rebuilt sessions ('n…') go on.
    const after = fakeClient(rebuilt).client;
    (client as { listSessions: ApiClient['listSessions'] }).listSessions = async (userId, query, signal) => {
      const { cursor } = query;
      if (cursor !== undefined && !cursor.startsWith('n'))
        throw new ApiError(400, 'bad_request', 'cursor: start the walk again (sessions were cut again)');
      const page = await after.listSessions(
        userId,
        { ...query, ...(cursor !== undefined && { cursor: cursor.slice(1) }) },
        signal,
      );
      return { ...page, nextCursor: page.nextCursor === null ? null : `n${page.nextCursor}` };
    };
    loader.want({ from: (old[0] as Session).startedAt, to: (old[199] as Session).startedAt });
    await settled(loader);
    expect(loader.error).toMatchObject({ status: 400 });
    loader.retry();
    await settled(loader);
    expect(loader.error).toBeNull();
    expect(loader.sessions.map((s) => s.sessionId)).toEqual(rebuilt.map((s) => s.sessionId));
  });

  it('asks again, on each retry, for the range the view asked for, not one wider each time', async () => {
    const { client, queries } = fakeClient(HISTORY, { failOnCall: 2 });
    const loader = new SessionLoader(client, 'heavy', () => {});
    await loader.loadLatest();
    const view = { from: (HISTORY[100] as Session).startedAt, to: (HISTORY[200] as Session).startedAt };
    loader.want(view);
    await settled(loader);
    const asked = queries[1];
    expect(asked).toEqual({ order: 'desc', limit: PAGE_SIZE, to: view.to });
    for (let attempt = 0; attempt < 3; attempt++) {
      (client as { listSessions: ApiClient['listSessions'] }).listSessions = async (_user, query) => {
        queries.push(query);
        throw new ApiError(500, 'internal_error', 'Internal error');
      };
      loader.retry();
      await settled(loader);
      expect(queries.at(-1)).toEqual(asked);
    }
  });

  it('goes on after a page that came back empty with a cursor, for the newest page and a far range', async () => {
    const { client, queries } = fakeClient(HISTORY, { emptyFirstPages: true });
    const loader = new SessionLoader(client, 'heavy', () => {});
    await loader.loadLatest();
    expect(loader.sessions).toHaveLength(PAGE_SIZE);
    loader.want({ from: (HISTORY[10] as Session).startedAt, to: (HISTORY[20] as Session).startedAt });
    await settled(loader);
    // The range's sessions and every one before it: the range's query has no lower bound (the session
    // before the range may reach into it), and the 21 fit one page.
    expect(loader.sessions.slice(0, 21)).toEqual(HISTORY.slice(0, 21));
    expect(queries.filter((query) => query.cursor === '0')).toHaveLength(2);
  });
});

describe('SessionLoader at the ends of time', () => {
  // A .NET DateTime.MinValue (0001-01-01) in an export is a session of its own (rule 1's years 0000 to 9999).
  const minValue = new Date(0);
  minValue.setUTCFullYear(1, 0, 1); // Date.UTC reads years 0-99 as 1900-1999.
  const history: Session[] = [
    {
      ...sessionAt(0),
      sessionId: 'ancient',
      startedAt: minValue.getTime(),
      endedAt: minValue.getTime() + HOUR,
    },
    ...HISTORY.slice(0, 2 * PAGE_SIZE),
  ];

  it('asks the API only for bounds it can read when the view reaches past year 0000', async () => {
    const { client, queries } = fakeClient(history);
    const loader = new SessionLoader(client, 'heavy', () => {});
    await loader.loadLatest();
    // A link to the oldest session: the timeline centres it in a window two years wide, held within year
    // 0000, and asks for a quarter of that beyond each edge.
    const year = 365 * 24 * HOUR;
    loader.want({ from: FIRST_INSTANT - year / 2, to: FIRST_INSTANT + 2.5 * year });
    await settled(loader);
    expect(loader.error).toBeNull();
    // What the API client sends: an ISO date-time of the years 0000 to 9999, which the API parses.
    for (const query of queries.slice(1)) {
      for (const bound of [query.from, query.to]) {
        if (bound !== undefined) expect(parseTimestamp(new Date(bound).toISOString())).toBe(bound);
      }
    }
    expect(loader.sessions[0]?.sessionId).toBe('ancient');
  });

  it('drops the numbers read before the API renumbered the sessions, keeping those of the pages read since', async () => {
    const history = HISTORY.slice();
    const { client } = fakeClient(history);
    const loader = new SessionLoader(client, 'heavy', () => {});
    await loader.loadLatest();
    // A late event made a session before all others: every number moves up by one.
    history.unshift(sessionAt(-1));
    history.splice(0, history.length, ...history.map((s, i) => ({ ...s, sessionNumber: i + 1 })));
    loader.want({
      from: (history[history.length - 2 * PAGE_SIZE] as Session).startedAt,
      to: (history[history.length - PAGE_SIZE] as Session).startedAt,
    });
    await settled(loader);
    expect(loader.renumbered).toBe(true);
    expect(loader.sessions.slice(-PAGE_SIZE).map((s) => s.sessionNumber)).toEqual(
      Array(PAGE_SIZE).fill(null),
    );
    const numbered = loader.sessions.filter((s) => s.sessionNumber !== null);
    expect(numbered.length).toBeGreaterThanOrEqual(PAGE_SIZE);
    for (const session of numbered) {
      expect(session.sessionNumber).toBe(history.findIndex((s) => s.sessionId === session.sessionId) + 1);
    }
  });

  it('keeps every number while the history does not change, loaded in any order', async () => {
    const { client } = fakeClient(HISTORY);
    const loader = new SessionLoader(client, 'heavy', () => {});
    await loader.loadLatest();
    loader.want({ from: (HISTORY[300] as Session).startedAt, to: (HISTORY[400] as Session).startedAt });
    await settled(loader);
    loader.want({ from: Number.NEGATIVE_INFINITY, to: Number.POSITIVE_INFINITY });
    await settled(loader);
    expect(loader.complete).toBe(true);
    expect(loader.renumbered).toBe(false);
    expect(loader.sessions.map((s) => s.sessionNumber)).toEqual(HISTORY.map((s) => s.sessionNumber));
  });
});
