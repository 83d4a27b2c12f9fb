// The Lambda entry over the real reader and a mocked DynamoDB table (handler-harness.ts): the summary, a
// session's timeline, routing and the entry's own failures. The list's paging is in handler-paging.test.ts.
import { BatchGetItemCommand, GetItemCommand, QueryCommand } from '@aws-sdk/client-dynamodb';
import type { APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { describe, expect, it, vi } from 'vitest';
import { idSha256 } from '../../../functions/shared/id-digest.js';
import { b64Id, decodedUserPath, gatewayEvent, query, send } from './api-event.js';
import {
  ALL_EVENTS,
  ddb,
  expectSameAsReference,
  get,
  LONGEST,
  MINUTE,
  QUESTION,
  referenceApp,
  SLASHED,
  T0,
  useMockedTable,
} from './handler-harness.js';

/** A session with a page of its timeline, as the API answers it. */
interface TimelineBody {
  readonly events: unknown[];
  readonly nextCursor: string | null;
}

const mocked = useMockedTable();

describe('handler (real reader over a mocked DynamoDB client)', () => {
  it('answers the summary from the user’s head alone', async () => {
    const result = await get('/users/alice');
    expect(result.status).toBe(200);
    expect(result.body).toEqual({
      userId: 'alice',
      sessionCount: 40,
      eventCount: 14 * 1 + 13 * 2 + 13 * 3,
      firstSeenAt: '2024-01-31T09:00:00.000Z',
      lastSeenAt: new Date(T0 + 39 * 90 * MINUTE).toISOString(),
      anonymousIds: { count: 1, items: ['anon-1'] },
      stitchedTo: null,
    });
    expect(ddb.commandCalls(GetItemCommand)).toHaveLength(1);
    expect(ddb.commandCalls(QueryCommand)).toHaveLength(0);
  });

  it.each([
    ['from/to', query({ from: '2024-02-01T00:00:00Z', to: '2024-02-01T12:00:00+01:00', order: 'asc' })],
    ['bounce', 'bounce=true&limit=5'],
    ['campaign source', 'campaignSource=newsletter&order=asc&limit=3'],
  ])('filters by %s like the reference', async (_what, rawQuery) => {
    const result = await expectSameAsReference('/users/alice/sessions', rawQuery);
    expect((result.body as { sessions: unknown[] }).sessions.length).toBeGreaterThan(0);
  });

  it('serves sessions with their timelines, from inline events and from chunks', async () => {
    // A day of one short session keeps its events in its page: no second read.
    const inline = await expectSameAsReference('/users/brief/sessions/20240131T090000000Z');
    expect(inline.body).toMatchObject({ sessionNumber: 1, eventCount: 1 });
    expect(ddb.commandCalls(BatchGetItemCommand)).toHaveLength(0);
    // A busy day's events live in chunks, so that a list reads only the session rows.
    const busyDay = await expectSameAsReference('/users/alice/sessions/20240201T090000000Z');
    expect(busyDay.body).toMatchObject({ sessionNumber: 17, eventCount: 2 });
    expect(ddb.commandCalls(BatchGetItemCommand)).toHaveLength(1);
    // Its page limit of 300 bytes cuts the session's events into many small segments: a page reads three
    // and ends early, and its cursor walks on to the same events the whole session holds.
    const path = '/users/chunky/sessions/20240131T090000000Z';
    const reference = (await send(referenceApp(ALL_EVENTS), gatewayEvent('GET', path))).body as TimelineBody;
    const batchesBefore = ddb.commandCalls(BatchGetItemCommand).length;
    const first = (await get(path)).body as TimelineBody;
    expect(first).toMatchObject({ eventCount: 60, lastEvent: 'Step 59' });
    expect({ ...first, events: [], nextCursor: null }).toEqual({
      ...reference,
      events: [],
      nextCursor: null,
    });
    expect(first.events.length).toBeLessThan(60);
    expect(ddb.commandCalls(BatchGetItemCommand).length - batchesBefore).toBe(1);
    const walked = [...first.events];
    for (let cursor = first.nextCursor; cursor !== null; ) {
      const next = (await get(path, `cursor=${encodeURIComponent(cursor)}`)).body as TimelineBody;
      walked.push(...next.events);
      cursor = next.nextCursor;
    }
    expect(walked).toEqual(reference.events);
  });

  it.each([
    ['an id with /, %, a space and emoji', decodedUserPath(SLASHED)],
    ['an id with ? in the ~b64. form', decodedUserPath(b64Id(QUESTION))],
    ['an id of 512 bytes', decodedUserPath(LONGEST)],
  ])('reaches %s on every route', async (_what, userPath) => {
    await expectSameAsReference(userPath);
    const list = await expectSameAsReference(`${userPath}/sessions`, 'order=asc');
    const first = (list.body as { sessions: { sessionId: string }[] }).sessions[0];
    await expectSameAsReference(`${userPath}/sessions/${first?.sessionId}`);
  });

  it.each([
    '/users/nobody',
    '/users/nobody/sessions',
    '/users/nobody/sessions/20240131T090000000Z',
    '/users/alice/sessions/20240131T091500000Z',
    '/users/alice/sessions/20300101T000000000Z',
  ])('is 404 for %s', async (path) => {
    const result = await expectSameAsReference(path);
    expect(result.status).toBe(404);
  });

  it.each([
    ['/users/anon-1', '', '/users/alice'],
    ['/users/anon-1/sessions', 'limit=3', '/users/alice/sessions?limit=3'],
    [
      '/users/anon-1/sessions/20240131T090000000Z',
      'limit=3',
      '/users/alice/sessions/20240131T090000000Z?limit=3',
    ],
  ])('redirects the stitched anonymousId of %s?%s to %s', async (path, rawQuery, location) => {
    const result = await get(path, rawQuery);
    expect(result.status).toBe(307);
    expect(result.headers.location).toBe(location);
    expect(result.body).toMatchObject({ error: { code: 'stitched', userId: 'alice' } });
  });

  it('answers a generic 500 when DynamoDB fails, logging the details with the request id', async () => {
    const failure = Object.assign(new Error('User: arn:aws:sts::123:assumed-role/api is not authorized'), {
      name: 'AccessDeniedException',
    });
    ddb.on(GetItemCommand).rejects(failure);
    const writes: string[] = [];
    const spy = vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => {
      writes.push(String(chunk));
      return true;
    });
    let raw: APIGatewayProxyStructuredResultV2;
    try {
      const context = { awsRequestId: 'req-42', functionName: 'api' } as Context;
      const event = gatewayEvent('GET', '/users/alice', { headers: { origin: 'https://app.example' } });
      raw = await mocked.entry(event, context);
    } finally {
      spy.mockRestore();
    }
    expect(raw.statusCode).toBe(500);
    expect(JSON.parse(raw.body ?? '')).toEqual({
      error: { code: 'internal_error', message: 'Internal error' },
    });
    expect(raw.body).not.toContain('arn:');
    expect(raw.headers?.['access-control-allow-origin']).toBe('https://app.example');
    const logged = writes.map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(logged).toContainEqual(
      expect.objectContaining({
        level: 'ERROR',
        message: 'API request failed',
        function_request_id: 'req-42',
        path: '/users/{userIdSha256}',
        userIdSha256: idSha256('alice'),
        error: expect.objectContaining({ name: 'AccessDeniedException', message: failure.message }),
      }),
    );
  });

  it('fails the cold start on a bad environment, naming the variable', async () => {
    vi.stubEnv('API_PATHS_DECODED', 'yes');
    vi.resetModules();
    try {
      await expect(import('../../../functions/api/handler.js')).rejects.toThrowError(
        /API_PATHS_DECODED: must be true or false/,
      );
    } finally {
      vi.stubEnv('API_PATHS_DECODED', 'true');
    }
  });
});
