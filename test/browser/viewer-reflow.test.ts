// 320 CSS px is the width WCAG's reflow criterion (1.4.10) asks a page to fit without scrolling sideways: a
// 1280 px window zoomed to 400%, or the narrowest phones. The viewer's own regions (the table) may scroll.
import { describe, expect, it } from 'vitest';
import { ALICE, type ApiSession } from './fixtures.js';
import { useViewer } from './viewer-harness.js';

const viewer = useViewer();
const WIDTH = 320;

describe('the viewer at 320 px', () => {
  it('fits the start page, a user and an open session without scrolling sideways', async () => {
    const session = ALICE.sessions[3] as ApiSession;
    for (const url of [`${viewer.api.origin}/`, viewer.userUrl('alice', session.sessionId)]) {
      const tracked = await viewer.open(url, { width: WIDTH, height: 700 });
      const { page } = tracked;
      if (url.includes('session='))
        await page.locator(`.panel-body[data-open-session-id="${session.sessionId}"]`).waitFor();
      else await page.locator('#user-input').waitFor();
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(WIDTH);
      // The search button whole on screen, not pushed past its edge.
      const button = await page.locator('.search button').boundingBox();
      expect((button?.x ?? 0) + (button?.width ?? 0)).toBeLessThanOrEqual(WIDTH);
      viewer.expectCleanRun(tracked);
      await page.close();
    }
  });
});
