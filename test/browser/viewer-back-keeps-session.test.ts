// Back or Forward between two sessions of one user shows each as it was left (its events loaded past the first
// batch, the list scrolled), without reading it again from the API and without a "Loading session…" meanwhile,
// as Back to the user shown before shows that user's page (viewer-back-keeps-user.test.ts).
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { type ApiSession, makeUser } from './fixtures.js';
import { useViewer } from './viewer-harness.js';

const DAY = 24 * 60 * 60_000;
/** A session of more events than one batch, and one after it. */
const TWO = makeUser('two-sessions', [Date.UTC(2024, 5, 1, 9), Date.UTC(2024, 5, 1, 9) + DAY], {
  eventCount: (i) => (i === 0 ? 5_100 : 40),
  durationMinutes: () => 300,
});
const viewer = useViewer([TWO]);

const panelOf = (page: Page, session: ApiSession) =>
  page.locator(`.panel-body[data-open-session-id="${session.sessionId}"]`);

/** What the open session's panel shows: its heading, its events' heading and count, how far its list is scrolled. */
async function panelState(page: Page) {
  return {
    heading: await page.locator('#session-heading').textContent(),
    events: await page.locator('.event-timeline h3').textContent(),
    rows: await page.locator('.events .event').count(),
    scrollTop: await page.locator('.events').evaluate((list) => list.scrollTop),
    title: await page.title(),
    markCurrent: await page.locator('svg.chart [aria-current="true"]').getAttribute('data-session-id'),
    rowCurrent: await page.locator('tr[aria-current="true"]').getAttribute('data-row-session-id'),
  };
}

describe('Back and Forward between two sessions of one user', () => {
  it('shows each as it was left, with no request and no loading notice', async () => {
    const [first, second] = TWO.sessions as [ApiSession, ApiSession];
    const tracked = await viewer.open(viewer.userUrl(TWO.summary.userId, first.sessionId));
    const { page } = tracked;
    await panelOf(page, first).waitFor();
    await page.locator('.events-load').click();
    await page.locator('.event-timeline h3', { hasText: 'Events (5,100)' }).waitFor();
    await page.locator('.events').evaluate((list) => {
      list.scrollTop = 4_321;
    });
    const firstState = await panelState(page);
    expect(firstState.rows).toBe(5_100);
    expect(firstState.scrollTop).toBeGreaterThan(0);
    expect(firstState.markCurrent).toBe(first.sessionId);

    await page.locator(`svg.chart [data-session-id="${second.sessionId}"]`).click();
    await panelOf(page, second).waitFor();
    const secondState = await panelState(page);

    // Every state the panel passes through from here on.
    await page.evaluate(() => {
      const seen: string[] = [];
      (window as unknown as { seen: string[] }).seen = seen;
      const panel = document.querySelector('#session-panel') as HTMLElement;
      new MutationObserver(() => seen.push(panel.textContent ?? '')).observe(panel, {
        childList: true,
        subtree: true,
        characterData: true,
      });
    });
    const before = tracked.requests.length;
    await page.goBack();
    await panelOf(page, first).waitFor();
    await expect(panelState(page)).resolves.toEqual(firstState);

    await page.goForward();
    await panelOf(page, second).waitFor();
    await expect(panelState(page)).resolves.toEqual(secondState);
    expect(tracked.requests.slice(before)).toEqual([]);
    const seen = await page.evaluate(() => (window as unknown as { seen: string[] }).seen);
    expect(seen.filter((text) => text.includes('Loading'))).toEqual([]);
    viewer.expectCleanRun(tracked);
    await page.close();
  }, 90_000);
});
