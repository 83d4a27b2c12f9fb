// A session that fails to load is not the open one, and neither is the session shown before it: the table's
// row and the timeline's mark of the earlier session lose their "current" state.
import { describe, expect, it } from 'vitest';
import { ALICE, type ApiSession } from './fixtures.js';
import { SESSION_MARKS, useViewer } from './viewer-harness.js';

const viewer = useViewer();

describe('a session that fails to open', () => {
  it('leaves no other session marked as the open one', async () => {
    const first = ALICE.sessions.at(-1) as ApiSession;
    const second = ALICE.sessions.at(-2) as ApiSession;
    const tracked = await viewer.open(viewer.userUrl('alice', first.sessionId));
    const { page } = tracked;
    await page.locator(`.panel-body[data-open-session-id="${first.sessionId}"]`).waitFor();
    await expect(
      page.locator('.session-table tr[aria-current="true"]').getAttribute('data-row-session-id'),
    ).resolves.toBe(first.sessionId);

    const restore = viewer.api.drop(`/users/alice/sessions/${second.sessionId}`);
    await page.locator(`.session-table tr[data-row-session-id="${second.sessionId}"] a`).click();
    await page.locator('#session-panel [data-state="error"]').waitFor();
    expect(new URL(page.url()).searchParams.get('session')).toBe(second.sessionId);
    await expect(page.locator(`.session-table tr[aria-current="true"]`).count()).resolves.toBe(0);
    await expect(page.locator(`${SESSION_MARKS}[aria-current="true"]`).count()).resolves.toBe(0);
    restore();
    viewer.expectCleanRun(tracked, 1);
    await page.close();
  });
});
