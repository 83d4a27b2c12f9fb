// A session merged into the one before it by a late event, while on show: its id answers 404 from then on. The
// viewer must let its mark and row go, with a notice, and show the session that took its events as it is now.
import { describe, expect, it } from 'vitest';
import { type ApiSession, makeUser } from './fixtures.js';
import { drawnSessionIds, SESSION_MARKS, settled, useViewer } from './viewer-harness.js';

const DAY = 86_400_000;
const USER = makeUser(
  'merging',
  Array.from({ length: 6 }, (_, i) => Date.UTC(2024, 3, 1, 9) + i * DAY),
  { eventCount: () => 4, durationMinutes: () => 20 },
);

/** Session `index` merged into the one before it: a late event between them bridged the gap. */
function mergeIntoPrevious(index: number): { gone: ApiSession; kept: ApiSession } {
  const [gone] = USER.sessions.splice(index, 1) as [ApiSession];
  const kept = USER.sessions[index - 1] as ApiSession;
  kept.endedAt = gone.endedAt;
  kept.durationSeconds = (Date.parse(gone.endedAt) - Date.parse(kept.startedAt)) / 1000;
  kept.eventCount += gone.eventCount + 1;
  for (const [i, session] of USER.sessions.entries()) session.sessionNumber = i + 1;
  USER.summary.sessionCount = USER.sessions.length;
  return { gone, kept };
}

const viewer = useViewer([USER]);

describe('a session merged into another while on show', () => {
  it('is no longer drawn once its id answers 404, with a notice, and the one it joined is read again', async () => {
    const tracked = await viewer.open(viewer.userUrl('merging'));
    const { page } = tracked;
    await page.locator(SESSION_MARKS).first().waitFor();
    await settled(page);
    const before = await drawnSessionIds(page);
    const { gone, kept } = mergeIntoPrevious(4);
    expect(before).toContain(gone.sessionId);

    await page.locator(`${SESSION_MARKS}[data-session-id="${gone.sessionId}"]`).click();
    const failure = page.locator('#session-panel [data-state="error"]');
    await expect(failure.textContent()).resolves.toBe(
      `Session \u2068${gone.sessionId}\u2069 is gone since it was listed: a late event merged it into the ` +
        'session before it or moved its start, which gives it another id. It is no longer drawn on the ' +
        'timeline. Reload the user’s sessions',
    );
    await page.waitForFunction(
      (id) => document.querySelector(`svg.chart [data-session-id="${id}"]`) === null,
      gone.sessionId,
    );
    await expect(page.locator(`tr[data-row-session-id="${gone.sessionId}"]`).count()).resolves.toBe(0);
    await settled(page);
    expect(await drawnSessionIds(page)).toEqual(before.filter((id) => id !== gone.sessionId));
    // The session that took its events is drawn as it is now, to the gone one's end.
    await expect
      .poll(() => page.locator(`svg.chart [data-session-id="${kept.sessionId}"]`).getAttribute('aria-label'))
      .toContain(', 1 d, 9 events');
    await expect(page.locator('.sessions-changed').textContent()).resolves.toContain(
      '1 session shown before is gone and no longer drawn',
    );
    viewer.expectCleanRun(tracked, 1);
    await page.close();
  });

  it('lets a session go once the one it was merged into is opened and says it overlaps', async () => {
    const tracked = await viewer.open(viewer.userUrl('merging'));
    const { page } = tracked;
    await page.locator(SESSION_MARKS).first().waitFor();
    await settled(page);
    const { gone, kept } = mergeIntoPrevious(3);
    expect(await drawnSessionIds(page)).toContain(gone.sessionId);
    await page.locator(`${SESSION_MARKS}[data-session-id="${kept.sessionId}"]`).click();
    await page.locator(`.panel-body[data-open-session-id="${kept.sessionId}"]`).waitFor();
    await page.waitForFunction(
      (id) => document.querySelector(`svg.chart [data-session-id="${id}"]`) === null,
      gone.sessionId,
    );
    await expect(page.locator(`tr[data-row-session-id="${gone.sessionId}"]`).count()).resolves.toBe(0);
    await expect(page.locator('.sessions-changed').textContent()).resolves.toContain(
      'session shown before is gone',
    );
    viewer.expectCleanRun(tracked);
    await page.close();
  });
});
