// A page's url is said once in its event row and in the session's attributes: a page view without a name or a
// title is labelled by its url, and a page whose title is its url (as many sites leave it) has nothing else.
import { describe, expect, it } from 'vitest';
import { type ApiEvent, type ApiSession, type FakeUser, makeUser } from './fixtures.js';
import { useViewer } from './viewer-harness.js';

const URL_ONLY = 'https://shop.example/only-url?x=1';
const TITLE_IS_URL = 'https://shop.example/titled-by-url';
/** Reads like a google url once its right-to-left override reverses the rest. */
const SPOOF = 'https://evil.example/#\u202emoc.elgoog//:sptth';
const SPOOF_SHOWN = 'https://evil.example/#\\u202emoc.elgoog//:sptth';
const base = makeUser('urls', [Date.UTC(2024, 7, 1, 10)], { eventCount: () => 6 });
const session = base.sessions[0] as ApiSession;
const page = { url: TITLE_IS_URL, path: '/titled-by-url', title: TITLE_IS_URL, referrer: SPOOF };
const USER: FakeUser = {
  ...base,
  sessions: [{ ...session, entryPage: page, exitPage: page }],
  events: (sessionId) =>
    base.events(sessionId).map((event, index): ApiEvent => {
      if (index === 0) return { ...event, name: null, title: 'Shop', url: SPOOF, path: null };
      if (index === 1) return { ...event, name: null, title: null, url: URL_ONLY, path: '/only-url' };
      if (index === 3) return { ...event, name: null, title: TITLE_IS_URL, url: TITLE_IS_URL, path: null };
      // Named, and titled with its url: the name, then the url once.
      if (index === 5)
        return { ...event, name: 'Checkout', title: TITLE_IS_URL, url: TITLE_IS_URL, path: null };
      return event;
    }),
};

const viewer = useViewer([USER]);

const occurrences = (text: string, part: string) => text.split(part).length - 1;

describe('an event row and an entry page whose label is the url', () => {
  it('shows the url once, as a link', async () => {
    const tracked = await viewer.open(viewer.userUrl('urls', session.sessionId));
    const { page: tab } = tracked;
    const rows = tab.locator(`.panel-body[data-open-session-id="${session.sessionId}"] .events .event`);
    await rows.first().waitFor();
    for (const [index, url] of [
      [1, URL_ONLY],
      [3, TITLE_IS_URL],
    ] as const) {
      const row = rows.nth(index);
      expect(occurrences((await row.textContent()) ?? '', url)).toBe(1);
      await expect(row.locator('a.url').getAttribute('href')).resolves.toBe(url);
      await expect(row.locator('.label a.url').count()).resolves.toBe(1);
    }
    const named = rows.nth(5);
    await expect(named.locator('.label').textContent()).resolves.toBe('Checkout');
    expect(occurrences((await named.textContent()) ?? '', TITLE_IS_URL)).toBe(1);
    await expect(named.locator('.detail a.url').getAttribute('href')).resolves.toBe(TITLE_IS_URL);
    const entry = tab.locator('.facts dt', { hasText: 'Entry page' }).locator('+ dd');
    expect(occurrences((await entry.textContent()) ?? '', TITLE_IS_URL)).toBe(1);
    await expect(entry.locator('a.url').getAttribute('href')).resolves.toBe(TITLE_IS_URL);
    viewer.expectCleanRun(tracked);
    await tab.close();
  });

  it('shows a url left to right with its bidirectional controls as escapes, as a link and as the referrer', async () => {
    const tracked = await viewer.open(viewer.userUrl('urls', session.sessionId));
    const { page: tab } = tracked;
    const panel = tab.locator(`.panel-body[data-open-session-id="${session.sessionId}"]`);
    await panel.locator('.events .event').first().waitFor();
    const referrer = tab.locator('.facts dt', { hasText: 'Referrer' }).locator('+ dd a.url');
    for (const link of [panel.locator('.events .event').first().locator('a.url'), referrer]) {
      await expect(link.textContent()).resolves.toBe(SPOOF_SHOWN);
      await expect(link.getAttribute('dir')).resolves.toBe('ltr');
      await expect(link.evaluate((element) => getComputedStyle(element).unicodeBidi)).resolves.toBe(
        'isolate',
      );
      await expect(link.getAttribute('href')).resolves.toBe(new URL(SPOOF).href);
    }
    viewer.expectCleanRun(tracked);
    await tab.close();
  });
});
