// A session id from a link, and the hint of the API's 404 for an unknown user, holding a bidirectional override
// (U+202E): shown as the viewer shows such a user id, the control as its escape (`\u202e`), not reversing them.
import { describe, expect, it } from 'vitest';
import { useViewer } from './viewer-harness.js';

const SESSION = '2024\u202e0101T090000000Z';
const SHOWN = '2024\\u202e0101T090000000Z';
const viewer = useViewer();

describe('a session id or an API hint with a right-to-left override', () => {
  it('shows the session id of a link with its escape, for a user with no sessions', async () => {
    const tracked = await viewer.open(viewer.userUrl('newbie', SESSION));
    const absent = tracked.page.locator('[data-state="error"]');
    await expect(absent.textContent()).resolves.toBe(
      `This user has no session \u2068${SHOWN}\u2069, and no sessions yet. Reload the user’s sessions`,
    );
    viewer.expectCleanRun(tracked);
    await tracked.page.close();
  });

  it('shows the session id of a link with its escape in the panel of a user with sessions', async () => {
    const tracked = await viewer.open(viewer.userUrl('alice', SESSION));
    const panel = tracked.page.locator('#session-panel');
    const failure = panel.locator('[data-state="error"]');
    await failure.waitFor();
    await expect(panel.locator('#session-heading').textContent()).resolves.toBe(
      `Session \u2068${SHOWN}\u2069`,
    );
    await expect(failure.textContent()).resolves.toContain(`session \u2068${SHOWN}\u2069`);
    await expect(failure.textContent()).resolves.not.toContain('\u202e');
    viewer.expectCleanRun(tracked, 1);
    await tracked.page.close();
  });

  it('shows the hint of the API’s 404 with its escape', async () => {
    const tracked = await viewer.chromium.newPage();
    // No API route quotes an id unencoded: the answer stands for an API (or a proxy) that would.
    await tracked.page.route(
      (url) => url.pathname === '/users/ghost',
      (route) =>
        route.fulfill({
          status: 404,
          contentType: 'application/json',
          body: JSON.stringify({
            error: { code: 'not_found', message: 'User not found; eve\u202elanif names a user who exists' },
          }),
        }),
    );
    await tracked.page.goto(viewer.userUrl('ghost'));
    await expect(tracked.page.locator('[data-state="empty"]').textContent()).resolves.toBe(
      'No user or anonymousId ghost is known to the API: \u2068eve\\u202elanif names a user who exists\u2069.',
    );
    viewer.expectCleanRun(tracked, 1);
    await tracked.page.close();
  });
});
