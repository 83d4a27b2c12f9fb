// Walks of the lookup API's pages by cursor, as a client reads a user's sessions and a session's events.
import type { ApiHandler } from '../../../functions/api/app.js';
import { decodedUserPath, gatewayEvent, send } from '../../unit/api/api-event.js';

/** More pages than any user of a scenario has: a walk past it repeats a cursor. */
const MAX_PAGES = 200;

export interface EventSeen {
  id: string;
  timestamp: string;
  anonymousId: string | null;
  type: string;
}

/** Every page of a user's sessions, by cursor. */
export async function listAll(handler: ApiHandler, user: string, limit: number, order: 'asc' | 'desc') {
  const sessions: unknown[] = [];
  let cursor: string | null = null;
  for (let pages = 0; pages < MAX_PAGES; pages++) {
    const query = `limit=${limit}&order=${order}${cursor === null ? '' : `&cursor=${encodeURIComponent(cursor)}`}`;
    const result = await send(handler, gatewayEvent('GET', decodedUserPath(user, 'sessions'), { query }));
    if (result.status !== 200) return { status: result.status, body: result.body };
    const body = result.body as { sessions: unknown[]; nextCursor: string | null };
    sessions.push(...body.sessions);
    cursor = body.nextCursor;
    if (cursor === null) return { status: 200, sessions };
  }
  throw new Error(`more than ${MAX_PAGES} pages of ${user}'s sessions`);
}

/** Every page of one session's events, by cursor, and the session as the first page gives it. */
export async function eventsAll(handler: ApiHandler, user: string, sessionId: string, limit: number) {
  const events: EventSeen[] = [];
  let cursor: string | null = null;
  let view: unknown;
  for (let pages = 0; pages < MAX_PAGES; pages++) {
    const query = `limit=${limit}${cursor === null ? '' : `&cursor=${encodeURIComponent(cursor)}`}`;
    const result = await send(
      handler,
      gatewayEvent('GET', decodedUserPath(user, 'sessions', sessionId), { query }),
    );
    if (result.status !== 200) return { status: result.status, body: result.body };
    const {
      events: page,
      nextCursor,
      ...session
    } = result.body as { events: EventSeen[]; nextCursor: string | null };
    view ??= session;
    events.push(
      ...page.map(({ id, timestamp, anonymousId, type }) => ({ id, timestamp, anonymousId, type })),
    );
    cursor = nextCursor;
    if (cursor === null) return { status: 200, view, events };
  }
  throw new Error(`more than ${MAX_PAGES} pages of session ${sessionId}`);
}
