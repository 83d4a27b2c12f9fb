// A view moved by the keyboard or the toolbar (Earlier, Later, zoom, Whole history) is said politely, once it
// has settled: what range is now shown and how many sessions are in it, in the timeline's one live region. A
// burst of presses is said once, and a step to a session (whose mark is named) says nothing more.
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { HEAVY } from './fixtures.js';
import { SESSION_MARKS, settled, useViewer } from './viewer-harness.js';

const viewer = useViewer();
const LIVE = '.timeline [aria-live]';

/** Records every text the timeline's live region is given from now on. */
async function listen(page: Page): Promise<() => Promise<string[]>> {
  await expect(page.locator(LIVE).count()).resolves.toBe(1);
  await expect(page.locator(LIVE).getAttribute('aria-live')).resolves.toBe('polite');
  await expect(page.locator(LIVE).getAttribute('aria-atomic')).resolves.toBe('true');
  await page.evaluate((selector) => {
    const element = document.querySelector(selector) as HTMLElement;
    const said: string[] = [];
    (window as unknown as { said: string[] }).said = said;
    new MutationObserver(() => said.push(element.textContent ?? '')).observe(element, {
      childList: true,
      characterData: true,
      subtree: true,
    });
  }, LIVE);
  return () => page.evaluate(() => [...(window as unknown as { said: string[] }).said]);
}

/** What the view shows, as the announcement should say it. */
async function shown(page: Page, loaded: RegExp | string): Promise<RegExp> {
  const range = (await page.locator('.timeline .range').textContent()) ?? '';
  const inView = await page.locator(SESSION_MARKS).count();
  const literal = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const sessions = `${inView} session${inView === 1 ? '' : 's'}`;
  const loadedPattern = typeof loaded === 'string' ? literal(loaded) : loaded.source;
  return new RegExp(`^Showing ${literal(range)}: ${sessions} in view, ${loadedPattern}$`);
}

const quiet = (page: Page) => page.waitForTimeout(1_200);

describe('the timeline says a view moved by keys or toolbar', () => {
  it('once per burst of presses, with its range and sessions, and not for a step between sessions', async () => {
    const tracked = await viewer.open(viewer.userUrl('alice'));
    const { page } = tracked;
    await page.locator(SESSION_MARKS).first().waitFor();
    await settled(page);
    const said = await listen(page);
    await page.locator(SESSION_MARKS).last().focus();

    await page.keyboard.press('+');
    await page.keyboard.press('+');
    await page.keyboard.press('PageUp');
    await settled(page);
    await quiet(page);
    const afterKeys = await said();
    expect(afterKeys).toHaveLength(1);
    expect(afterKeys[0]).toMatch(await shown(page, '12 of 12 loaded'));

    // A step to a session: its mark, focused, says which; the live region stays quiet.
    await page.keyboard.press('ArrowLeft');
    await quiet(page);
    await expect(said()).resolves.toHaveLength(1);

    await page.getByRole('button', { name: 'Whole history' }).click();
    await settled(page);
    await quiet(page);
    const afterButton = await said();
    expect(afterButton).toHaveLength(2);
    expect(afterButton[1]).toMatch(await shown(page, '12 of 12 loaded'));
    viewer.expectCleanRun(tracked);
    await page.close();
  });

  it('after the sessions the view needs have loaded, with their count', async () => {
    const tracked = await viewer.open(viewer.userUrl(HEAVY.summary.userId));
    const { page } = tracked;
    await page.locator(SESSION_MARKS).first().waitFor();
    await settled(page);
    const said = await listen(page);
    await page.locator(SESSION_MARKS).first().focus();
    for (let i = 0; i < 4; i++) await page.keyboard.press('PageUp');
    await settled(page);
    await quiet(page);
    const all = await said();
    expect(all.at(-1)).toMatch(await shown(page, /[\d,]+ of 2,000 loaded/));
    expect(all.filter((text) => text.startsWith('Showing'))).toHaveLength(1);
    viewer.expectCleanRun(tracked);
    await page.close();
  });
});
