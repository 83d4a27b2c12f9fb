// An open session's events each make their url a link, a tab stop of its own: 2,500 in the first batch of the
// bot's session. A skip link before the list takes the keyboard past them, to the next batch's button, or to
// the sessions table once nothing follows the list; the links stay reachable by Tab through the list.
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { type ApiSession, BOT } from './fixtures.js';
import { useViewer } from './viewer-harness.js';

const viewer = useViewer();
const SKIP = 'Skip past the events';

interface Focused {
  readonly tag: string;
  readonly text: string;
  readonly inList: boolean;
  readonly className: string;
  readonly width: number;
}

async function focused(page: Page): Promise<Focused> {
  return page.evaluate(() => {
    const active = document.activeElement as HTMLElement;
    return {
      tag: active.tagName.toLowerCase(),
      text: active.textContent ?? '',
      inList: active.closest('ol.events') !== null,
      className: active.className,
      width: active.getBoundingClientRect().width,
    };
  });
}

/**
 * Presses Tab from where the keyboard is until `done` says it is there, following a skip link on the way as a
 * keyboard user would; the Tab presses it took, or null past `most`.
 */
async function tabUntil(page: Page, done: (at: Focused) => boolean, most: number): Promise<number | null> {
  for (let presses = 1; presses <= most; presses++) {
    await page.keyboard.press('Tab');
    let at = await focused(page);
    if (at.tag === 'a' && at.text === SKIP) {
      // Hidden until focused, as a skip link is: seen once the keyboard is on it.
      expect(at.width).toBeGreaterThan(20);
      await page.keyboard.press('Enter');
      at = await focused(page);
    }
    if (done(at)) return presses;
  }
  return null;
}

describe('the keyboard past an open session’s events', () => {
  it('reaches the next batch’s button in a few Tab presses, and the table once the list is whole', async () => {
    const session = BOT.sessions[0] as ApiSession;
    const tracked = await viewer.open(viewer.userUrl('bot', session.sessionId));
    const { page } = tracked;
    await page.locator(`.panel-body[data-open-session-id="${session.sessionId}"]`).waitFor();
    expect(await page.locator('ol.events a').count()).toBe(2_500);

    await page.locator('#session-panel').focus();
    const isLoad = (at: Focused) => at.tag === 'button' && at.text === 'Load the last 1,500 events';
    // The close button, the attributes' three links (entry and exit page, referrer), the skip link.
    const toLoad = await tabUntil(page, isLoad, 8);
    expect(toLoad, 'Tab presses from the panel to the button').not.toBeNull();
    expect(toLoad).toBeLessThanOrEqual(5);
    await page.keyboard.press('Enter');
    await page.locator('.event-timeline h3', { hasText: 'Events (6,500)' }).waitFor();
    expect(await page.locator('ol.events a').count()).toBe(3_250);

    // Nothing follows the whole list in the panel: past it is the table of sessions.
    await page.locator('#session-panel').focus();
    const isTable = (at: Focused) => at.tag === 'h2' && at.text === 'Sessions in view';
    const toTable = await tabUntil(page, isTable, 8);
    expect(toTable, 'Tab presses from the panel to the table').not.toBeNull();
    expect(toTable).toBeLessThanOrEqual(5);
    viewer.expectCleanRun(tracked);
    await page.close();
  });

  it('takes the keyboard to a failed batch’s Try again', async () => {
    const session = BOT.sessions[0] as ApiSession;
    const tracked = await viewer.open(viewer.userUrl('bot', session.sessionId));
    const { page } = tracked;
    await page.locator(`.panel-body[data-open-session-id="${session.sessionId}"]`).waitFor();
    const restore = viewer.api.drop(`/users/bot/sessions/${session.sessionId}`);
    await page.locator('.events-load').click();
    await page.locator('.events-more [data-state="error"]').waitFor();
    restore();
    await page.locator('.skip-link').focus();
    await page.keyboard.press('Enter');
    await expect(focused(page)).resolves.toMatchObject({ tag: 'button', text: 'Try again' });
    viewer.expectCleanRun(tracked, 1);
    await page.close();
  });

  it('keeps each link of the list a tab stop, after the list’s own', async () => {
    const session = BOT.sessions[0] as ApiSession;
    const tracked = await viewer.open(viewer.userUrl('bot', session.sessionId));
    const { page } = tracked;
    await page.locator(`.panel-body[data-open-session-id="${session.sessionId}"]`).waitFor();
    await page.locator('.skip-link').focus({ timeout: 5_000 });
    await expect(page.locator('.skip-link').textContent()).resolves.toBe(SKIP);
    await page.keyboard.press('Tab');
    await expect(focused(page)).resolves.toMatchObject({ tag: 'ol', inList: true });
    await page.keyboard.press('Tab');
    const first = await page.locator('ol.events a').first().textContent();
    await expect(focused(page)).resolves.toMatchObject({ tag: 'a', inList: true, text: first });
    // Back from the button, the last link of the list.
    await page.locator('.events-load').focus();
    await page.keyboard.press('Shift+Tab');
    const last = await page.locator('ol.events a').last().textContent();
    await expect(focused(page)).resolves.toMatchObject({ tag: 'a', inList: true, text: last });
    viewer.expectCleanRun(tracked);
    await page.close();
  });
});
