// A user on show stitched to another user while open: the API answers its every route with a 307 to that
// user's, so the next batch of events, the next page of sessions and a session opened all fail the same way
// however often they are asked again. Each offers the user the id is stitched to instead of a retry.
import type { Page } from 'playwright-core';
import { afterEach, describe, expect, it } from 'vitest';
import { ALICE, type ApiSession, makeUser } from './fixtures.js';
import { SESSION_MARKS, settled, useViewer } from './viewer-harness.js';

const DAY = 24 * 60 * 60_000;
/**
 * Three pages of sessions, the oldest hundred three years before the rest, so that the first view loads the
 * newest page and the one with the session before it, not the oldest; the newest has more events than a batch.
 */
const TURNCOAT = makeUser(
  'turncoat',
  Array.from({ length: 150 }, (_, i) => Date.UTC(i < 100 ? 2020 : 2023, 0, 1, 9) + i * DAY),
  { eventCount: (i) => (i === 149 ? 6_000 : 3) },
);
const NEWEST = TURNCOAT.sessions.at(-1) as ApiSession;
const viewer = useViewer([TURNCOAT]);
const { userUrl, open } = viewer;

let unstitch = () => {};
afterEach(() => unstitch());

function stitchToAlice(): void {
  unstitch = viewer.api.stitch('turncoat', 'alice');
}

/** The failure names the user the id is stitched to, offers no retry, and its link opens that user. */
async function expectWayToAlice(page: Page, where: string): Promise<void> {
  const failure = page.locator(where);
  await failure.locator('a.stitched-link').waitFor({ timeout: 10_000 });
  await expect(failure.textContent()).resolves.toContain('stitched to user \u2068alice\u2069');
  expect(await failure.locator('button', { hasText: /Try again|Start again/ }).count()).toBe(0);
  const link = failure.locator('a.stitched-link');
  await expect(link.textContent()).resolves.toBe('Open user alice');
  await expect(link.getAttribute('href')).resolves.toBe('?user=alice');
  await link.click();
  await page.locator('#user-heading', { hasText: 'User alice' }).waitFor();
  expect(new URL(page.url()).search).toBe('?user=alice');
  await page
    .locator(SESSION_MARKS)
    .nth(ALICE.sessions.length - 1)
    .waitFor();
}

describe('a user stitched to another while on show, in Chromium', () => {
  it('offers the user it is stitched to when the next batch of events is asked for', async () => {
    const { page } = await open(userUrl('turncoat', NEWEST.sessionId));
    await page.locator(`.panel-body[data-open-session-id="${NEWEST.sessionId}"]`).waitFor();
    stitchToAlice();
    await page.locator('.event-timeline button', { hasText: 'Load the last 1,000 events' }).click();
    // The keyboard was on the button asked with: it goes on from the link that replaced it.
    await page.locator('.events-controls a.stitched-link:focus').waitFor({ timeout: 10_000 });
    await expectWayToAlice(page, '.events-controls');
    // A history entry: Back goes to the session as it was opened.
    await page.goBack();
    await page.waitForURL((url) => url.searchParams.get('user') === 'turncoat');
    expect(new URL(page.url()).searchParams.get('session')).toBe(NEWEST.sessionId);
    await page.close();
  });

  it('offers the user it is stitched to when the next page of sessions is asked for', async () => {
    const { page } = await open(userUrl('turncoat'));
    await page.locator(SESSION_MARKS).first().waitFor();
    await settled(page);
    stitchToAlice();
    await page.locator('.toolbar button[aria-label="Whole history"]').click();
    await expectWayToAlice(page, '.timeline-status');
    await page.close();
  });

  it('offers the user it is stitched to when a session is opened', async () => {
    const { page } = await open(userUrl('turncoat'));
    await page.locator(SESSION_MARKS).first().waitFor();
    stitchToAlice();
    await page.locator(SESSION_MARKS).last().click();
    await expectWayToAlice(page, '#session-panel');
    await page.close();
  });
});
