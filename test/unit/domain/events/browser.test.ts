import { describe, expect, it } from 'vitest';
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

  it('feeds the device of a Segment event from context.userAgent', () => {
    const event = acceptedEvent(
      'segment',
      { type: 'track', userId: 'u', timestamp: '2024-01-01T09:00:00Z', context: { userAgent: FIREFOX } },
      createBrowserOf(),
    );
    expect(event.device).toEqual({ type: null, os: null, browser: 'Firefox' });
  });
});
