// The fake API of the browser tests answers a path whose last segment after /sessions/ is no session id, that
// goes on after it, or whose user id is malformed, as the lookup handler does (that handler over a reader with
// a user of the same name): the viewer is tested against the answers it gets from the real API, not a 404 the
// real API never gives for such a path. And it refuses the queries the API refuses (a bad limit, order, cursor,
// filter, or a parameter the route does not take) with the API's own words, from query-params.ts.
import { describe, expect, it } from 'vitest';
import { call } from '../unit/api/api-event.js';
import { makeHandler } from '../unit/api/lookup-fixture.js';
import { answer } from './fake-api-routes.js';
import { ALICE } from './fixtures.js';

describe('the fake API beside the lookup handler', () => {
  const { handler } = makeHandler();

  it.each([
    ['a session id that is a word', '/users/alice/sessions/latest'],
    ['a session id that is lower case', '/users/alice/sessions/20240304t090000000z'],
    ['a session id that is a month 13', '/users/alice/sessions/20241304T090000000Z'],
    ['a session id that is a percent-encoded session id', '/users/alice/sessions/%32%30240304T090000000Z'],
    ['a session id that is an escape that is no UTF-8', '/users/alice/sessions/%ZZ'],
    ['a session id that is nothing', '/users/alice/sessions/'],
    ['a session id that is a word after no user', '/users/nobody/sessions/latest'],
    ['a session id that is an escape that is no UTF-8 after no user', '/users/nobody/sessions/%FF'],
    ['a session id that is no UTF-8, more after it, after no user', '/users/nobody/sessions/%ZZ/more'],
    ['a session id that is no UTF-8, more after it', '/users/alice/sessions/%ZZ/more'],
    ['a session id that is a word, more after it', '/users/alice/sessions/latest/more'],
    ['more after a session id', '/users/alice/sessions/20240304T090000000Z/events'],
    ['a list route after a session id that is no UTF-8', '/users/nobody/sessions/%ZZ/sessions'],
    ['a user id that is no UTF-8', '/users/%ZZ'],
    ['a list of a user id that is no UTF-8', '/users/%C3/sessions'],
    ['a segment that is no UTF-8 after a user id', '/users/alice/%ZZ'],
    ['a segment that is no UTF-8 after no user', '/users/nobody/%ZZ'],
    ['a misspelt route, then a segment that is no UTF-8', '/users/alice/sesions/%ZZ'],
    ['a list after a segment that is no UTF-8', '/users/alice/%ZZ/sessions'],
    ['a ~b64. id followed by a segment that is no UTF-8', '/users/~b64.YWxpY2U/%ZZ'],
    ['a ~b64. id, then a list after a segment that is no UTF-8', '/users/~b64.YWxpY2U/%ZZ/sessions'],
  ])('answers a path with %s as the API does (%s)', async (_what, path) => {
    const real = await call(handler, 'GET', path);
    const fake = await answer({ users: [ALICE] }, path, '');
    expect({ status: fake.status, body: fake.body }).toEqual({ status: real.status, body: real.body });
  });

  // The queries each route refuses: the fake's data differ from the handler's, its refusals must not.
  const SESSION = '/users/alice/sessions/20240304T090000000Z';
  it.each([
    ['/users/alice/sessions', 'limit=0'],
    ['/users/alice/sessions', 'limit=abc'],
    ['/users/alice/sessions', 'limit=51'],
    ['/users/alice/sessions', 'limit=5&limit=6'],
    ['/users/alice/sessions', 'order=up'],
    ['/users/alice/sessions', 'bogus=1'],
    ['/users/alice/sessions', 'Limit=5'],
    ['/users/alice/sessions', '%FF=1'],
    ['/users/alice/sessions', '=1'],
    ['/users/alice/sessions', 'cursor=abc'],
    ['/users/alice/sessions', 'cursor='],
    ['/users/alice/sessions', 'from=yesterday'],
    ['/users/alice/sessions', 'from=2024-02-01T00:00:00Z&to=2024-01-01T00:00:00Z'],
    ['/users/alice/sessions', 'bounce=yes'],
    ['/users/alice/sessions', 'campaignSource='],
    ['/users/alice/sessions', 'campaignSource=~b64.a%3D'],
    ['/users/alice/sessions', 'campaignSource=%FF'],
    [SESSION, 'limit=0'],
    [SESSION, 'limit=1001'],
    [SESSION, 'order=asc'],
    [SESSION, 'cursor=abc'],
    ['/users/alice', 'limit=5'],
    ['/users/alice', 'bogus=1'],
    ['/users/nobody/sessions', 'limit=abc'],
    ['/users/nobody/sessions', 'cursor=abc'],
    ['/users/nobody/sessions/20240304T090000000Z', 'cursor=abc'],
    ['/users/nobody', 'order=asc'],
  ])('refuses %s?%s as the API does', async (path, query) => {
    const real = await call(handler, 'GET', path, { query });
    const fake = await answer({ users: [ALICE] }, path, query);
    expect(real.status).toBe(400);
    expect({ status: fake.status, body: fake.body }).toEqual({ status: real.status, body: real.body });
  });
});
