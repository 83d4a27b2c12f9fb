// Walks of the lookup API's pages by cursor, as a client reads a user's sessions and a session's events.
import { expect } from 'vitest';
import { base64Id } from '../../../contract/index.js';
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

/** A user's path by its `~b64.` form: it names any id, a lone surrogate too, with paths decoded or not. */
export const b64UserPath = (user: string, ...rest: string[]) => ['/users', base64Id(user), ...rest].join('/');

export async function getPath(handler: ApiHandler, path: string, query = '') {
  return send(handler, gatewayEvent('GET', path, { query }));
}

const cursorQuery = (limit: number | undefined, cursor: string | null) =>
  [
    ...(limit === undefined ? [] : [`limit=${limit}`]),
    ...(cursor === null ? [] : [`cursor=${encodeURIComponent(cursor)}`]),
  ].join('&');

/**
 * The messageIds the API shows for `user`, sorted: every page of its sessions and of each session's events
 * (`eventLimit` unset: the API's own page size), each page the user's.
 */
export async function messageIdsOf(
  handler: ApiHandler,
  user: string,
  { sessionLimit, eventLimit }: { sessionLimit: number; eventLimit?: number },
): Promise<string[]> {
  const ids: string[] = [];
  let cursor: string | null = null;
  do {
    const page = await getPath(handler, b64UserPath(user, 'sessions'), cursorQuery(sessionLimit, cursor));
    expect(page.status, `${JSON.stringify(user)}: ${JSON.stringify(page.body)}`).toBe(200);
    const body = page.body as {
      userId: string;
      sessions: { sessionId: string }[];
      nextCursor: string | null;
    };
    expect(body.userId).toBe(user);
    for (const { sessionId } of body.sessions) {
      let eventCursor: string | null = null;
      do {
        const path = b64UserPath(user, 'sessions', sessionId);
        const one = await getPath(handler, path, cursorQuery(eventLimit, eventCursor));
        expect(one.status, `${JSON.stringify(user)}: ${JSON.stringify(one.body)}`).toBe(200);
        const session = one.body as {
          userId: string;
          events: { messageId: string }[];
          nextCursor: string | null;
        };
        expect(session.userId).toBe(user);
        ids.push(...session.events.map((event) => event.messageId));
        eventCursor = session.nextCursor;
      } while (eventCursor !== null);
    }
    cursor = body.nextCursor;
  } while (cursor !== null);
  return ids.sort();
}
