import { describe, expect, it } from 'vitest';
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
  });

  it('round-trips ids with +, &, =, /, #, % and non-ASCII', () => {
    const location = { user: 'a+b&c=d/e#f%g ü😀', session: '20240101T090000000Z' };
    const search = locationSearch(location);
    expect(search).not.toContain('+b');
    expect(readLocation(search)).toEqual(location);
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
