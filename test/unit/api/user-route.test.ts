import { describe, expect, it } from 'vitest';
import { JSON_CONTENT_TYPE } from '../../../functions/api/app.js';
import { eventsForSessions, FakeSessionReader } from '../../helpers/fake-session-reader.js';
import { call, userPath } from './api-event.js';
import { defaultEvents, makeHandler, T0 } from './lookup-fixture.js';

describe('GET /users/{userId}', () => {
  it('returns the summary with ISO timestamps', async () => {
    const { handler } = makeHandler();
    const result = await call(handler, 'GET', userPath('alice'));
    expect(result.status).toBe(200);
    expect(result.headers['content-type']).toBe(JSON_CONTENT_TYPE);
    expect(result.body).toEqual({
      userId: 'alice',
      sessionCount: 5,
      eventCount: 1 + 2 + 3 + 1 + 2,
      firstSeenAt: '2024-01-01T09:00:00.000Z',
      // The last session starts at 15:00 and has two events a minute apart.
      lastSeenAt: '2024-01-01T15:01:00.000Z',
      anonymousIds: { count: 0, items: [] },
      stitchedTo: null,
    });
  });

  it('lists the anonymousIds stitched to the user, sorted', async () => {
    const reader = FakeSessionReader.fromEvents(defaultEvents());
    reader.stitched.set('device-b', 'alice');
    reader.stitched.set('device-a', 'alice');
    reader.stitched.set('device-c', 'someone-else');
    const { handler } = makeHandler({ reader });
    const result = await call(handler, 'GET', userPath('alice'));
    expect(result.body).toMatchObject({ anonymousIds: { count: 2, items: ['device-a', 'device-b'] } });
  });

  it('serves a user who has sessions of their own and is also a stitched anonymousId, naming the user', async () => {
    const reader = FakeSessionReader.fromEvents([...eventsForSessions('device-a', 2, T0)]);
    reader.stitched.set('device-a', 'alice');
    const { handler } = makeHandler({ reader });
    const result = await call(handler, 'GET', userPath('device-a'));
    expect(result.status).toBe(200);
    expect(result.body).toMatchObject({ userId: 'device-a', sessionCount: 2, stitchedTo: 'alice' });
  });

  it('is 404 for an unknown user', async () => {
    const { handler } = makeHandler();
    const result = await call(handler, 'GET', userPath('nobody'));
    expect(result.status).toBe(404);
    expect(result.body).toEqual({ error: { code: 'not_found', message: 'User not found' } });
  });

  it('refuses an id of tens of thousands of slashes at once, however it ends', async () => {
    // The near misses read such a path for a slip; a regular expression that backtracks took 13 s here.
    const { handler } = makeHandler();
    const started = Date.now();
    const result = await call(handler, 'GET', `/users/${'/'.repeat(64_000)}x`);
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(result.status).toBe(400);
    expect(result.body).toMatchObject({ error: { parameter: 'userId' } });
  });

  it('refuses a query string: the summary takes no parameters', async () => {
    const { handler } = makeHandler();
    const result = await call(handler, 'GET', userPath('alice'), { query: 'limit=0&order=up' });
    expect(result.status).toBe(400);
    expect(result.body).toMatchObject({ error: { parameter: 'limit' } });
  });
});
