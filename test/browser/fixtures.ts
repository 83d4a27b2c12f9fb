// Canned lookup-API data for the viewer's browser tests, in the API's JSON shapes.

export interface ApiPage {
  url: string | null;
  path: string | null;
  title: string | null;
  referrer: string | null;
}

export interface ApiSession {
  userId: string;
  sessionId: string;
  sessionNumber: number;
  startedAt: string;
  endedAt: string;
  durationSeconds: number;
  eventCount: number;
  /** Null when the API knows no page views for the session (drawn grey). */
  pageViews: number | null;
  bounce: boolean;
  entryPage: ApiPage | null;
  exitPage: ApiPage | null;
  campaign: {
    source: string | null;
    medium: string | null;
    name: string | null;
    term: null;
    content: null;
  } | null;
  anonymousIds: string[];
  device: { type: string | null; os: string | null; browser: string | null } | null;
  firstEvent: string;
  lastEvent: string;
}

export interface ApiEvent {
  id: string;
  messageId: string | null;
  type: 'identify' | 'track' | 'page' | 'screen' | 'group' | 'alias';
  timestamp: string;
  name: string | null;
  url: string | null;
  path: string | null;
  title: string | null;
  anonymousId: string | null;
}

export interface ApiUser {
  userId: string;
  sessionCount: number;
  eventCount: number;
  firstSeenAt: string;
  lastSeenAt: string;
  anonymousIds: { count: number; items: string[] };
  stitchedTo: string | null;
}

export interface FakeUser {
  summary: ApiUser;
  /** By start, oldest first. */
  sessions: ApiSession[];
  events(sessionId: string): ApiEvent[];
}

const MINUTE = 60_000;

export function sessionIdFor(startedAt: number): string {
  return new Date(startedAt).toISOString().replace(/[-:.]/g, '');
}

/** A session's events: a page view every `step`, a track between, the first an identify. */
function eventsFor(session: ApiSession, hostile: boolean): ApiEvent[] {
  // A session of two anonymousIds: its second half came from the second.
  const secondAnonymousId = session.anonymousIds[1];
  const start = Date.parse(session.startedAt);
  const step = session.eventCount > 1 ? (session.durationSeconds * 1000) / (session.eventCount - 1) : 0;
  return Array.from({ length: session.eventCount }, (_, index): ApiEvent => {
    const timestamp = new Date(start + Math.round(index * step)).toISOString();
    const base = {
      id: `${session.sessionId}-${index}`,
      messageId: `m-${session.sessionId}-${index}`,
      timestamp,
      anonymousId:
        secondAnonymousId !== undefined && index >= session.eventCount / 2 ? secondAnonymousId : 'anon-7',
    };
    if (index === 0) return { ...base, type: 'identify', name: null, url: null, path: null, title: null };
    if (index % 2 === 1) {
      return {
        ...base,
        type: 'page',
        // Some pages are named as well as titled: the row shows the name, then the title.
        name: index % 4 === 3 ? `Product page ${index}` : null,
        url:
          hostile && index === 1 ? 'javascript:alert(1)' : `https://shop.example/p/${index}?utm_source=news`,
        path: `/p/${index}`,
        title: `Product ${index}`,
      };
    }
    const name = hostile && index === 2 ? '<img src=x onerror="window.__xss=1">' : `Clicked ${index}`;
    return { ...base, type: 'track', name, url: null, path: null, title: null };
  });
}

function page(index: number): ApiPage {
  return {
    url: `https://shop.example/p/${index}`,
    path: `/p/${index}`,
    title: `Product ${index}`,
    referrer: 'https://search.example/?q=x',
  };
}

/**
 * A user whose sessions start at `starts` (epoch ms), each `durationMinutes(i)` long with `eventCounts(i)`
 * events. `hostile` puts markup and a javascript: url into the first session's events, and a right-to-left
 * override into its campaign source.
 */
export function makeUser(
  userId: string,
  starts: readonly number[],
  options: {
    durationMinutes?: (i: number) => number;
    eventCount?: (i: number) => number;
    hostile?: boolean;
    /** Whether session `i` has no page views known (the API's null). */
    pageViewsUnknown?: (i: number) => boolean;
  } = {},
): FakeUser {
  const duration = options.durationMinutes ?? ((i) => 5 + (i % 7) * 6);
  const count = options.eventCount ?? ((i) => 1 + ((i * 5) % 17));
  const sessions = starts.map((startedAt, i): ApiSession => {
    const eventCount = count(i);
    const durationMs = eventCount === 1 ? 0 : duration(i) * MINUTE;
    const pageViews = Math.floor(eventCount / 2);
    return {
      userId,
      sessionId: sessionIdFor(startedAt),
      sessionNumber: i + 1,
      startedAt: new Date(startedAt).toISOString(),
      endedAt: new Date(startedAt + durationMs).toISOString(),
      durationSeconds: durationMs / 1000,
      eventCount,
      pageViews: options.pageViewsUnknown?.(i) === true ? null : pageViews,
      bounce: eventCount === 1,
      entryPage: pageViews > 0 ? page(1) : null,
      exitPage: pageViews > 0 ? page(eventCount % 2 === 0 ? eventCount - 1 : eventCount - 2) : null,
      campaign:
        i % 3 === 0
          ? {
              // A right-to-left override in the hostile session's source, which must reverse only itself,
              // after an isolate closer it never opened, which would end the viewer's isolate around it.
              source: options.hostile === true && i === 0 ? 'news\u2069\u202e' : 'newsletter',
              medium: 'email',
              name: `spring-${i}`,
              term: null,
              content: null,
            }
          : null,
      // The fourth session came from two devices (stitched anonymousIds).
      anonymousIds: i === 3 ? ['anon-7', 'anon-8'] : ['anon-7'],
      device: {
        type: options.hostile === true && i === 0 ? '\u202eevil' : 'mobile',
        os: 'iOS',
        browser: 'Safari',
      },
      firstEvent: 'identify',
      lastEvent: eventCount === 1 ? 'identify' : 'Clicked',
    };
  });
  const first = sessions[0];
  const last = sessions.at(-1);
  return {
    summary: {
      userId,
      sessionCount: sessions.length,
      eventCount: sessions.reduce((sum, session) => sum + session.eventCount, 0),
      firstSeenAt: first?.startedAt ?? '',
      lastSeenAt: last?.endedAt ?? '',
      anonymousIds: { count: 1, items: ['anon-7'] },
      stitchedTo: null,
    },
    sessions,
    events: (sessionId) => {
      const session = sessions.find((candidate) => candidate.sessionId === sessionId);
      return session === undefined ? [] : eventsFor(session, options.hostile === true && session === first);
    },
  };
}

const T0 = Date.UTC(2024, 2, 4, 9, 0, 0);

/** Twelve sessions over three weeks, one a bounce; the first one's events carry markup and a javascript: url. */
export const ALICE = makeUser(
  'alice',
  Array.from({ length: 12 }, (_, i) => T0 + i * 1.75 * 24 * 60 * MINUTE + (i % 4) * 97 * MINUTE),
  { hostile: true, eventCount: (i) => (i === 0 ? 6 : i === 6 ? 1 : 2 + ((i * 5) % 17)) },
);

/** 2,000 sessions over about two years: only pages of them are ever loaded at once. */
export const HEAVY = makeUser(
  'heavy user/ü',
  Array.from(
    { length: 2000 },
    (_, i) => Date.UTC(2022, 0, 3, 8) + i * 8.7 * 60 * MINUTE + (i % 5) * 13 * MINUTE,
  ),
);

/** A user the API knows but who has no sessions (all rejected, or erased). */
export const EMPTY_USER: FakeUser = {
  summary: { ...makeUser('newbie', [T0]).summary, sessionCount: 0, eventCount: 0 },
  sessions: [],
  events: () => [],
};

/** An anonymousId with sessions of its own that the API also reports as stitched to alice (200, not 307). */
export const STITCHED_WITH_HISTORY: FakeUser = (() => {
  const user = makeUser('anon-9', [T0 - 3 * 24 * 60 * MINUTE]);
  return { ...user, summary: { ...user.summary, stitchedTo: 'alice' } };
})();

/** One session of a bot, longer than the API's pages and than the viewer loads. */
export const BOT = makeUser('bot', [T0], { eventCount: () => 6_500, durationMinutes: () => 6_500 });
