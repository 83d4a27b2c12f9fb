/** The full session JSON of the CLI and API (page fields and campaign members as sent: any JSON value). */
export interface SessionJson {
  userId: string;
  sessionId: string;
  sessionNumber: number;
  startedAt: string;
  endedAt: string;
  durationSeconds: number;
  eventCount: number;
  pageViews: number;
  bounce: boolean;
  entryPage: { url: unknown; path: unknown; title: unknown; referrer: unknown } | null;
  exitPage: { url: unknown; path: unknown; title: unknown; referrer: unknown } | null;
  campaign: { source: unknown; medium: unknown; name: unknown; term: unknown; content: unknown } | null;
  anonymousIds: readonly string[];
  device: { type: string | null; os: string | null; browser: string | null } | null;
  firstEvent: string;
  lastEvent: string;
}

const MINUTE = 60_000;

/** A session as the CLI prints it; `minutes` long with `eventCount` events, bounces when it has one. */
export function sessionView(
  userId: string,
  startedAt: number,
  overrides: Partial<SessionJson> & { minutes?: number } = {},
): SessionJson {
  const { minutes = 10, ...rest } = overrides;
  const eventCount = rest.eventCount ?? (minutes === 0 ? 1 : 4);
  const endedAt = startedAt + minutes * MINUTE;
  return {
    userId,
    sessionId: new Date(startedAt).toISOString().replace(/[-:.]/g, ''),
    sessionNumber: 1,
    startedAt: new Date(startedAt).toISOString(),
    endedAt: new Date(endedAt).toISOString(),
    durationSeconds: minutes * 60,
    eventCount,
    pageViews: Math.max(0, eventCount - 1),
    bounce: eventCount === 1,
    entryPage: {
      url: 'https://shop.example/home?utm_source=x',
      path: '/home',
      title: 'Home',
      referrer: null,
    },
    exitPage: null,
    campaign: null,
    anonymousIds: [],
    device: null,
    firstEvent: 'Home',
    lastEvent: 'Home',
    ...rest,
  };
}

/** `users` users with 1..n sessions each over `days` days, grouped by user as the CLI emits them. */
export function* syntheticSessions(users: number, days: number, seed = 7): Generator<SessionJson> {
  // mulberry32: small, seeded, and good enough that no two synthetic users look alike.
  let state = seed >>> 0;
  const random = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
  const t0 = Date.UTC(2024, 0, 1);
  for (let u = 0; u < users; u++) {
    const userId = `user-${String(u).padStart(5, '0')}`;
    const count = 1 + Math.floor(random() ** 3 * 60);
    let at = t0 + Math.floor(random() * days * 24 * 60) * MINUTE;
    for (let s = 0; s < count; s++) {
      const minutes = random() < 0.3 ? 0 : Math.round(random() ** 2 * 90);
      const eventCount = minutes === 0 ? 1 : 2 + Math.floor(random() * 30);
      const pages = ['/home', '/pricing', '/blog/launch', '/docs', `/p/${Math.floor(random() * 40)}`];
      const sources = ['newsletter', 'google', 'twitter', null, null];
      const source = sources[Math.floor(random() * sources.length)] ?? null;
      yield sessionView(userId, at, {
        minutes,
        eventCount,
        sessionNumber: s + 1,
        entryPage: {
          url: null,
          path: pages[Math.floor(random() * pages.length)] ?? '/',
          title: null,
          referrer: null,
        },
        campaign: source === null ? null : { source, medium: 'email', name: null, term: null, content: null },
      });
      at += (minutes + 31 + Math.floor(random() * 3 * 24 * 60)) * MINUTE;
    }
  }
}
