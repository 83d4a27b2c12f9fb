// A session that starts before the timeline's window and runs into it, however long it lasted.
import { describe, expect, it } from 'vitest';
import { type ApiSession, makeUser } from './fixtures.js';
import {
  drawnSessionIds,
  SESSION_MARKS,
  sessionsIn,
  settled,
  useViewer,
  viewWindow,
} from './viewer-harness.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const T = Date.UTC(2024, 5, 1, 9);
/**
 * A bot under rules without a length cap: a month-long session between two short ones long before and 300
 * short ones 9 hours apart, the first 40 minutes after it ends (the newest page holds the last 50 of them).
 */
const LONG_RUNNER = makeUser(
  'long-runner',
  [T - 60 * DAY, T - 50 * DAY, T - 30 * DAY, ...Array.from({ length: 300 }, (_, i) => T + i * 9 * HOUR)],
  { durationMinutes: (i) => (i === 2 ? (30 * DAY) / 60_000 - 40 : 5 + (i % 7) * 6) },
);
const LONG = LONG_RUNNER.sessions[2] as ApiSession;
const NEXT = LONG_RUNNER.sessions[3] as ApiSession;

const viewer = useViewer([LONG_RUNNER]);

describe('a long session in the session viewer', () => {
  it('is drawn on first load when it started before the window and runs into it', async () => {
    // A link to the session after it: the view centres that one, far from the newest page.
    const tracked = await viewer.open(viewer.userUrl(LONG_RUNNER.summary.userId, NEXT.sessionId));
    const { page } = tracked;
    await page.locator(`.panel-body[data-open-session-id="${NEXT.sessionId}"]`).waitFor();
    await page.locator(SESSION_MARKS).first().waitFor();
    await settled(page);
    // The month-long session ends in the window; it started more than the window's width before it, where
    // no margin around the window reaches.
    const window = await viewWindow(page);
    expect(Date.parse(LONG.endedAt)).toBeGreaterThanOrEqual(window.start);
    expect(Date.parse(LONG.startedAt)).toBeLessThan(window.start - (window.end - window.start));

    await expect(page.locator(`[data-session-id="${LONG.sessionId}"]`).count()).resolves.toBe(1);
    expect((await drawnSessionIds(page)).sort()).toEqual(sessionsIn(LONG_RUNNER.sessions, window).sort());
    const lists = tracked.requests.filter((url) => new URL(url).pathname.endsWith('/sessions'));
    expect(lists.length).toBeLessThanOrEqual(3);
    viewer.expectCleanRun(tracked);
    await page.close();
  });
});
