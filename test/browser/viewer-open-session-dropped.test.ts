// The open session merged into the one before it while on show, and seen so by a page of the user's sessions
// (not by its own id's 404): the panel must not keep showing it as if it were there, nor the URL name it.
import { describe, expect, it } from 'vitest';
import { type ApiSession, makeUser } from './fixtures.js';
import { settled, useViewer } from './viewer-harness.js';

const DAY = 86_400_000;
/** More sessions than a page (50) holds: the second page comes after the newest, by cursor. */
const USER = makeUser(
  'paged-merge',
  Array.from({ length: 55 }, (_, i) => Date.UTC(2024, 0, 1, 9) + i * DAY),
  { eventCount: () => 3, durationMinutes: () => 20 },
);

/** Session `index` merged into the one before it: a late event between them bridged the gap. */
function mergeIntoPrevious(index: number): ApiSession {
  const [gone] = USER.sessions.splice(index, 1) as [ApiSession];
  const kept = USER.sessions[index - 1] as ApiSession;
  kept.endedAt = gone.endedAt;
  kept.durationSeconds = (Date.parse(gone.endedAt) - Date.parse(kept.startedAt)) / 1000;
  kept.eventCount += gone.eventCount + 1;
  return gone;
}

const viewer = useViewer([USER]);

describe('the open session dropped by a page of sessions', () => {
  it('says in the panel that it is gone, and the URL names it no more', async () => {
    // The oldest of the first page: the second page lists the session before it.
    const open = USER.sessions[5] as ApiSession;
    const secondPage = viewer.api.hold('/users/paged-merge/sessions?order=desc&limit=50&');
    const tracked = await viewer.open(viewer.userUrl('paged-merge', open.sessionId));
    const { page } = tracked;
    await page.locator(`.panel-body[data-open-session-id="${open.sessionId}"]`).waitFor();
    expect(mergeIntoPrevious(5)).toBe(open);
    secondPage();
    await settled(page);

    await page.waitForFunction(
      (id) => document.querySelector(`svg.chart [data-session-id="${id}"]`) === null,
      open.sessionId,
    );
    const panel = page.locator('#session-panel');
    await expect(panel.locator('.panel-body').count()).resolves.toBe(0);
    // Worded as where its id answers 404 (viewer-session-gone, viewer-more-events): one text for one fact.
    await expect(panel.locator('[data-state="error"]').textContent()).resolves.toBe(
      `Session \u2068${open.sessionId}\u2069 is gone since it was listed: a late event merged it into the ` +
        'session before it or moved its start, which gives it another id. It is no longer drawn on the ' +
        'timeline. Reload the user’s sessions',
    );
    expect(new URL(page.url()).searchParams.get('session')).toBeNull();
    expect(new URL(page.url()).searchParams.get('user')).toBe('paged-merge');
    // Escape still closes the panel that says so.
    await page.keyboard.press('Escape');
    await expect(panel.isHidden()).resolves.toBe(true);
    viewer.expectCleanRun(tracked);
    await page.close();
  });
});
