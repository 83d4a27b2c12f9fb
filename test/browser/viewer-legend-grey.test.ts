// The timeline legend explains grey (a session the API gave no page views for, drawn pv-unknown) only while a
// drawn mark is grey: for a user whose every session has its page views, "grey when not known" explains
// nothing on the chart.
import { describe, expect, it } from 'vitest';
import { makeUser } from './fixtures.js';
import { SESSION_MARKS, settled, useViewer } from './viewer-harness.js';

const STARTS = [Date.UTC(2024, 4, 1, 9), Date.UTC(2024, 4, 2, 9), Date.UTC(2024, 4, 3, 9)];
const KNOWN = makeUser('all-known', STARTS);
const GREY = makeUser('one-grey', STARTS, { pageViewsUnknown: (i) => i === 1 });
const viewer = useViewer([KNOWN, GREY]);

describe('the legend entry for grey marks', () => {
  it('is left out when no mark drawn is grey', async () => {
    const tracked = await viewer.open(viewer.userUrl(KNOWN.summary.userId));
    const { page } = tracked;
    await page.locator(SESSION_MARKS).first().waitFor();
    await settled(page);
    await expect(page.locator(`${SESSION_MARKS}.pv-unknown`).count()).resolves.toBe(0);
    const legend = page.locator('.legend');
    await expect(legend.getByText('when not known').isVisible()).resolves.toBe(false);
    await expect(legend.locator('rect.pv-unknown').isVisible()).resolves.toBe(false);
    viewer.expectCleanRun(tracked);
    await page.close();
  });

  it('shows when a drawn mark is grey', async () => {
    const tracked = await viewer.open(viewer.userUrl(GREY.summary.userId));
    const { page } = tracked;
    await page.locator(SESSION_MARKS).first().waitFor();
    await settled(page);
    await expect(page.locator(`${SESSION_MARKS}.pv-unknown`).count()).resolves.toBe(1);
    const legend = page.locator('.legend');
    await expect(legend.getByText('when not known').isVisible()).resolves.toBe(true);
    await expect(legend.locator('rect.pv-unknown').isVisible()).resolves.toBe(true);
    viewer.expectCleanRun(tracked);
    await page.close();
  });
});
