// The fake API of the browser tests answers a path whose last segment after /sessions/ is no session id as the
// lookup handler does (that handler over a reader with a user of the same name): the viewer is tested against
// the answers it gets from the real API, not a 404 the real API never gives for such a path.
import { describe, expect, it } from 'vitest';
import { call } from '../unit/api/api-event.js';
import { makeHandler } from '../unit/api/lookup-fixture.js';
import { answer } from './fake-api-routes.js';
import { ALICE } from './fixtures.js';

describe('the fake API beside the lookup handler', () => {
  const { handler } = makeHandler();

  it.each([
    ['a word', '/users/alice/sessions/latest'],
    ['lower case', '/users/alice/sessions/20240304t090000000z'],
    ['a month 13', '/users/alice/sessions/20241304T090000000Z'],
    ['a percent-encoded session id', '/users/alice/sessions/%32%30240304T090000000Z'],
    ['an escape that is no UTF-8', '/users/alice/sessions/%ZZ'],
    ['nothing', '/users/alice/sessions/'],
    ['a word after no user', '/users/nobody/sessions/latest'],
    ['an escape that is no UTF-8 after no user', '/users/nobody/sessions/%FF'],
  ])('answers a session id that is %s as the API does (%s)', async (_what, path) => {
    const real = await call(handler, 'GET', path);
    const fake = await answer({ users: [ALICE] }, path, new URLSearchParams());
    expect({ status: fake.status, body: fake.body }).toEqual({ status: real.status, body: real.body });
  });
});
