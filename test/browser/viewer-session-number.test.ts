// A session's number reads the same wherever it shows: the table's `#1,234`, its mark's label, the panel's
// heading and the page's title, as every other count on the page is written.
import { describe, expect, it } from 'vitest';
import { type ApiSession, HEAVY } from './fixtures.js';
import { openAliceSessionHeld, useViewer } from './viewer-harness.js';

const viewer = useViewer();

describe('a session’s number past 999', () => {
  it('is written with its thousands separator in the table, on its mark, in the heading and the title', async () => {
    const latest = HEAVY.sessions.at(-1) as ApiSession;
    expect(latest.sessionNumber).toBe(2000);
    const tracked = await viewer.open(viewer.userUrl(HEAVY.summary.userId, latest.sessionId));
    const { page } = tracked;
    await page.locator(`.panel-body[data-open-session-id="${latest.sessionId}"]`).waitFor();
    await expect(
      page.locator(`tr[data-row-session-id="${latest.sessionId}"] th`).textContent(),
    ).resolves.toBe('#2,000');
    await expect(
      page.locator(`rect[data-session-id="${latest.sessionId}"]`).getAttribute('aria-label'),
    ).resolves.toMatch(/^Session 2,000: /);
    await expect(page.locator('#session-heading').textContent()).resolves.toBe('Session 2,000');
    await expect(page.title()).resolves.toBe(
      `Session 2,000 · \u2068${HEAVY.summary.userId}\u2069 · Sessionizer`,
    );
    viewer.expectCleanRun(tracked);
    await page.close();
  });

  it('names a listed session by its number while it loads, not by its id', async () => {
    const { tracked, page, session, release } = await openAliceSessionHeld(viewer, 2);
    await expect(page.locator('#session-heading').textContent()).resolves.toBe('Session 3');
    await expect(page.title()).resolves.toBe('Session 3 · \u2068alice\u2069 · Sessionizer');
    release();
    await page.locator(`.panel-body[data-open-session-id="${session.sessionId}"]`).waitFor();
    await expect(page.locator('#session-heading').textContent()).resolves.toBe('Session 3');
    viewer.expectCleanRun(tracked);
    await page.close();
  });
});
