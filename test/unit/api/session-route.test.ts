import { describe, expect, it } from 'vitest';
import { CursorCodec } from '../../../functions/api/cursor.js';
import { handleRoute } from '../../../functions/api/routes.js';
import type { EventRecord } from '../../../functions/domain/events/event.js';
import { record } from '../../helpers/event-arbitraries.js';
import { FakeSessionReader } from '../../helpers/fake-session-reader.js';
import { b64Id, call, decodedUserPath, gatewayEvent, send, TEST_SIGNING_KEY, userPath } from './api-event.js';
import { defaultEvents, makeHandler, ODD_USER, T0 } from './lookup-fixture.js';

const MINUTE = 60_000;
const HOME = {
  url: 'https://shop.example/?utm_source=ignored',
  path: '/',
  title: 'Shop',
  referrer: 'https://search.example/',
};
const CART = { url: 'https://shop.example/cart', path: '/cart', title: 'Cart', referrer: null };
const NEWSLETTER = { source: 'newsletter', medium: 'email', name: 'spring', term: null, content: null };
const PHONE = { type: 'mobile', os: 'iOS', browser: 'Safari' };

/** carol: a three-event visit (page, track, page) from two devices, then a lone identify two hours later. */
function carolEvents(): EventRecord[] {
  return [
    record({
      id: 'm:c-1',
      userId: 'carol',
      anonymousId: 'dev-1',
      timestamp: T0,
      type: 'page',
      name: 'Home',
      page: HOME,
      campaign: NEWSLETTER,
      device: PHONE,
    }),
    record({
      id: 'h:9f2c',
      userId: 'carol',
      anonymousId: 'dev-1',
      timestamp: T0 + MINUTE,
      name: 'Added to Cart',
    }),
    record({
      id: 'm:c-3',
      userId: 'carol',
      anonymousId: 'dev-2',
      timestamp: T0 + 2 * MINUTE,
      type: 'page',
      page: CART,
    }),
    record({ id: 'm:c-4', userId: 'carol', timestamp: T0 + 120 * MINUTE, type: 'identify' }),
  ];
}

/** With `tightRuns`, the reader answers a session with only the events the page asked for, as a long one is. */
function handlerFor(events: EventRecord[] = [...defaultEvents(), ...carolEvents()], tightRuns = false) {
  const reader = FakeSessionReader.fromEvents(events);
  reader.tightRuns = tightRuns;
  return makeHandler({ reader }).handler;
}

/** The answer to a cursor that is not one of this session's: what is wrong, and what to pass instead. */
const CURSOR_REFUSED = {
  error: {
    code: 'bad_request',
    message:
      'cursor is not a valid cursor for this user and session: pass the nextCursor of its page before, or leave cursor out to start from its first events (a replaced signing key also ends every cursor)',
    parameter: 'cursor',
  },
};

const RUNS = [
  ['the whole session', false],
  ['only the events asked for', true],
] as const;

describe('GET /users/{userId}/sessions/{sessionId}', () => {
  it('returns the session with its attributes and its ordered timeline', async () => {
    const result = await call(handlerFor(), 'GET', userPath('carol', 'sessions', '20240101T090000000Z'));
    expect(result.status).toBe(200);
    expect(result.body).toEqual({
      userId: 'carol',
      sessionNumber: 1,
      sessionId: '20240101T090000000Z',
      startedAt: '2024-01-01T09:00:00.000Z',
      endedAt: '2024-01-01T09:02:00.000Z',
      durationSeconds: 120,
      eventCount: 3,
      pageViews: 2,
      bounce: false,
      entryPage: HOME,
      exitPage: CART,
      campaign: NEWSLETTER,
      anonymousIds: ['dev-1', 'dev-2'],
      device: PHONE,
      firstEvent: 'Home',
      // An event without a name is labelled by its type.
      lastEvent: 'page',
      events: [
        {
          id: 'm:c-1',
          messageId: 'c-1',
          type: 'page',
          timestamp: '2024-01-01T09:00:00.000Z',
          name: 'Home',
          ...{ url: HOME.url, path: HOME.path, title: HOME.title },
          anonymousId: 'dev-1',
        },
        {
          id: 'h:9f2c',
          messageId: null,
          type: 'track',
          timestamp: '2024-01-01T09:01:00.000Z',
          name: 'Added to Cart',
          url: null,
          path: null,
          title: null,
          anonymousId: 'dev-1',
        },
        {
          id: 'm:c-3',
          messageId: 'c-3',
          type: 'page',
          timestamp: '2024-01-01T09:02:00.000Z',
          name: null,
          ...{ url: CART.url, path: CART.path, title: CART.title },
          anonymousId: 'dev-2',
        },
      ],
      nextCursor: null,
    });
  });

  it.each(RUNS)(
    "pages a session's events by limit, following nextCursor to the last one, from %s",
    async (_, tight) => {
      const handler = handlerFor(undefined, tight);
      const path = userPath('carol', 'sessions', '20240101T090000000Z');
      const first = await call(handler, 'GET', path, { query: 'limit=2' });
      const firstBody = first.body as {
        events: { id: string }[];
        nextCursor: string | null;
        eventCount: number;
      };
      expect(firstBody.events.map((event) => event.id)).toEqual(['m:c-1', 'h:9f2c']);
      expect(firstBody.eventCount).toBe(3);
      expect(firstBody.nextCursor).toEqual(expect.any(String));

      const second = await call(handler, 'GET', path, {
        query: `limit=2&cursor=${encodeURIComponent(firstBody.nextCursor ?? '')}`,
      });
      expect(second.body).toMatchObject({ sessionNumber: 1, nextCursor: null, events: [{ id: 'm:c-3' }] });
    },
  );

  it.each(RUNS)(
    'goes on after the event the last page ended on when late events arrived in between, from %s',
    async (_, tight) => {
      const path = userPath('carol', 'sessions', '20240101T090000000Z');
      const first = await call(handlerFor(undefined, tight), 'GET', path, { query: 'limit=2' });
      const { nextCursor } = first.body as { nextCursor: string };

      // One late event lands before the page's last event, one after it: only the second is still to come.
      const late = (id: string, offset: number) =>
        record({ id, userId: 'carol', timestamp: T0 + offset, name: id });
      const grown = handlerFor(
        [...defaultEvents(), ...carolEvents(), late('m:late-before', 30_000), late('m:late-after', 90_000)],
        tight,
      );
      const second = await call(grown, 'GET', path, {
        query: `limit=2&cursor=${encodeURIComponent(nextCursor)}`,
      });

      expect(second.body).toMatchObject({ eventCount: 5, nextCursor: null });
      expect((second.body as { events: { id: string }[] }).events.map((event) => event.id)).toEqual([
        'm:late-after',
        'm:c-3',
      ]);
    },
  );

  it("refuses a list's cursor, another session's and another user's", async () => {
    const handler = handlerFor();
    const list = await call(handler, 'GET', userPath('carol', 'sessions'), { query: 'limit=1' });
    const listCursor = (list.body as { nextCursor: string }).nextCursor;
    const page = await call(handler, 'GET', userPath('carol', 'sessions', '20240101T090000000Z'), {
      query: 'limit=1',
    });
    const sessionCursor = (page.body as { nextCursor: string }).nextCursor;
    const refused = [
      [userPath('carol', 'sessions', '20240101T090000000Z'), listCursor],
      [userPath('carol', 'sessions', '20240101T110000000Z'), sessionCursor],
      [userPath('alice', 'sessions', '20240101T090000000Z'), sessionCursor],
    ] as const;
    for (const [path, cursor] of refused) {
      const result = await call(handler, 'GET', path, { query: `cursor=${encodeURIComponent(cursor)}` });
      expect(result.status, path).toBe(400);
      expect(result.body).toEqual(CURSOR_REFUSED);
    }
  });

  it('refuses a cursor longer than any cursor as it refuses another wrong one, saying what to pass', async () => {
    const handler = handlerFor();
    const page = await call(handler, 'GET', userPath('carol', 'sessions', '20240101T090000000Z'), {
      query: 'limit=1',
    });
    const cursor = (page.body as { nextCursor: string }).nextCursor;
    // Pasted twice, as a hurried copy does: too long to be a cursor, refused before it is verified.
    const result = await call(handler, 'GET', userPath('carol', 'sessions', '20240101T090000000Z'), {
      query: `cursor=${encodeURIComponent(cursor + cursor + cursor)}`,
    });
    expect(result.status).toBe(400);
    expect(result.body).toEqual(CURSOR_REFUSED);
  });

  it('refuses a cursor signed for this session with a negative position', async () => {
    // Only the key's holder could sign one; a store asked for event -1 would fail the request with a 500.
    const sessionId = '20240101T090000000Z';
    const binding = { userId: 'carol', order: 'asc' as const, filters: `events of ${sessionId}` };
    const cursor = new CursorCodec(TEST_SIGNING_KEY).encode(binding, -1);
    const result = await call(handlerFor(), 'GET', userPath('carol', 'sessions', sessionId), {
      query: `cursor=${encodeURIComponent(cursor)}`,
    });
    expect(result.status).toBe(400);
    expect(result.body).toMatchObject({ error: { parameter: 'cursor' } });
  });

  it.each(['0', '1001', '2.5', 'many', ''])('refuses limit=%j for events', async (limit) => {
    const result = await call(handlerFor(), 'GET', userPath('carol', 'sessions', '20240101T090000000Z'), {
      query: `limit=${limit}`,
    });
    expect(result.status).toBe(400);
    expect(result.body).toMatchObject({ error: { parameter: 'limit' } });
  });

  it('returns a one-event session as a bounce with no pages', async () => {
    const result = await call(handlerFor(), 'GET', userPath('carol', 'sessions', '20240101T110000000Z'));
    expect(result.body).toMatchObject({
      sessionNumber: 2,
      eventCount: 1,
      durationSeconds: 0,
      pageViews: 0,
      bounce: true,
      entryPage: null,
      exitPage: null,
      campaign: null,
      anonymousIds: [],
      device: null,
      firstEvent: 'identify',
      lastEvent: 'identify',
      events: [{ id: 'm:c-4', type: 'identify', name: null, url: null, anonymousId: null }],
    });
  });

  it('finds the session of an id that needs care, encoded, decoded or in the ~b64. form', async () => {
    const handler = handlerFor();
    const decoded = makeHandler({
      reader: FakeSessionReader.fromEvents(defaultEvents()),
      pathsDecoded: true,
    });
    const id = '20240101T090000000Z';
    const results = [
      await call(handler, 'GET', userPath(ODD_USER, 'sessions', id)),
      await call(handler, 'GET', userPath(b64Id(ODD_USER), 'sessions', id)),
      await send(decoded.handler, gatewayEvent('GET', decodedUserPath(b64Id(ODD_USER), 'sessions', id))),
    ];
    for (const result of results) {
      expect(result.status).toBe(200);
      expect(result.body).toMatchObject({ userId: ODD_USER, sessionId: id, eventCount: 1 });
    }
  });

  it('is 404 Session not found for a known user without a session starting then', async () => {
    const result = await call(handlerFor(), 'GET', userPath('carol', 'sessions', '20240101T090000001Z'));
    expect(result.status).toBe(404);
    expect(result.body).toEqual({ error: { code: 'not_found', message: 'Session not found' } });
  });

  it('is 404 User not found for an unknown user', async () => {
    const result = await call(handlerFor(), 'GET', userPath('nobody', 'sessions', '20240101T090000000Z'));
    expect(result.status).toBe(404);
    expect(result.body).toEqual({ error: { code: 'not_found', message: 'User not found' } });
  });

  it('reads a tail that is not a session id as part of the user id, then names the session id of a known user', async () => {
    for (const tail of ['latest', '20240230T090000000Z', '20240101T090000Z', '20240101t090000000z']) {
      const result = await call(handlerFor(), 'GET', `/users/carol/sessions/${tail}`);
      expect(result.status, tail).toBe(400);
      expect(result.body).toMatchObject({ error: { code: 'bad_request', parameter: 'sessionId' } });
      const unknown = await call(handlerFor(), 'GET', `/users/nobody/sessions/${tail}`);
      expect(unknown.status, tail).toBe(404);
      expect(unknown.body).toEqual({ error: { code: 'not_found', message: 'User not found' } });
    }
  });

  it('answers a user whose id holds a session-like tail as that user, not as a bad session id', async () => {
    const tailed = 'carol/sessions/latest';
    const reader = FakeSessionReader.fromEvents([
      ...carolEvents(),
      record({ id: 'm:t-1', userId: tailed, anonymousId: null, timestamp: T0, type: 'track', name: 'Odd' }),
    ]);
    const handler = makeHandler({ reader }).handler;
    const result = await call(handler, 'GET', `/users/${tailed}`);
    expect(result.status).toBe(200);
    expect(result.body).toMatchObject({ userId: tailed });
  });

  it('validates a session id handed to the route logic directly', async () => {
    const deps = {
      reader: FakeSessionReader.fromEvents(carolEvents()),
      cursors: new CursorCodec(TEST_SIGNING_KEY),
      pathsDecoded: false,
    };
    const response = await handleRoute(
      { name: 'getSession', userId: 'carol', sessionId: 'latest' },
      '',
      deps,
    );
    expect(response).toEqual({
      status: 400,
      body: {
        error: {
          code: 'bad_request',
          message: 'sessionId must be a session id such as 20240101T090000000Z',
          parameter: 'sessionId',
        },
      },
    });
  });
});
