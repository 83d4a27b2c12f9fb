// A session's length and its events' offsets are counted in whole seconds as the clock reads the times shown
// beside them: the panel shows its start and end to the second, so a length from the exact difference read a
// second short of them whenever the start's milliseconds passed the end's.
import { describe, expect, it } from 'vitest';
import { type ApiSession, makeUser } from './fixtures.js';
import { useViewer } from './viewer-harness.js';

// The sample export's first session of user_1001 on the local stack: 08:00:00.137 to 08:25:00.096.
const CLOCK = makeUser('clock', [Date.UTC(2024, 0, 2, 8, 0, 0, 137)], { eventCount: () => 3 });
const session = CLOCK.sessions[0] as ApiSession;
session.endedAt = '2024-01-02T08:25:00.096Z';
session.durationSeconds = 1499.959;

const viewer = useViewer([CLOCK]);

describe('a session whose start has more milliseconds than its end', () => {
  it('reads as long as from its Started to its Ended, in the panel, the table, its mark and its last event', async () => {
    const tracked = await viewer.open(viewer.userUrl('clock', session.sessionId));
    const { page } = tracked;
    const panel = page.locator(`.panel-body[data-open-session-id="${session.sessionId}"]`);
    await panel.waitFor();
    const fact = (term: string) => panel.locator(`dt:text-is("${term}") + dd`).textContent();
    await expect(fact('Started')).resolves.toBe('2024-01-02 08:00:00 UTC');
    await expect(fact('Ended')).resolves.toBe('2024-01-02 08:25:00 UTC');
    await expect(fact('Duration')).resolves.toBe('25 min');
    await expect(page.locator('.event .offset').last().textContent()).resolves.toBe('+25:00');
    await expect(
      page.locator(`tr[data-row-session-id="${session.sessionId}"] td`).nth(1).textContent(),
    ).resolves.toBe('25 min');
    await expect(
      page.locator(`rect[data-session-id="${session.sessionId}"]`).getAttribute('aria-label'),
    ).resolves.toBe('Session 1: 2024-01-02 08:00:00 UTC, 25 min, 3 events, 1 page view');
    viewer.expectCleanRun(tracked);
    await page.close();
  });
});
