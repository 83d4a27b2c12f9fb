import { describe, expect, it, vi } from 'vitest';
import { base64Id } from '../../../contract/index.js';
import { ApiError, createApiClient, pathId, VIEWER_EVENT_BATCH } from '../../../viewer/src/api-client.js';
import { API_SESSION as SESSION } from './api-session.js';

function jsonResponse(
  status: number,
  body: unknown,
  init: { redirected?: boolean; url?: string } = {},
): Response {
  const response = new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json' },
  });
  if (init.redirected) Object.defineProperty(response, 'redirected', { value: true });
  if (init.url !== undefined) Object.defineProperty(response, 'url', { value: init.url });
  return response;
}

describe('pathId', () => {
  it('percent-encodes an id a decoded path reads whole', () => {
    expect(pathId('user 1%ü')).toBe('user%201%25%C3%BC');
  });

  it("gives the ~b64. form, as the API's own redirects do, to ids a decoded path would misread", () => {
    for (const id of ['a/sessions', 'a?b', '~b64.czEtdTE', 'team/😀', 'x\ud800', '.', '..']) {
      expect(pathId(id)).toBe(base64Id(id));
    }
  });
});

describe('createApiClient', () => {
  it('sends an id with a / in its ~b64. form, and list parameters as ISO timestamps', async () => {
    const fetchMock = vi.fn(async () =>
      jsonResponse(200, { userId: 'a/b c', sessions: [SESSION], nextCursor: 'next' }),
    );
    const client = createApiClient('https://api.example/', fetchMock);
    const page = await client.listSessions('a/b c', {
      order: 'desc',
      limit: 100,
      from: Date.UTC(2024, 0, 1),
      to: Date.UTC(2024, 1, 1),
      cursor: 'c+1',
    });
    expect(fetchMock).toHaveBeenCalledWith(
      'https://api.example/users/~b64.YS9iIGM/sessions?order=desc&limit=100&from=2024-01-01T00%3A00%3A00.000Z&to=2024-02-01T00%3A00%3A00.000Z&cursor=c%2B1',
      expect.objectContaining({ headers: { accept: 'application/json' } }),
    );
    expect(page.nextCursor).toBe('next');
    expect(page.sessions[0]?.sessionId).toBe(SESSION.sessionId);
  });

  it('calls its own origin by default and encodes session ids too', async () => {
    const fetchMock = vi.fn(async (_url: string | URL | Request) =>
      jsonResponse(200, { ...SESSION, userId: 'ü', events: [] }),
    );
    await createApiClient('', fetchMock).getSession('ü', '20240101T090000000Z');
    expect(fetchMock.mock.calls[0]?.[0]).toBe('/users/%C3%BC/sessions/20240101T090000000Z');
  });

  it('answers a session id that is a dot segment as not found, asking nothing that fetch would resolve away', async () => {
    const fetchMock = vi.fn(async () => jsonResponse(200, { userId: 'u', sessionCount: 1 }));
    for (const id of ['.', '..']) {
      await expect(createApiClient('', fetchMock).getSession('u', id)).rejects.toMatchObject({
        status: 404,
        code: 'not_found',
      });
    }
    expect(fetchMock).not.toHaveBeenCalled();
  });

  it("follows a session's event pages, and stops at what a person can read", async () => {
    const event = (n: number) => ({
      id: `m:${n}`,
      messageId: String(n),
      type: 'track',
      timestamp: '2024-01-01T09:00:00.000Z',
      name: 'tick',
      url: null,
      path: null,
      title: null,
      anonymousId: null,
    });
    const pageOf = (from: number, size: number) => Array.from({ length: size }, (_, k) => event(from + k));
    // Pages cut short of the limit, as the API cuts them by bytes: 800 events at most.
    const fetchMock = vi.fn(async (url: string | URL | Request) => {
      const query = new URL(String(url), 'http://viewer').searchParams;
      const from = Number(query.get('cursor') ?? 0);
      const size = Math.min(800, Number(query.get('limit') ?? 1_000), 7_000 - from);
      return jsonResponse(200, {
        ...SESSION,
        userId: 'u',
        eventCount: 7_000,
        events: pageOf(from, size),
        nextCursor: from + size < 7_000 ? String(from + size) : null,
      });
    });

    const session = await createApiClient('', fetchMock).getSession('u', '20240101T090000000Z');

    expect(fetchMock.mock.calls.map(([url]) => url)).toEqual([
      '/users/u/sessions/20240101T090000000Z',
      ...[1, 2, 3, 4, 5].map(
        (page) => `/users/u/sessions/20240101T090000000Z?limit=1000&cursor=${page * 800}`,
      ),
      '/users/u/sessions/20240101T090000000Z?limit=200&cursor=4800',
    ]);
    expect(session.events).toHaveLength(VIEWER_EVENT_BATCH);
    expect(session.events[4_999]?.id).toBe('m:4999');
    expect(session.nextCursor).toBe('5000');

    // The next batch goes on from that cursor, to the session's last event.
    fetchMock.mockClear();
    const rest = await createApiClient('', fetchMock).getSession(
      'u',
      '20240101T090000000Z',
      undefined,
      session.nextCursor,
    );
    expect(fetchMock.mock.calls.map(([url]) => url)).toEqual(
      [5000, 5800, 6600].map((from) => `/users/u/sessions/20240101T090000000Z?limit=1000&cursor=${from}`),
    );
    expect(rest.events.map((event) => event.id)).toEqual(
      Array.from({ length: 2_000 }, (_, k) => `m:${5_000 + k}`),
    );
    expect(rest.nextCursor).toBeNull();
  });

  it('stops a batch at its size when it starts after a cursor too, and says where the next goes on', async () => {
    const event = (n: number) => ({ id: `m:${n}`, type: 'track', timestamp: '2024-01-01T09:00:00.000Z' });
    const fetchMock = vi.fn(async (url: string | URL | Request) => {
      const query = new URL(String(url), 'http://viewer').searchParams;
      const from = Number(query.get('cursor') ?? 0);
      const size = Number(query.get('limit') ?? 1_000);
      const events = Array.from({ length: size }, (_, k) => event(from + k));
      return jsonResponse(200, {
        ...SESSION,
        userId: 'u',
        eventCount: 1_000_000,
        events,
        nextCursor: String(from + size),
      });
    });
    const batch = await createApiClient('', fetchMock).getSession('u', SESSION.sessionId, undefined, '12345');
    expect(fetchMock).toHaveBeenCalledTimes(5);
    expect(batch.events[0]?.id).toBe('m:12345');
    expect(batch.events).toHaveLength(VIEWER_EVENT_BATCH);
    expect(batch.nextCursor).toBe('17345');
  });

  it('ends a batch at the session’s end, even with a page of no events', async () => {
    const fetchMock = vi
      .fn()
      .mockResolvedValueOnce(
        jsonResponse(200, {
          ...SESSION,
          events: [{ id: 'e9', type: 'track', timestamp: '2024-01-01T09:09:00.000Z' }],
          nextCursor: 'c2',
        }),
      )
      .mockResolvedValueOnce(jsonResponse(200, { ...SESSION, events: [], nextCursor: null }));
    const batch = await createApiClient('', fetchMock).getSession(
      'alice',
      SESSION.sessionId,
      undefined,
      'c1',
    );
    expect(fetchMock.mock.calls.map(([url]) => url)).toEqual([
      `/users/alice/sessions/${SESSION.sessionId}?limit=1000&cursor=c1`,
      `/users/alice/sessions/${SESSION.sessionId}?limit=1000&cursor=c2`,
    ]);
    expect(batch).toMatchObject({ events: [{ id: 'e9' }], nextCursor: null });
  });

  it('reports a followed redirect, as for a stitched anonymousId', async () => {
    const fetchMock = vi.fn(async () =>
      jsonResponse(200, { userId: 'alice', sessionCount: 1, eventCount: 1 }, { redirected: true }),
    );
    const lookup = await createApiClient('', fetchMock).getUser('anon-1');
    expect(lookup).toMatchObject({ redirected: true, summary: { userId: 'alice' } });
  });

  it('refuses a list of sessions redirected to another user: the id was stitched while it was on show', async () => {
    // The API's 307 keeps from and to but not the cursor: the answer is the first page of another user.
    const fetchMock = vi.fn(async () =>
      jsonResponse(200, { userId: 'alice', sessions: [SESSION], nextCursor: 'c1' }, { redirected: true }),
    );
    const failure = createApiClient('', fetchMock).listSessions('anon-1', {
      order: 'desc',
      limit: 50,
      cursor: 'c0',
    });
    await expect(failure).rejects.toMatchObject({
      name: 'ApiError',
      code: 'stitched',
      message: expect.stringContaining('stitched to user \u2068alice\u2069'),
    });
  });

  it('refuses a session redirected to another user, whose cursors the id’s path would refuse', async () => {
    const fetchMock = vi.fn(async () =>
      jsonResponse(200, { ...SESSION, events: [], nextCursor: null }, { redirected: true }),
    );
    const failure = createApiClient('', fetchMock).getSession('anon-1', SESSION.sessionId);
    await expect(failure).rejects.toMatchObject({
      name: 'ApiError',
      code: 'stitched',
      message: expect.stringContaining('stitched to user \u2068alice\u2069'),
      stitchedTo: 'alice',
    });
    expect(fetchMock).toHaveBeenCalledTimes(1);
  });

  it('names the user a session was redirected to when that user has no session of its id (a 404)', async () => {
    // The user's id as the API's Location writes one a decoded path would misread.
    const user = 'team/a';
    const fetchMock = vi.fn(async () =>
      jsonResponse(
        404,
        { error: { code: 'not_found', message: 'Session not found' } },
        {
          redirected: true,
          url: `https://api.example/prod/users/${base64Id(user)}/sessions/${SESSION.sessionId}?limit=5`,
        },
      ),
    );
    const failure = createApiClient('https://api.example/prod', fetchMock).getSession(
      'anon-1',
      SESSION.sessionId,
      undefined,
      'c1',
    );
    await expect(failure).rejects.toMatchObject({ status: 307, code: 'stitched', stitchedTo: user });
  });

  it('names the user of a 307 fetch did not follow, from its body', async () => {
    const fetchMock = vi.fn(async () =>
      jsonResponse(307, { error: { code: 'stitched', message: 'stitched', userId: 'alice' } }),
    );
    const failure = createApiClient('', fetchMock).listSessions('anon-1', { order: 'desc', limit: 5 });
    await expect(failure).rejects.toMatchObject({ status: 307, code: 'stitched', stitchedTo: 'alice' });
  });

  it('refuses a later event page redirected to another user: the id was stitched between two pages', async () => {
    const event = { id: 'e1', type: 'track', timestamp: '2024-01-01T09:00:00.000Z', name: 'tick' };
    // The first page is anon-1's own; the 307 for the second drops its cursor, so fetch lands on the first
    // page of alice's session of the same id.
    const fetchMock = vi
      .fn()
      .mockResolvedValueOnce(
        jsonResponse(200, { ...SESSION, userId: 'anon-1', events: [event], nextCursor: 'c1' }),
      )
      .mockResolvedValueOnce(
        jsonResponse(200, { ...SESSION, events: [event], nextCursor: null }, { redirected: true }),
      );
    const failure = createApiClient('', fetchMock).getSession('anon-1', SESSION.sessionId);
    await expect(failure).rejects.toMatchObject({ name: 'ApiError', code: 'stitched' });
    expect(fetchMock).toHaveBeenCalledTimes(2);
  });

  it('carries the API’s error code and message', async () => {
    const fetchMock = vi.fn(async () =>
      jsonResponse(400, { error: { code: 'bad_request', message: 'limit must be…', parameter: 'limit' } }),
    );
    const failure = createApiClient('', fetchMock).listSessions('a', { order: 'asc', limit: 500 });
    await expect(failure).rejects.toMatchObject({
      name: 'ApiError',
      status: 400,
      code: 'bad_request',
      message: 'limit must be…',
    });
  });

  it('says what API Gateway’s own 403 means: an IAM-authenticated stage, which takes signed requests only', async () => {
    const forbidden = vi.fn(async () => jsonResponse(403, { message: 'Forbidden' }));
    // Through npm run viewer's proxy (the viewer's own origin): its credentials are what the API refused.
    await expect(createApiClient('', forbidden).getUser('a')).rejects.toMatchObject({
      status: 403,
      message:
        'Forbidden. The API takes signed requests only: npm run viewer signs them with your AWS credentials, which must allow execute-api:Invoke on it (log in again if they expired, then try again).',
    });
    // A static build calling the stage itself cannot sign at all.
    await expect(createApiClient('https://api.example', forbidden).getUser('a')).rejects.toMatchObject({
      status: 403,
      message:
        'Forbidden. The API takes signed requests only (IAM auth), which a browser cannot make: view its stage with npm run viewer -- --stage <stage>, which signs them with your AWS credentials.',
    });
    // The viewer server's own 403 (a Host it does not serve) says itself what is wrong.
    const hostGuard = vi.fn(async () =>
      jsonResponse(403, { error: { code: 'forbidden', message: 'Not this machine' } }),
    );
    await expect(createApiClient('', hostGuard).getUser('a')).rejects.toMatchObject({
      message: 'Not this machine',
    });
  });

  it('shows the controls an API message quotes as escapes, its own escapes as they are', async () => {
    const quoting = vi.fn(async () =>
      jsonResponse(400, {
        error: { code: 'bad_request', message: 'userId "e\u202evil\nx\u200b" is "a\\"b"' },
      }),
    );
    await expect(createApiClient('', quoting).getUser('a')).rejects.toMatchObject({
      status: 400,
      message: 'userId "e\\u202evil\\nx\\u200b" is "a\\"b"',
    });
  });

  it('says what happened when the answer is not the API’s JSON or there is no answer', async () => {
    const html = vi.fn(
      async () => new Response('<html>gateway</html>', { status: 502, statusText: 'Bad Gateway' }),
    );
    // The caller puts "The API answered 502" before it: the message is what was answered, once.
    await expect(createApiClient('', html).getUser('a')).rejects.toMatchObject({
      status: 502,
      message: 'Bad Gateway',
    });
    const gateway = vi.fn(async () => jsonResponse(503, { message: 'Service Unavailable' }));
    await expect(createApiClient('', gateway).getUser('a')).rejects.toMatchObject({
      status: 503,
      code: 'gateway',
      message: 'Service Unavailable',
    });
    const bare = vi.fn(async () => new Response('', { status: 503 }));
    await expect(createApiClient('', bare).getUser('a')).rejects.toMatchObject({
      status: 503,
      message: 'no explanation',
    });
    const down = vi.fn(async () => {
      throw new TypeError('fetch failed');
    });
    await expect(createApiClient('https://api.example', down).getUser('a')).rejects.toEqual(
      new ApiError(
        0,
        'network_error',
        // A browser fails a request its CORS check refuses as it fails one to a server that is down.
        "Could not reach the API at https://api.example, or its CORS settings do not allow this page's origin.",
      ),
    );
    await expect(createApiClient('', down).getUser('a')).rejects.toEqual(
      new ApiError(
        0,
        'network_error',
        'Could not reach the API at this server: when npm start or npm run viewer serves this page, check that it still runs.',
      ),
    );
    const wrongShape = vi.fn(async () => jsonResponse(200, { sessions: 'no' }));
    await expect(
      createApiClient('', wrongShape).listSessions('a', { order: 'asc', limit: 1 }),
    ).rejects.toMatchObject({
      code: 'bad_response',
      message: 'The session list has no sessions array',
    });
  });

  describe('a request the server never answers', () => {
    /** A fetch that answers only by failing once its signal aborts, as a browser's does. */
    const abortable = (answer: (signal: AbortSignal) => Promise<Response>) =>
      vi.fn((_url: string | URL | Request, init?: RequestInit) => answer(init?.signal as AbortSignal));
    const abortError = () => new DOMException('The operation was aborted.', 'AbortError');
    const onAbort = (signal: AbortSignal, fail: () => void) => signal.addEventListener('abort', fail);

    it('fails after the timeout with a retryable error, whether the headers or the body never come', async () => {
      const silent = abortable(
        (signal) => new Promise<Response>((_, reject) => onAbort(signal, () => reject(abortError()))),
      );
      await expect(createApiClient('', silent, 20).getUser('a')).rejects.toEqual(
        new ApiError(0, 'timeout', 'The API did not answer within 0.02 s.'),
      );
      const endless = abortable(async (signal) => {
        const body = new ReadableStream<Uint8Array>({
          start(controller) {
            controller.enqueue(new TextEncoder().encode('{"userId":'));
            onAbort(signal, () => controller.error(abortError()));
          },
        });
        return new Response(body, { status: 200 });
      });
      await expect(createApiClient('', endless, 20).getUser('a')).rejects.toMatchObject({
        status: 0,
        code: 'timeout',
      });
    });

    it("is called off by the caller's signal as before, with the caller's abort, not a timeout", async () => {
      const silent = abortable(
        (signal) => new Promise<Response>((_, reject) => onAbort(signal, () => reject(signal.reason))),
      );
      const caller = new AbortController();
      const pending = createApiClient('', silent, 60_000).getUser('a', caller.signal);
      caller.abort(abortError());
      await expect(pending).rejects.toMatchObject({ name: 'AbortError' });
    });
  });
});
