// At 375 px (a phone) the session table is wider than the page and scrolls sideways in its frame: a caption
// and a fade at the edge with more say so, where before the cut-off column read as the table's last. Wide
// enough for every column, neither shows.
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { accessibilityTree, findNodes } from './ax-tree.js';
import { settled, useViewer } from './viewer-harness.js';

const viewer = useViewer();
const BOX = '.session-table .scroll-box';
const HINT = '.session-table .scroll-hint';
const FRAME = `${BOX} .table-frame`;
const REGION = 'Sessions in view, scrolling sideways';

/** The frame's hidden width, and what the cue says of it. */
async function cue(page: Page) {
  return page.evaluate(
    ([box, hint]) => {
      const frame = document.querySelector(`${box} .table-frame`) as HTMLElement;
      const fade = (where: '::before' | '::after') =>
        getComputedStyle(document.querySelector(box) as Element, where).content !== 'none';
      return {
        overflows: frame.scrollWidth > frame.clientWidth + 1,
        more: document.querySelector(box)?.getAttribute('data-more') ?? null,
        hint: (document.querySelector(hint) as HTMLElement).checkVisibility(),
        fades: [fade('::before'), fade('::after')],
      };
    },
    [BOX, HINT] as const,
  );
}

describe('the session table scrolling sideways, in Chromium', () => {
  it('says so at 375 px with a caption and a fade at the edge that has more, and not once all fits', async () => {
    const tracked = await viewer.open(viewer.userUrl('alice'), { width: 375, height: 800 });
    const { page } = tracked;
    await settled(page);
    await page.locator(`${BOX}[data-more]`).waitFor({ state: 'attached' });
    expect(await cue(page)).toEqual({ overflows: true, more: 'end', hint: true, fades: [false, true] });
    await expect(page.locator(HINT).textContent()).resolves.toBe(
      'Scroll the table sideways for more columns.',
    );
    // The page itself never scrolls sideways: the table does, in its frame.
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);

    await page.locator(`${BOX} .table-frame`).evaluate((frame) => frame.scrollBy({ left: 60 }));
    await page.locator(`${BOX}[data-more="start end"]`).waitFor({ state: 'attached' });
    expect((await cue(page)).fades).toEqual([true, true]);
    await page.locator(`${BOX} .table-frame`).evaluate((frame) => frame.scrollBy({ left: 10_000 }));
    await page.locator(`${BOX}[data-more="start"]`).waitFor({ state: 'attached' });
    expect(await cue(page)).toEqual({ overflows: true, more: 'start', hint: true, fades: [true, false] });

    // Turned into a wide window, the table fits: no caption, no fade.
    await page.setViewportSize({ width: 1280, height: 800 });
    await page.locator(`${BOX}:not([data-more])`).waitFor({ state: 'attached' });
    expect(await cue(page)).toEqual({ overflows: false, more: null, hint: false, fades: [false, false] });
    viewer.expectCleanRun(tracked);
    await page.close();
  });

  it('shows no cue in a window wide enough for every column', async () => {
    const tracked = await viewer.open(viewer.userUrl('alice'), { width: 1280, height: 800 });
    const { page } = tracked;
    await settled(page);
    await page.locator('.session-table tbody tr').first().waitFor();
    expect(await cue(page)).toEqual({ overflows: false, more: null, hint: false, fades: [false, false] });
    // Nothing to scroll, so no tab stop of its own.
    await expect(page.locator(FRAME).getAttribute('tabindex')).resolves.toBeNull();
    viewer.expectCleanRun(tracked);
    await page.close();
  });

  // Its rows' links are tab stops, so Chromium makes the frame none of its own; a keyboard user needs one to
  // scroll it, and a screen reader a name for it.
  it('is a named tab stop at 375 px that the arrow keys scroll, and stays one while focused', async () => {
    const tracked = await viewer.open(viewer.userUrl('alice'), { width: 375, height: 800 });
    const { page } = tracked;
    await settled(page);
    await page.locator(`${BOX}[data-more="end"]`).waitFor({ state: 'attached' });
    // From the heading above it, Tab reaches the frame before the links in its rows.
    await page.locator('#session-table-heading').focus();
    await page.keyboard.press('Tab');
    const focused = () => page.locator(FRAME).evaluate((frame) => frame === document.activeElement);
    await expect(focused()).resolves.toBe(true);
    // Its focus shows, as every tab stop's does.
    await expect(page.locator(FRAME).evaluate((frame) => getComputedStyle(frame).outlineStyle)).resolves.toBe(
      'solid',
    );
    const regions = findNodes(await accessibilityTree(page), (node) => node.role === 'region');
    expect(regions.map((region) => region.name)).toContain(REGION);

    await page.keyboard.press('ArrowRight');
    await page.locator(`${BOX}[data-more="start end"]`).waitFor({ state: 'attached' });
    expect(await page.locator(FRAME).evaluate((frame) => frame.scrollLeft)).toBeGreaterThan(0);
    // The caption still says what the keys do.
    await expect(page.locator(HINT).isVisible()).resolves.toBe(true);

    // Turned wide while focused, it keeps the keyboard; once left, it is no tab stop.
    await page.setViewportSize({ width: 1280, height: 800 });
    await page.locator(`${BOX}:not([data-more])`).waitFor({ state: 'attached' });
    await expect(focused()).resolves.toBe(true);
    await page.keyboard.press('Tab');
    await expect(page.locator(FRAME).getAttribute('tabindex')).resolves.toBeNull();
    viewer.expectCleanRun(tracked);
    await page.close();
  });
});
