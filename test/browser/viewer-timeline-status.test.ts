// The timeline's status line as a screen reader hears it: its one polite live region says each new loaded
// count once, and stepping about the chart says nothing again (viewer-view-announced.test.ts: a view moved
// by keys or the toolbar is said once it rests).
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { accessibilityTree, findNodes } from './ax-tree.js';
import { HEAVY } from './fixtures.js';
import { SESSION_MARKS, settled, useViewer } from './viewer-harness.js';

const viewer = useViewer();

const LIVE_COUNT = '.timeline [aria-live="polite"]';

/** The timeline's text as a screen reader reading the page hears it. */
async function timelineText(page: Page): Promise<string> {
  const [timeline] = findNodes(
    await accessibilityTree(page),
    (node) => node.role === 'region' && node.name === 'Sessions over time',
  );
  const texts = findNodes(
    timeline ?? { role: '', name: '', children: [] },
    (node) => node.role === 'StaticText',
  );
  return texts.map((node) => node.name).join('');
}

const times = (text: string, part: string) => text.split(part).length - 1;

describe('the timeline status in Chromium', () => {
  it('says the loaded count politely as more load, in one element, and not again as the keyboard moves', async () => {
    const tracked = await viewer.open(viewer.userUrl(HEAVY.summary.userId));
    const { page } = tracked;
    await page.locator(SESSION_MARKS).first().waitFor();
    await settled(page);
    const live = page.locator(LIVE_COUNT);
    await expect(live.getAttribute('aria-atomic')).resolves.toBe('true');
    const first = (await live.textContent()) ?? '';
    expect(first).toMatch(/^\d[\d,]* of 2,000 loaded$/);
    expect(first).not.toBe('2,000 of 2,000 loaded');
    // The live regions of the page: the count's, the page's own status, and no other around it.
    await expect(page.locator('.timeline-status[aria-live], .timeline [aria-live]').count()).resolves.toBe(1);

    // Every change to the live count from here on, and the element it was in.
    await page.evaluate((selector) => {
      const element = document.querySelector(selector) as HTMLElement & { changes?: string[] };
      element.changes = [];
      (window as unknown as { liveCount: Element }).liveCount = element;
      new MutationObserver(() => element.changes?.push(element.textContent ?? '')).observe(element, {
        childList: true,
        characterData: true,
        subtree: true,
      });
    }, LIVE_COUNT);
    const changes = () =>
      page.evaluate((selector) => {
        const element = document.querySelector(selector) as HTMLElement & { changes?: string[] };
        const same = element === (window as unknown as { liveCount: Element }).liveCount;
        return { same, changes: element.changes ?? [] };
      }, LIVE_COUNT);

    // Steps between loaded sessions: the view changes, the loaded count does not.
    await page.locator(SESSION_MARKS).last().focus();
    for (const key of ['ArrowLeft', 'ArrowLeft', 'ArrowRight']) await page.keyboard.press(key);
    await settled(page);
    await page.waitForTimeout(1_000);
    await expect(changes()).resolves.toEqual({ same: true, changes: [] });

    await page.getByRole('button', { name: 'Whole history' }).click();
    await page.waitForFunction(
      (selector) => document.querySelector(selector)?.textContent?.endsWith(' 2,000 of 2,000 loaded'),
      LIVE_COUNT,
    );
    await settled(page);
    const { same, changes: said } = await changes();
    expect(same).toBe(true);
    // Each count once, growing, the last with the whole history's view.
    expect(said.at(-1)).toMatch(/^Showing .*: 2,000 sessions in view, 2,000 of 2,000 loaded$/);
    expect(new Set(said).size).toBe(said.length);
    viewer.expectCleanRun(tracked);
    await page.close();
  });

  it('gives a screen reader reading the timeline the loaded count once, not again in the live region', async () => {
    const tracked = await viewer.open(viewer.userUrl('alice'));
    const { page } = tracked;
    await page.locator(SESSION_MARKS).first().waitFor();
    await settled(page);
    await expect(page.locator(LIVE_COUNT).textContent()).resolves.toBe('12 of 12 loaded');
    const said = await timelineText(page);
    expect(said).toContain('12 sessions in view');
    expect(said.split('12 of 12 loaded')).toHaveLength(2);
    viewer.expectCleanRun(tracked);
    await page.close();
  });

  it('after a key moved the view, gives a screen reader reading the timeline each count once, and no view it has left', async () => {
    const tracked = await viewer.open(viewer.userUrl('alice'));
    const { page } = tracked;
    await page.locator(SESSION_MARKS).first().waitFor();
    await settled(page);
    await page.locator(SESSION_MARKS).last().focus();
    await page.keyboard.press('+');
    await page.waitForFunction(
      (selector) => document.querySelector(selector)?.textContent?.startsWith('Showing '),
      LIVE_COUNT,
    );
    const inView = await page.locator(SESSION_MARKS).count();
    const afterKey = await timelineText(page);
    expect(afterKey).toContain(`${inView} sessions in view`);
    expect(times(afterKey, 'sessions in view')).toBe(1);
    expect(times(afterKey, '12 of 12 loaded')).toBe(1);

    // The pointer pans the view: what was said of the view before is no longer what it shows.
    const said = (await page.locator('.timeline .range').textContent()) ?? '';
    const chart = (await page.locator('svg.chart').boundingBox()) ?? { x: 0, y: 0, width: 0 };
    await page.mouse.move(chart.x + chart.width / 2, chart.y + 5);
    await page.mouse.down();
    await page.mouse.move(chart.x + chart.width / 2 + 200, chart.y + 5, { steps: 5 });
    await page.mouse.up();
    await expect(page.locator('.timeline .range').textContent()).resolves.not.toBe(said);
    await settled(page);
    const afterPan = await timelineText(page);
    expect(afterPan).not.toContain(said);
    expect(afterPan).toContain(`${await page.locator(SESSION_MARKS).count()} sessions in view`);
    expect(times(afterPan, 'sessions in view')).toBe(1);
    expect(times(afterPan, '12 of 12 loaded')).toBe(1);
    viewer.expectCleanRun(tracked);
    await page.close();
  });
});
