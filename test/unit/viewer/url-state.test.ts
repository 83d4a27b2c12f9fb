import { describe, expect, it } from 'vitest';
import { base64Id } from '../../../contract/index.js';
import { locationSearch, readLocation, sameLocation } from '../../../viewer/src/url-state.js';

describe('viewer URL state', () => {
  it('reads a user and a session', () => {
    expect(readLocation('?user=alice&session=20240101T090000000Z')).toEqual({
      user: 'alice',
      session: '20240101T090000000Z',
    });
  });

  it('ignores blank ids and a session without a user', () => {
    expect(readLocation('')).toEqual({ user: null, session: null });
    expect(readLocation('?user=%20&session=x')).toEqual({ user: null, session: null });
    expect(readLocation('?session=20240101T090000000Z')).toEqual({ user: null, session: null });
    // The ~b64. form of nothing, or of blanks, is blank too: the start page, not a request for the id "".
    expect(readLocation('?user=~b64.&session=x')).toEqual({ user: null, session: null });
    expect(readLocation(`?user=${base64Id('  ')}`)).toEqual({ user: null, session: null });
  });

  it('round-trips ids with +, &, =, /, #, % and non-ASCII', () => {
    const location = { user: 'a+b&c=d/e#f%g ü😀', session: '20240101T090000000Z' };
    const search = locationSearch(location);
    expect(search).not.toContain('+b');
    expect(readLocation(search)).toEqual(location);
  });

  it('round-trips an id with a lone surrogate as its ~b64. form, never as the U+FFFD id of another user', () => {
    const lone = { user: 'L\ud800', session: null };
    const replaced = { user: 'L\ufffd', session: null };
    const search = locationSearch(lone);
    expect(new URLSearchParams(search).get('user')).toBe(base64Id('L\ud800'));
    expect(readLocation(search)).toEqual(lone);
    expect(readLocation(locationSearch(replaced))).toEqual(replaced);
    expect(locationSearch(replaced)).not.toBe(search);
  });

  it('reads a ~b64. form as the id it names, and writes an id that starts like one in that form', () => {
    expect(readLocation(`?user=${base64Id('a/b')}`).user).toBe('a/b');
    const literal = { user: '~b64.YQ', session: null };
    expect(readLocation(locationSearch(literal))).toEqual(literal);
    // Not the one form base64Id writes: the text itself.
    expect(readLocation('?user=~b64.YQ%3D%3D').user).toBe('~b64.YQ==');
  });

  it('writes nothing for the start page and no session when none is open', () => {
    expect(locationSearch({ user: null, session: 'ignored' })).toBe('');
    expect(locationSearch({ user: 'alice', session: null })).toBe('?user=alice');
  });

  it('compares locations by both ids', () => {
    expect(sameLocation({ user: 'a', session: null }, { user: 'a', session: null })).toBe(true);
    expect(sameLocation({ user: 'a', session: null }, { user: 'a', session: 's' })).toBe(false);
  });
});
