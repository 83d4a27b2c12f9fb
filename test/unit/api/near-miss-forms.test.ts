// Near misses of paths whose slip is in the id's form or before it: a `~b64.` form followed by a misspelt
// route or sent with spaces around it, and a path with one `/` too many before the id (`//users/alice`,
// `/users//alice`, as a base URL ending with `/` joined to a path gives). Each answer names a path that works.
import { describe, expect, it } from 'vitest';
import { base64Id } from '../../../contract/index.js';
import { eventsForSessions, FakeSessionReader } from '../../helpers/fake-session-reader.js';
import { apiEvent, errorOf, gatewayEvent, send } from './api-event.js';
import { FIRST_SESSION_ID, makeHandler, ODD_USER, T0 } from './lookup-fixture.js';

const USERS = ['alice', ODD_USER, 'x/sessions'];

/** The paths a near miss's message names (`{sessionId}` stands for any session's id). */
function namedPaths(message: string): string[] {
  return (message.match(/\/users\/[^\s(),]+/g) ?? []).map((path) =>
    path.replace('{sessionId}', FIRST_SESSION_ID),
  );
}

describe.each([
  ['encoded', false],
  ['decoded', true],
])('near misses in the id’s form or before it, with paths arriving %s', (_arrival, pathsDecoded) => {
  const reader = FakeSessionReader.fromEvents(USERS.flatMap((userId) => eventsForSessions(userId, 1, T0)));
  const { handler } = makeHandler({ reader, pathsDecoded });

  /** `path` as a client sends it (percent-encoded): as is, or decoded as API Gateway hands it on. */
  const request = (path: string) => {
    const url = new URL(path, 'https://api.example.test');
    const query = url.search.slice(1);
    const rawPath = path.split('?')[0] as string;
    return pathsDecoded
      ? gatewayEvent('GET', decodeURIComponent(rawPath), { query })
      : apiEvent('GET', rawPath, { query });
  };

  it.each(
    USERS.flatMap((user): [string, string][] => {
      const form = base64Id(user);
      const id = encodeURIComponent(user);
      return [
        [user, `/users/${form}/session`],
        [user, `/users/${form}/sesions/${FIRST_SESSION_ID}`],
        [user, `/users/${form}/session%2F`],
        [user, `/users/%20${form}`],
        [user, `/users/${form}%20/sessions`],
        [user, `/users//${form}/sessions`],
        [user, `//users/${form}/sessions/${FIRST_SESSION_ID}`],
        // Behind API Gateway `x/sessions` as is names another route: such an id travels in its ~b64. form.
        ...(pathsDecoded && user === 'x/sessions'
          ? []
          : ([
              [user, `/users//${id}`],
              [user, `//users/${id}`],
              [user, `///users/${id}/sessions`],
            ] as [string, string][])),
      ];
    }),
  )('answers %j’s %s naming a path that works', async (user, path) => {
    const slip = await send(handler, request(path));
    expect(slip.status, JSON.stringify(slip.body)).toBeGreaterThanOrEqual(400);
    const message = errorOf(slip).message;
    const paths = namedPaths(message);
    expect(paths.length, message).toBeGreaterThan(0);
    for (const named of paths) {
      const followed = await send(handler, request(named));
      expect(followed.status, `${named}, from: ${message}`).toBe(200);
      expect((followed.body as { userId: string }).userId).toBe(user);
    }
  });

  it('still answers a path no user is a slip away from as before', async () => {
    for (const path of ['//users/nobody', '/users//nobody', `/users/${base64Id('nobody')}/session`]) {
      const answer = await send(handler, request(path));
      expect(errorOf(answer).message, path).not.toContain('names a user who exists');
    }
    expect(errorOf(await send(handler, request('//users/nobody'))).message).toBe('Route not found');
    expect(errorOf(await send(handler, request('/users//nobody'))).message).toBe('User not found');
  });
});
