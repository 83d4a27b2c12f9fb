// A session mark is what shows a session is there: WCAG 1.4.11 asks 3:1 against what is around it for such a
// graphical object. The lightest fills (no page views, few) are lighter than that, so the mark's outline is.
import { describe, expect, it } from 'vitest';
import { contrast } from './contrast.js';
import { ALICE, type ApiSession } from './fixtures.js';
import { settled, useViewer } from './viewer-harness.js';

const viewer = useViewer();

describe('a session mark without page views', () => {
  it('stands out from the chart by 3:1 at least, in its outline where its fill is too light', async () => {
    const bounce = ALICE.sessions.find((session) => session.bounce) as ApiSession;
    const tracked = await viewer.open(viewer.userUrl('alice'));
    const { page } = tracked;
    await settled(page);
    const mark = page.locator(`svg.chart rect[data-session-id="${bounce.sessionId}"]`);
    await expect(mark.getAttribute('class')).resolves.toContain('pv-0');
    const { fill, stroke, strokeWidth, background } = await mark.evaluate((rect) => {
      const style = getComputedStyle(rect);
      const frame = rect.closest('.chart-frame') as Element;
      return {
        fill: style.fill,
        stroke: style.stroke,
        strokeWidth: Number.parseFloat(style.strokeWidth),
        background: getComputedStyle(frame).backgroundColor,
      };
    });
    const shown = Math.max(contrast(fill, background), strokeWidth >= 1 ? contrast(stroke, background) : 0);
    expect(shown).toBeGreaterThanOrEqual(3);
    viewer.expectCleanRun(tracked);
    await page.close();
  });
});
