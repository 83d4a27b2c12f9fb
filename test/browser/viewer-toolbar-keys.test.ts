// Each toolbar button names its key (aria-keyshortcuts, and its tooltip): the key works with the keyboard on
// the toolbar too, where a screen reader says it, not only on the chart.
import { describe, expect, it } from 'vitest';
import { settled, useViewer, viewWindow } from './viewer-harness.js';

const viewer = useViewer();

describe('the keys the toolbar’s buttons name', () => {
  it('pan and zoom with the keyboard on a toolbar button', async () => {
    const tracked = await viewer.open(viewer.userUrl('alice'));
    const { page } = tracked;
    await settled(page);
    const whole = await viewWindow(page);
    const zoomIn = page.locator('.toolbar button[aria-label="Zoom in"]');
    await expect(zoomIn.getAttribute('aria-keyshortcuts')).resolves.toBe('+');
    await zoomIn.focus();

    await page.keyboard.press('+');
    const zoomed = await viewWindow(page);
    expect(zoomed.end - zoomed.start).toBeCloseTo((whole.end - whole.start) / 2, -3);
    await page.keyboard.press('PageUp');
    const panned = await viewWindow(page);
    expect(panned.start).toBeLessThan(zoomed.start);
    await page.keyboard.press('0');
    await expect(viewWindow(page)).resolves.toEqual(whole);

    // Enter and Space still press the button itself, once.
    await page.keyboard.press('Enter');
    const once = await viewWindow(page);
    expect(once.end - once.start).toBeCloseTo((whole.end - whole.start) / 2, -3);
    await expect(zoomIn.evaluate((button) => button === document.activeElement)).resolves.toBe(true);
    viewer.expectCleanRun(tracked);
    await page.close();
  });
});
