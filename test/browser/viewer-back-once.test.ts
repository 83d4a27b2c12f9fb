// One Back leaves what is shown: an entry whose URL the viewer replaced with its neighbour's (an anonymousId
// redirected to the user shown before it, a session found gone) must not make Back show the same page again.
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { ALICE, type ApiSession } from './fixtures.js';
import { SESSION_MARKS, settled, useViewer } from './viewer-harness.js';

const viewer = useViewer();

async function search(page: Page, id: string): Promise<void> {
  await page.fill('#user-input', id);
  await page.press('#user-input', 'Enter');
}

/** What the page shows: its URL's query, the user's heading, the open panel's heading. */
function shown(page: Page) {
  return page.evaluate(() => ({
    search: location.search,
    user: document.querySelector('#user-heading')?.textContent ?? null,
    panel: document.querySelector<HTMLElement>('#session-panel:not([hidden]) h2')?.textContent ?? null,
    intro: document.querySelector('.intro') !== null,
  }));
}

describe('Back after the viewer replaced an entry', () => {
  it('leaves a user reached again through a stitched anonymousId in one step', async () => {
    const tracked = await viewer.open(`${viewer.api.origin}/`);
    const { page } = tracked;
    await search(page, 'alice');
    await page.locator(SESSION_MARKS).first().waitFor();
    // anon-7 is stitched to alice: the URL of its entry is replaced with alice's, the entry before's twin.
    await search(page, 'anon-7');
    await page.locator('.stitched-note, [data-stitched], #user-heading').first().waitFor();
    await expect.poll(() => page.evaluate(() => location.search)).toBe('?user=alice');
    await page.goBack();
    await expect.poll(() => shown(page), { timeout: 5_000 }).toMatchObject({ search: '', intro: true });
    // Forward comes back to alice, and no further twin is shown after it.
    await page.goForward();
    await expect.poll(() => shown(page)).toMatchObject({ search: '?user=alice', intro: false });
    viewer.expectCleanRun(tracked);
    await page.close();
  });

  it('goes back, not forward, from an entry the browser added for a #fragment', async () => {
    const tracked = await viewer.open(`${viewer.api.origin}/`);
    const { page } = tracked;
    await search(page, 'alice');
    await page.locator(SESSION_MARKS).first().waitFor();
    await search(page, 'anon-7');
    await expect.poll(() => page.evaluate(() => location.search)).toBe('?user=alice');
    // An entry of the browser's own, with no state of the viewer's.
    await page.evaluate(() => {
      location.hash = 'top';
    });
    await page.goBack();
    await expect.poll(() => shown(page), { timeout: 5_000 }).toMatchObject({ search: '', intro: true });
    viewer.expectCleanRun(tracked);
    await page.close();
  });

  it('leaves a user whose session was found gone in two steps: its panel, then the user', async () => {
    const session = ALICE.sessions[1] as ApiSession;
    const tracked = await viewer.open(`${viewer.api.origin}/`);
    const { page } = tracked;
    await search(page, 'alice');
    await page.locator(SESSION_MARKS).first().waitFor();
    await settled(page);
    const restore = viewer.api.gone(`/users/alice/sessions/${session.sessionId}`);
    await page.locator(`${SESSION_MARKS}[data-session-id="${session.sessionId}"]`).click();
    await page.locator('#session-panel [data-state="error"]').waitFor();
    restore();
    // The panel saying it is gone is a page of its own: Back closes it, and the next Back leaves alice.
    await page.goBack();
    await expect.poll(() => shown(page)).toMatchObject({ search: '?user=alice', panel: null, intro: false });
    await page.goBack();
    await expect.poll(() => shown(page), { timeout: 5_000 }).toMatchObject({ search: '', intro: true });
    viewer.expectCleanRun(tracked, 1);
    await page.close();
  });
});
