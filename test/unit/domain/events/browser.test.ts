import Bowser from 'bowser';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createBrowserOf } from '../../../../functions/domain/events/browser.js';
import { acceptedEvent } from '../../../helpers/normalize-object.js';

const FIREFOX = 'Mozilla/5.0 (X11; Linux x86_64; rv:121.0) Gecko/20100101 Firefox/121.0';

describe('createBrowserOf', () => {
  it('names the browser of a user agent', () => {
    expect(createBrowserOf()(FIREFOX)).toBe('Firefox');
  });

  it('gives null for an agent that names no browser', () => {
    expect(createBrowserOf()('curl-ish nonsense \u0000')).toBeNull();
  });

  it('names an agent alike the first time and every later time, among many agents', () => {
    const agents = Array.from({ length: 80 }, (_, n) =>
      n % 2 === 0 ? FIREFOX.replace('121', String(100 + n)) : `curl-ish nonsense ${n}`,
    );
    const browserOf = createBrowserOf();
    const first = agents.map((agent) => browserOf(agent));
    // The same texts as new strings, as each record's slice is.
    const again = agents.map((agent) => browserOf(` ${agent}`.slice(1)));
    expect(again).toEqual(first);
    expect(first).toEqual(agents.map((agent) => createBrowserOf()(agent)));
    expect(first.filter((name) => name === 'Firefox')).toHaveLength(40);
  });

  it('feeds the device of a Segment event from context.userAgent', () => {
    const event = acceptedEvent(
      'segment',
      { type: 'track', userId: 'u', timestamp: '2024-01-01T09:00:00Z', context: { userAgent: FIREFOX } },
      createBrowserOf(),
    );
    expect(event.device).toEqual({ type: null, os: null, browser: 'Firefox' });
  });
});

describe('the cache of createBrowserOf', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('reads an agent once while the cache holds it', () => {
    const parse = vi.spyOn(Bowser, 'parse');
    const browserOf = createBrowserOf();

    expect([browserOf(FIREFOX), browserOf(FIREFOX)]).toEqual(['Firefox', 'Firefox']);
    expect(parse).toHaveBeenCalledTimes(1);
  });

  it('holds agents up to a number of characters, not only of entries: an agent may be megabytes long', () => {
    const parse = vi.spyOn(Bowser, 'parse');
    const browserOf = createBrowserOf(1000);
    browserOf(FIREFOX);
    // Ten distinct agents of 300 characters: ten entries, three thousand characters.
    for (let index = 0; index < 10; index++)
      browserOf(`${FIREFOX} ${String(index).repeat(300)}`.slice(0, 300));
    parse.mockClear();

    expect(browserOf(FIREFOX)).toBe('Firefox');
    expect(parse).toHaveBeenCalledTimes(1);
  });

  it('holds no agent longer than it may hold, and still names its browser', () => {
    const parse = vi.spyOn(Bowser, 'parse');
    const browserOf = createBrowserOf(100);
    const long = `${FIREFOX} ${'x'.repeat(100)}`;

    expect([browserOf(long), browserOf(long)]).toEqual(['Firefox', 'Firefox']);
    expect(parse).toHaveBeenCalledTimes(2);
  });
});
