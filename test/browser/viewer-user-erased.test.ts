// A user erased while on show: the next page of their sessions answers 404. A retry meets the same 404, so the
// viewer shows that the API knows no such user, as when the user is opened afresh, instead of offering one.
import { describe, expect, it } from 'vitest';
import { makeUser } from './fixtures.js';
import { SESSION_MARKS, useViewer } from './viewer-harness.js';

const DAY = 86_400_000;
/** More sessions than a page (50) holds: the second page comes after the newest, by cursor. */
const USER = makeUser(
  'erased-later',
  Array.from({ length: 55 }, (_, i) => Date.UTC(2024, 0, 1, 9) + i * DAY),
);

const viewer = useViewer([USER]);

describe('a user erased while on show', () => {
  it('shows the user not found, without a Try again that would meet the same 404', async () => {
    const secondPage = viewer.api.hold('/users/erased-later/sessions?order=desc&limit=50&');
    const tracked = await viewer.open(viewer.userUrl('erased-later'));
    const { page } = tracked;
    await page.locator(SESSION_MARKS).first().waitFor();
    // The fake API finds users by id: renamed, the user is one it no longer knows, as once erased.
    USER.summary.userId = 'erased-later (gone)';
    secondPage();

    const unknown = page.locator('[data-state="empty"]', { hasText: 'No user or anonymousId' });
    await unknown.waitFor();
    await expect(unknown.textContent()).resolves.toContain(
      'It was on show until now: its events were likely erased since it was opened.',
    );
    await expect(page.locator('button', { hasText: 'Try again' }).count()).resolves.toBe(0);
    await expect(page.locator(SESSION_MARKS).count()).resolves.toBe(0);
    expect(new URL(page.url()).searchParams.get('user')).toBe('erased-later');
    viewer.expectCleanRun(tracked, 1);
    await page.close();
  });
});
