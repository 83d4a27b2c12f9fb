// An API whose list cursors go round: the viewer must stop asking and say so, with a Try again, not spin.
import { describe, expect, it } from 'vitest';
import { makeUser } from './fixtures.js';
import { SESSION_MARKS, useViewer } from './viewer-harness.js';

const DAY = 86_400_000;
/** More sessions than a page (50): the second page comes by cursor. */
const USER = makeUser(
  'looping',
  Array.from({ length: 60 }, (_, i) => Date.UTC(2023, 0, 1, 9) + i * DAY),
);

const viewer = useViewer([USER]);

describe('list cursors that go round', () => {
  it('stop the loading with a visible error once the cursor comes back, and Try again reads what is missing', async () => {
    const restore = viewer.api.loopCursors('/users/looping/sessions?');
    const tracked = await viewer.open(viewer.userUrl('looping'));
    const { page } = tracked;
    await page.locator(SESSION_MARKS).first().waitFor();
    // The whole history: the sessions past the first page are wanted.
    await page.locator('svg.chart').focus();
    await page.keyboard.press('0');
    const status = page.locator('.timeline-status');
    await expect
      .poll(() => status.textContent())
      .toContain('Loading failed: The API handed back a cursor it had handed out before');
    await expect(status.locator('[role="alert"]').count()).resolves.toBe(1);
    const asked = () => viewer.api.requests.filter((request) => request.includes('/users/looping/sessions?'));
    const before = asked().length;
    expect(before).toBeLessThanOrEqual(4);
    // Try again starts a query of its own over what is missing, whose first page needs no cursor.
    await status.locator('button', { hasText: 'Try again' }).click();
    await expect.poll(() => status.textContent()).toContain('60 of 60 loaded');
    expect(asked().length - before).toBeLessThanOrEqual(2);
    restore();
    await page.close();
  });
});
