// Back or Forward to a user shown just before shows that user's page as it was left (the view zoomed or panned,
// the open session, the sessions loaded), without reading it all again from the API, and without a "Loading
// user…" in place of the page meanwhile.
import { describe, expect, it } from 'vitest';
import { ALICE, type ApiSession, BOT } from './fixtures.js';
import { openAliceSessionHeld, SESSION_MARKS, settled, useViewer, viewWindow } from './viewer-harness.js';

const viewer = useViewer();

describe('Back and Forward between two users', () => {
  it('shows each user as it was left, with no request and no loading notice', async () => {
    const session = ALICE.sessions[2] as ApiSession;
    const tracked = await viewer.open(viewer.userUrl('alice', session.sessionId));
    const { page } = tracked;
    await page.locator(`.panel-body[data-open-session-id="${session.sessionId}"]`).waitFor();
    await settled(page);
    for (let press = 0; press < 2; press++) await page.getByRole('button', { name: 'Zoom in' }).click();
    await settled(page);
    const aliceView = await viewWindow(page);
    const aliceTitle = await page.title();

    await page.fill('#user-input', BOT.summary.userId);
    await page.press('#user-input', 'Enter');
    await page.locator('#user-heading', { hasText: BOT.summary.userId }).waitFor();
    await page.locator(SESSION_MARKS).first().waitFor();
    await settled(page);
    const botView = await viewWindow(page);

    // Every state #content passes through from here on.
    await page.evaluate(() => {
      const seen: string[] = [];
      (window as unknown as { seen: string[] }).seen = seen;
      const content = document.querySelector('#content') as HTMLElement;
      new MutationObserver(() => seen.push(content.textContent ?? '')).observe(content, {
        childList: true,
        subtree: true,
        characterData: true,
      });
    });
    const before = tracked.requests.length;
    await page.goBack();
    await page.locator('#user-heading', { hasText: 'alice' }).waitFor();
    await page.locator(`.panel-body[data-open-session-id="${session.sessionId}"]`).waitFor();
    await settled(page);
    await expect(viewWindow(page)).resolves.toEqual(aliceView);
    await expect(page.title()).resolves.toBe(aliceTitle);
    await expect(page.inputValue('#user-input')).resolves.toBe('alice');
    await expect(page.locator('#status').textContent()).resolves.toBe(
      'Showing \u2068alice\u2069: 12 sessions.',
    );

    await page.goForward();
    await page.locator('#user-heading', { hasText: BOT.summary.userId }).waitFor();
    await settled(page);
    await expect(viewWindow(page)).resolves.toEqual(botView);
    await expect(page.locator('#session-panel').isHidden()).resolves.toBe(true);
    expect(tracked.requests.slice(before)).toEqual([]);
    const seen = await page.evaluate(() => (window as unknown as { seen: string[] }).seen);
    expect(seen.filter((text) => text.includes('Loading'))).toEqual([]);
    viewer.expectCleanRun(tracked);
    await page.close();
  });

  it('lets a session that loads while its user is off show name neither the page on show nor a stale title', async () => {
    const { tracked, page, session, release } = await openAliceSessionHeld(viewer, 2);
    // Alice's panel, followed off the page.
    await page.evaluate(() => {
      (window as unknown as { alicePanel: Element | null }).alicePanel =
        document.querySelector('#session-panel');
    });
    await page.fill('#user-input', BOT.summary.userId);
    await page.press('#user-input', 'Enter');
    await page.locator('#user-heading', { hasText: BOT.summary.userId }).waitFor();
    await settled(page);
    release();
    await page.waitForFunction(
      () => (window as unknown as { alicePanel: Element }).alicePanel.querySelector('.panel-body') !== null,
    );
    await expect(page.title()).resolves.toBe(`\u2068${BOT.summary.userId}\u2069 · Sessionizer`);

    await page.goBack();
    await page.locator(`.panel-body[data-open-session-id="${session.sessionId}"]`).waitFor();
    await expect(page.title()).resolves.toBe('Session 3 · \u2068alice\u2069 · Sessionizer');
    viewer.expectCleanRun(tracked);
    await page.close();
  });
});
