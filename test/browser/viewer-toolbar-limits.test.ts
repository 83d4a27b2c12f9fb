// The timeline's toolbar says which of its buttons can do nothing at the view's limits (aria-disabled, so
// the keyboard stays on a button that reaches one): at the whole history, Earlier, Later, Zoom out and
// Whole history change nothing, and a screen reader heard "Earlier, button" and then nothing happen.
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { settled, useViewer } from './viewer-harness.js';

const viewer = useViewer();

/** Each toolbar button's name and whether it says it is unavailable. */
function toolbar(page: Page): Promise<Record<string, boolean>> {
  return page
    .locator('.toolbar button')
    .evaluateAll((buttons) =>
      Object.fromEntries(
        buttons.map((button) => [
          button.getAttribute('aria-label') ?? '',
          button.getAttribute('aria-disabled') === 'true',
        ]),
      ),
    );
}

describe('the timeline’s toolbar', () => {
  it('says which buttons can do nothing at the view’s limits, and keeps the keyboard on them', async () => {
    const tracked = await viewer.open(viewer.userUrl('alice'));
    const { page } = tracked;
    await settled(page);
    // Forced: playwright waits for a button that says it is unavailable to become available.
    await page.locator('.toolbar button[aria-label="Whole history"]').click({ force: true });
    await expect(toolbar(page)).resolves.toEqual({
      Earlier: true,
      'Zoom out': true,
      'Zoom in': false,
      Later: true,
      'Whole history': true,
    });

    await page.locator('.toolbar button[aria-label="Zoom in"]').click();
    await expect(toolbar(page)).resolves.toEqual({
      Earlier: false,
      'Zoom out': false,
      'Zoom in': false,
      Later: false,
      'Whole history': false,
    });

    const earlier = page.locator('.toolbar button[aria-label="Earlier"]');
    await earlier.focus();
    for (let press = 0; press < 3; press++) await page.keyboard.press('Enter');
    await expect(toolbar(page)).resolves.toMatchObject({ Earlier: true, Later: false });
    await expect(earlier.evaluate((button) => button === document.activeElement)).resolves.toBe(true);
    viewer.expectCleanRun(tracked);
    await page.close();
  });
});
