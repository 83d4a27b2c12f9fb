// The keyboard on the timeline falls to the chart itself when the view moves its session out (or shows none);
// once the view shows sessions again it goes back to one, so that Enter opens the session whose mark shows
// the focus, not one the chart's own outline gives no sign of.
import { describe, expect, it } from 'vitest';
import { SESSION_MARKS, settled, useViewer } from './viewer-harness.js';

const viewer = useViewer();

describe('the keyboard on the timeline', () => {
  it('goes back to a session once the view shows one again, and Enter opens that one', async () => {
    const tracked = await viewer.open(viewer.userUrl('alice'));
    const { page } = tracked;
    await settled(page);
    const focused = () =>
      page.evaluate(() => {
        const active = document.activeElement;
        return active?.getAttribute('data-session-id') ?? active?.tagName ?? null;
      });
    await page.locator(`${SESSION_MARKS}[tabindex="0"]`).focus();
    for (const key of ['+', '+', '+', '+', '+', '+']) await page.keyboard.press(key);
    for (let i = 0; i < 12 && (await page.locator(SESSION_MARKS).count()) > 0; i++) {
      await page.keyboard.press('PageUp');
    }
    expect(await page.locator(SESSION_MARKS).count()).toBe(0);
    expect(await focused()).toBe('svg');

    await page.keyboard.press('0');
    await expect.poll(() => page.locator(SESSION_MARKS).count()).toBeGreaterThan(0);
    const shown = await focused();
    expect(shown).toMatch(/^\d{8}T\d{9}Z$/);
    await page.keyboard.press('Enter');
    await page.locator(`.panel-body[data-open-session-id="${shown}"]`).waitFor();
    viewer.expectCleanRun(tracked);
    await page.close();
  });
});
