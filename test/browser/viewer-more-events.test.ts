// A long session's events past the first batch: loaded on request to the last one, the page keeping at most
// MAX_SHOWN_EVENTS, a failed batch retried without losing what is shown, and a batch still on its way when
// another session opens kept out of that session's panel.
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { type ApiEvent, type ApiSession, BOT, type FakeUser, makeUser } from './fixtures.js';
import { settled, useViewer } from './viewer-harness.js';

const DAY = 24 * 60 * 60_000;
/** A session longer than the page keeps (20,000 events), and one after it. */
const LONG: FakeUser = (() => {
  const user = makeUser('long-bot', [Date.UTC(2024, 4, 1, 9), Date.UTC(2024, 4, 1, 9) + DAY], {
    eventCount: (i) => (i === 0 ? 21_000 : 6_000),
    durationMinutes: () => 600,
  });
  // Made once: the fake API asks for all of a session's events to answer each page of them.
  const made = new Map<string, ApiEvent[]>();
  const events = (sessionId: string) =>
    made.get(sessionId) ?? made.set(sessionId, user.events(sessionId)).get(sessionId) ?? [];
  return { ...user, events };
})();
const viewer = useViewer([LONG]);
const { userUrl, open, expectCleanRun } = viewer;

async function eventIds(page: Page): Promise<string[]> {
  return page
    .locator('.events .event')
    .evaluateAll((items) => items.map((item) => item.getAttribute('data-event-id') ?? ''));
}

async function heading(page: Page): Promise<string | null> {
  return page.locator('.event-timeline h3').textContent();
}

async function loadMore(page: Page, label: string, then: string): Promise<void> {
  // By class, not role: a role query walks the thousands of rows.
  await page.locator('.event-timeline button', { hasText: label }).click();
  await page.locator('.event-timeline h3', { hasText: then }).waitFor();
}

describe('the events of a long session in Chromium', () => {
  it('loads the events after the first batch on request, to the last event', async () => {
    const session = BOT.sessions[0] as ApiSession;
    const tracked = await open(userUrl('bot', session.sessionId));
    const { page } = tracked;
    await page.locator(`.panel-body[data-open-session-id="${session.sessionId}"]`).waitFor();
    await expect(page.locator('.events-status').textContent()).resolves.toBe(
      'Events 1–5,000 of 6,500 shown.',
    );

    await loadMore(page, 'Load the last 1,500 events', 'Events (6,500)');
    expect(await eventIds(page)).toEqual(BOT.events(session.sessionId).map((event) => event.id));
    expect(await page.locator('.event-strip .event-tick').count()).toBe(6_500);
    await expect(page.locator('.event-strip').getAttribute('aria-label')).resolves.toMatch(
      /^6,500 events over /,
    );
    await expect(page.locator('.events-status').textContent()).resolves.toBe(
      'Events 1–6,500 shown, through the session’s last.',
    );
    await expect(page.locator('.events-load').count()).resolves.toBe(0);
    const cursors = viewer.api.requests.filter(
      (request) =>
        request.startsWith(`GET /users/bot/sessions/${session.sessionId}?`) && request.includes('cursor='),
    );
    // The first batch's four pages after its first, the second's two.
    expect(cursors).toHaveLength(6);
    expectCleanRun(tracked);
    await page.close();
  });

  it('keeps at most 20,000 events on the page, says which, and goes back to the first', async () => {
    const session = LONG.sessions[0] as ApiSession;
    const all = LONG.events(session.sessionId).map((event) => event.id);
    const tracked = await open(userUrl('long-bot', session.sessionId));
    const { page } = tracked;
    await page.locator('.event-timeline h3', { hasText: 'Events (the first 5,000 of 21,000)' }).waitFor();
    for (const shown of ['10,000', '15,000', '20,000']) {
      await loadMore(page, 'Load the next 5,000 events', `Events (the first ${shown} of 21,000)`);
    }
    await loadMore(page, 'Load the last 1,000 events', 'Events (5,001–21,000 of 21,000)');
    expect(await eventIds(page)).toEqual(all.slice(5_000));
    expect(await page.locator('.event-strip .event-tick').count()).toBe(16_000);
    await expect(page.locator('.events-dropped').textContent()).resolves.toBe(
      'Events 1–5,000 are no longer on the page, which keeps at most 20,000. Back to the first events',
    );
    await expect(page.locator('.event-strip').getAttribute('aria-label')).resolves.toMatch(
      /^5,001–21,000 of 21,000 events over /,
    );

    await page.locator('.events-dropped button').click();
    await page.locator('.event-timeline h3', { hasText: 'Events (the first 5,000 of 21,000)' }).waitFor();
    expect(await eventIds(page)).toEqual(all.slice(0, 5_000));
    await expect(page.locator('.events-dropped').isHidden()).resolves.toBe(true);
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe(
      'Events (the first 5,000 of 21,000)',
    );
    expectCleanRun(tracked);
    await page.close();
  }, 120_000);

  it('shows a failed batch with a retry that keeps the events shown', async () => {
    const session = BOT.sessions[0] as ApiSession;
    const tracked = await open(userUrl('bot', session.sessionId));
    const { page } = tracked;
    await page.locator(`.panel-body[data-open-session-id="${session.sessionId}"]`).waitFor();
    const restore = viewer.api.drop(`/users/bot/sessions/${session.sessionId}`);
    await page.locator('.events-load').click();
    const failure = page.locator('.events-more [data-state="error"]');
    await expect(failure.textContent()).resolves.toBe(
      'Could not load the events from 5,001 on. Could not reach the API at this server: when npm start or npm run viewer serves this page, check that it still runs. Try again',
    );
    await expect(heading(page)).resolves.toBe('Events (the first 5,000 of 6,500)');
    expect(await page.locator('.events .event').count()).toBe(5_000);
    // The keyboard stays where the person asked for the batch.
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Try again');

    restore();
    await loadMore(page, 'Try again', 'Events (6,500)');
    expect(await eventIds(page)).toEqual(BOT.events(session.sessionId).map((event) => event.id));
    expectCleanRun(tracked, 1);
    await page.close();
  });

  it('starts again from the first events when the API no longer accepts the cursor', async () => {
    const session = BOT.sessions[0] as ApiSession;
    const tracked = await open(userUrl('bot', session.sessionId));
    const { page } = tracked;
    await page.locator(`.panel-body[data-open-session-id="${session.sessionId}"]`).waitFor();
    // The API's signing key was replaced: the next batch's cursor is now a 400, whatever the retries.
    viewer.api.invalidateCursors();
    await page.locator('.events-load').click();
    await expect(page.locator('.events-more [data-state="error"]').textContent()).resolves.toMatch(
      /^Could not load the events from 5,001 on\. The API answered 400: .*cursor is not a valid cursor.* Start again from the first events$/,
    );
    expect(await page.locator('.events .event').count()).toBe(5_000);

    await loadMore(page, 'Start again from the first events', 'Events (the first 5,000 of 6,500)');
    await loadMore(page, 'Load the last 1,500 events', 'Events (6,500)');
    expect(await eventIds(page)).toEqual(BOT.events(session.sessionId).map((event) => event.id));
    expectCleanRun(tracked, 1);
    await page.close();
  });

  it('says the session changed when its id answers 404, and reloads the user’s sessions instead of retrying', async () => {
    const session = BOT.sessions[0] as ApiSession;
    const tracked = await open(userUrl('bot', session.sessionId));
    const { page } = tracked;
    await page.locator(`.panel-body[data-open-session-id="${session.sessionId}"]`).waitFor();
    // A late event moved the session's start: its id, the start, answers 404 from now on.
    const restore = viewer.api.gone(`/users/bot/sessions/${session.sessionId}`);
    // The time the session was in is read again: held, so that its answer is known to be in before the check.
    const release = viewer.api.hold('/users/bot/sessions?');
    await page.locator('.events-load').click();
    const failure = page.locator('.events-more [data-state="error"]');
    await expect(failure.textContent()).resolves.toBe(
      `Could not load the events from 5,001 on. Session \u2068${session.sessionId}\u2069 is gone since it was ` +
        'opened: a late event merged it into the session before it or moved its start, which gives it another ' +
        'id. It is no longer drawn on the timeline. Reload the user’s sessions',
    );
    await expect(failure.locator('button').allTextContents()).resolves.toEqual([
      'Reload the user’s sessions',
    ]);
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Reload the user’s sessions');
    expect(await page.locator('.events .event').count()).toBe(5_000);
    const mark = page.locator(`svg.chart [data-session-id="${session.sessionId}"]`);
    await page.locator('.timeline-status', { hasText: 'loading' }).waitFor();
    await expect(mark.count()).resolves.toBe(0);
    release();
    await settled(page);
    // The API lists it no more either: it stays gone from the timeline.
    await expect(mark.count()).resolves.toBe(0);

    const before = viewer.api.requests.length;
    await failure.locator('button').click();
    // Its one session gone, the user has none now.
    await page.locator('[data-state="empty"]', { hasText: 'This user has no sessions yet.' }).waitFor();
    await expect(page.locator('#session-panel').count()).resolves.toBe(0);
    expect(new URL(page.url()).searchParams.get('session')).toBeNull();
    expect(new URL(page.url()).searchParams.get('user')).toBe('bot');
    const again = viewer.api.requests.slice(before);
    expect(again[0]).toBe('GET /users/bot');
    restore();
    expectCleanRun(tracked, 1);
    await page.close();
  });

  it('shows the session as later batches report it in the attributes: events, end, duration, pages', async () => {
    const session = LONG.sessions[0] as ApiSession;
    const tracked = await open(userUrl('long-bot', session.sessionId));
    const { page } = tracked;
    await page.locator('.event-timeline h3', { hasText: 'Events (the first 5,000 of 21,000)' }).waitFor();
    const attribute = (term: string) => page.locator(`#session-panel .facts dt:text-is("${term}") + dd`);
    await expect(attribute('Events').textContent()).resolves.toBe('21,000');
    await expect(attribute('Ended').textContent()).resolves.toBe('2024-05-01 19:00:00 UTC');
    await expect(attribute('Duration').textContent()).resolves.toBe('10 h');
    await expect(attribute('Page views').textContent()).resolves.toBe('10,500');
    // Events arrived since the session was opened, the last 45 min 30 s after its end then, on another page:
    // the next batch says the session as it is now.
    const restore = viewer.api.reportSession(`/users/long-bot/sessions/${session.sessionId}`, {
      eventCount: 21_500,
      endedAt: '2024-05-01T19:45:30.000Z',
      durationSeconds: 10 * 3600 + 45 * 60 + 30,
      pageViews: 10_750,
      exitPage: {
        url: 'https://shop.example/checkout',
        path: '/checkout',
        title: 'Checkout',
        referrer: null,
      },
    });
    await loadMore(page, 'Load the next 5,000 events', 'Events (the first 10,000 of 21,500)');
    await expect(attribute('Events').textContent()).resolves.toBe('21,500');
    await expect(attribute('Ended').textContent()).resolves.toBe('2024-05-01 19:45:30 UTC');
    await expect(attribute('Duration').textContent()).resolves.toBe('10 h 45 min');
    await expect(attribute('Page views').textContent()).resolves.toBe('10,750');
    await expect(attribute('Exit page').textContent()).resolves.toBe('Checkouthttps://shop.example/checkout');
    await expect(page.locator('.event-strip').getAttribute('aria-label')).resolves.toBe(
      'The first 10,000 of 21,500 events over 10 h 45 min',
    );
    restore();
    expectCleanRun(tracked);
    await page.close();
  });

  it('places every event on the strip by the end later batches report, the earlier batches’ too', async () => {
    const session = LONG.sessions[0] as ApiSession;
    const tracked = await open(userUrl('long-bot', session.sessionId));
    const { page } = tracked;
    await page.locator('.event-timeline h3', { hasText: 'Events (the first 5,000 of 21,000)' }).waitFor();
    const endedAt = Date.parse('2024-05-01T19:45:30.000Z');
    const restore = viewer.api.reportSession(`/users/long-bot/sessions/${session.sessionId}`, {
      endedAt: new Date(endedAt).toISOString(),
      durationSeconds: (endedAt - Date.parse(session.startedAt)) / 1000,
    });
    await loadMore(page, 'Load the next 5,000 events', 'Events (the first 10,000 of 21,000)');
    const xs = await page
      .locator('.event-strip .event-tick')
      .evaluateAll((ticks) => ticks.map((tick) => Number(tick.getAttribute('x1'))));
    // The events are in time order, so are their ticks, on one scale: the session from its start to its end now.
    expect(xs.every((x, index) => index === 0 || x >= (xs[index - 1] as number))).toBe(true);
    const at = (index: number) => {
      const event = LONG.events(session.sessionId)[index] as ApiEvent;
      const share =
        (Date.parse(event.timestamp) - Date.parse(session.startedAt)) /
        (endedAt - Date.parse(session.startedAt));
      return 4 + share * 992;
    };
    expect(xs[4_999]).toBeCloseTo(at(4_999), 0);
    expect(xs[9_999]).toBeCloseTo(at(9_999), 0);
    restore();
    expectCleanRun(tracked);
    await page.close();
  });

  it('shows the session as later batches report it in its timeline mark and table row too', async () => {
    const session = LONG.sessions[0] as ApiSession;
    const tracked = await open(userUrl('long-bot', session.sessionId));
    const { page } = tracked;
    await page.locator('.event-timeline h3', { hasText: 'Events (the first 5,000 of 21,000)' }).waitFor();
    const mark = page.locator(`svg.chart [data-session-id="${session.sessionId}"]`);
    const row = page.locator(`tr[data-row-session-id="${session.sessionId}"] td`);
    await expect(mark.getAttribute('aria-label')).resolves.toBe(
      'Session 1: 2024-05-01 09:00:00 UTC, 10 h, 21,000 events, 10,500 page views',
    );
    const restore = viewer.api.reportSession(`/users/long-bot/sessions/${session.sessionId}`, {
      eventCount: 21_500,
      endedAt: '2024-05-01T19:45:30.000Z',
      durationSeconds: 10 * 3600 + 45 * 60 + 30,
      pageViews: 10_750,
    });
    await loadMore(page, 'Load the next 5,000 events', 'Events (the first 10,000 of 21,500)');
    const grown = 'Session 1: 2024-05-01 09:00:00 UTC, 10 h 45 min, 21,500 events, 10,750 page views';
    await page.waitForFunction(
      ([id, label]) =>
        document.querySelector(`svg.chart [data-session-id="${id}"]`)?.getAttribute('aria-label') === label,
      [session.sessionId, grown],
      { timeout: 5_000 },
    );
    await expect(mark.locator('title').textContent()).resolves.toBe(grown);
    await expect(row.allTextContents()).resolves.toEqual(
      expect.arrayContaining(['10 h 45 min', '21,500', '10,750']),
    );
    restore();
    expectCleanRun(tracked);
    await page.close();
  });

  it('keeps a batch still on its way out of another session opened meanwhile', async () => {
    const [first, second] = LONG.sessions as [ApiSession, ApiSession];
    const tracked = await open(userUrl('long-bot', first.sessionId));
    const { page } = tracked;
    await page.locator(`.panel-body[data-open-session-id="${first.sessionId}"]`).waitFor();
    const release = viewer.api.hold(`/users/long-bot/sessions/${first.sessionId}`);
    await page.locator('.events-load').click();
    await expect(page.locator('.events-load').textContent()).resolves.toBe('Loading…');

    await page.locator(`svg.chart [data-session-id="${second.sessionId}"]`).click();
    await page.locator(`.panel-body[data-open-session-id="${second.sessionId}"]`).waitFor();
    release();
    // The held batch is answered now; had it been kept, it would land in the panel by the next round trip.
    await page.evaluate(() => fetch('/favicon.svg').then((response) => response.text()));
    await expect(heading(page)).resolves.toBe('Events (the first 5,000 of 6,000)');
    const ids = await eventIds(page);
    expect(ids).toEqual(
      LONG.events(second.sessionId)
        .slice(0, 5_000)
        .map((event) => event.id),
    );
    expectCleanRun(tracked);
    await page.close();
  });

  it('lets the keyboard reach and scroll the list of events, which it names', async () => {
    const session = BOT.sessions[0] as ApiSession;
    const { page } = await open(userUrl('bot', session.sessionId));
    const list = page.locator('.events');
    await page.locator('.event-timeline h3', { hasText: 'Events (the first 5,000 of 6,500)' }).waitFor();
    // A tab stop of its own, not only where a browser makes scrolling boxes focusable (Chromium alone).
    await expect(list.getAttribute('tabindex')).resolves.toBe('0');
    // The name Chromium gives it, as a screen reader hears it on reaching it.
    const cdp = await page.context().newCDPSession(page);
    const { root } = await cdp.send('DOM.getDocument');
    const { nodeId } = await cdp.send('DOM.querySelector', { nodeId: root.nodeId, selector: '.events' });
    const { nodes } = await cdp.send('Accessibility.getPartialAXTree', { nodeId, fetchRelatives: false });
    expect(nodes[0]?.name?.value).toBe('Events (the first 5,000 of 6,500)');
    // Tab from the heading above it reaches it past the skip link (its events' links come after it), and End
    // scrolls it.
    await page.locator('.event-timeline h3').focus();
    await page.keyboard.press('Tab');
    await expect(
      page.locator('.skip-link').evaluate((link) => link === document.activeElement),
    ).resolves.toBe(true);
    await page.keyboard.press('Tab');
    expect(await list.evaluate((element) => element === document.activeElement)).toBe(true);
    await page.keyboard.press('End');
    await page.waitForFunction(() => (document.querySelector('.events')?.scrollTop ?? 0) > 0);
    await page.close();
  });
});
