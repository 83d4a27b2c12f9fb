// Which 400 a path with a bad query gets, on each route, whatever names its user: a known user, an unknown one,
// a path whose id names no user only through what follows a `/sessions/` or through escapes that are no UTF-8
// (unnamed-user.ts checks the route's query itself) and an id that is no user id. Pins the order of the checks that routes.ts and unnamed-user.ts
// each make, so that a change to either (one query reader for both) keeps it.
import { describe, expect, it } from 'vitest';
import { type CallResult, call, errorOf } from './api-event.js';
import { FIRST_SESSION_ID, makeHandler } from './lookup-fixture.js';

const TAILS = ['', '/sessions', `/sessions/${FIRST_SESSION_ID}`];
/** One bad parameter each, and an unknown one beside a bad value: which is named depends on the route. */
const QUERIES = ['bogus=1', 'limit=0', 'cursor=abc', 'limit=0&bogus=1'];
const UNNAMED_OWNERS = ['nobody/sessions/%ZZ', `nobody/sessions/${'x'.repeat(600)}`, '%ZZ', '%ff/x'];

async function refusal(path: string, query: string): Promise<string> {
  const { handler } = makeHandler();
  const result: CallResult = await call(handler, 'GET', path, { query });
  return result.status === 400 ? `400 ${errorOf(result).parameter}` : `${result.status}`;
}

describe('a bad query', () => {
  it.each(TAILS)(
    'names the same parameter on /users/{id}%s for a known, an unknown and an unnamed id',
    async (tail) => {
      for (const query of QUERIES) {
        const known = await refusal(`/users/alice${tail}`, query);
        expect(known, query).toMatch(/^400 (bogus|limit|cursor)$/);
        for (const owner of ['nobody', ...UNNAMED_OWNERS]) {
          expect(await refusal(`/users/${owner}${tail}`, query), `${owner}${tail}?${query}`).toBe(known);
        }
      }
    },
  );

  it('is named before a bad value on a route that takes parameters, after it on a user’s, which takes none', async () => {
    expect(await refusal('/users/alice', 'limit=0&bogus=1')).toBe('400 limit');
    expect(await refusal('/users/alice/sessions', 'limit=0&bogus=1')).toBe('400 bogus');
    expect(await refusal(`/users/alice/sessions/${FIRST_SESSION_ID}`, 'limit=0&bogus=1')).toBe('400 bogus');
  });

  it('loses to the sessionId 400 of a known user’s misshapen session id, not of an unknown or unnamed one', async () => {
    for (const query of ['', ...QUERIES]) {
      expect(await refusal('/users/alice/sessions/latest', query), query).toBe('400 sessionId');
      for (const owner of ['nobody', ...UNNAMED_OWNERS]) {
        const expected = query === '' ? '404' : await refusal(`/users/${owner}`, query);
        expect(await refusal(`/users/${owner}/sessions/latest`, query), `${owner}?${query}`).toBe(expected);
      }
    }
  });

  it('loses to the userId 400 of an id that is no user id, on every route', async () => {
    for (const tail of [...TAILS, '/sessions/latest']) {
      for (const query of ['', ...QUERIES]) {
        expect(await refusal(`/users/~b64.YQ==${tail}`, query), `${tail}?${query}`).toBe('400 userId');
      }
    }
  });
});
