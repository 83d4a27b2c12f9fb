// A user's history behind the API's list semantics, for the session loader's tests.
import { type ApiClient, ApiError, type SessionQuery } from '../../../viewer/src/api-client.js';
import type { Session } from '../../../viewer/src/api-types.js';
import type { SessionLoader } from '../../../viewer/src/session-loader.js';
import { plainSession } from './plain-session.js';

export const T0 = Date.UTC(2022, 0, 1);
export const HOUR = 3_600_000;

export function sessionAt(index: number): Session {
  const startedAt = T0 + index * 9 * HOUR;
  return plainSession(startedAt, startedAt + HOUR / 2, {
    userId: 'heavy',
    sessionId: `s${String(index).padStart(4, '0')}`,
    sessionNumber: index + 1,
    eventCount: 3,
    pageViews: 1,
  });
}

/**
 * The API's list semantics over an in-memory history: filters on start, cursors are offsets, or with
 * `positions` the start of the page's last session, as the API's are (so a page read after the history
 * changed goes on from where the one before it stopped, not from an offset the change moved).
 */
export function fakeClient(
  sessions: readonly Session[],
  options: { failOnCall?: number; emptyFirstPages?: boolean; positions?: boolean } = {},
) {
  const queries: SessionQuery[] = [];
  const client: ApiClient = {
    getUser: async () => {
      throw new Error('not used');
    },
    getSession: async () => {
      throw new Error('not used');
    },
    listSessions: async (userId, query) => {
      queries.push(query);
      if (queries.length === options.failOnCall) throw new ApiError(500, 'internal_error', 'Internal error');
      // The API may stop a page at its read budget before any session and hand back a cursor (docs/api.md).
      if (options.emptyFirstPages && query.cursor === undefined)
        return { userId, sessions: [], nextCursor: '0' };
      const matching = sessions.filter(
        (s) =>
          (query.from === undefined || s.startedAt >= query.from) &&
          (query.to === undefined || s.startedAt <= query.to),
      );
      if (query.order === 'desc') matching.reverse();
      if (options.positions) {
        const after = query.cursor === undefined ? undefined : Number(query.cursor);
        const rest = matching.filter((s) => after === undefined || s.startedAt < after);
        const page = rest.slice(0, query.limit);
        const last = page.at(-1);
        return {
          userId,
          sessions: page,
          nextCursor: rest.length > query.limit && last !== undefined ? String(last.startedAt) : null,
        };
      }
      const offset = query.cursor === undefined ? 0 : Number(query.cursor);
      const page = matching.slice(offset, offset + query.limit);
      const more = offset + query.limit < matching.length;
      return { userId, sessions: page, nextCursor: more ? String(offset + query.limit) : null };
    },
  };
  return { client, queries };
}

/** Resolves once the loader has stopped fetching. */
export async function settled(loader: SessionLoader): Promise<void> {
  for (let i = 0; i < 1000 && loader.loading; i++) await new Promise((resolve) => setTimeout(resolve, 0));
}
