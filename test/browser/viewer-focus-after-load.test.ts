// Where the keyboard is once a user is loaded again over what it was on (a button of a failure, a mark of the
// user shown before): on what the page now shows, not fallen to the page's body, where the next Tab starts
// over from the top.
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { SESSION_MARKS, settled, useViewer } from './viewer-harness.js';

const viewer = useViewer();

const focused = (page: Page) =>
  page.evaluate(() => {
    const active = document.activeElement;
    return active === null || active === document.body ? 'body' : active.id || active.textContent;
  });

describe('the keyboard after a user is loaded again', () => {
  it('goes to the user shown after Reload the user’s sessions', async () => {
    const tracked = await viewer.open(viewer.userUrl('alice', '20000101T000000000Z'));
    const { page } = tracked;
    const reload = page.getByRole('button', { name: 'Reload the user’s sessions' });
    await reload.focus();
    await page.keyboard.press('Enter');
    await settled(page);
    await expect.poll(() => focused(page)).toBe('user-heading');
    viewer.expectCleanRun(tracked, 1);
    await page.close();
  });

  it('goes to Try again when loading the user failed again', async () => {
    const tracked = await viewer.open(viewer.userUrl('boom'));
    const { page } = tracked;
    const retry = page.getByRole('button', { name: 'Try again' });
    await retry.focus();
    await page.keyboard.press('Enter');
    await expect
      .poll(() => viewer.api.requests.filter((r) => r.startsWith('GET /users/boom')).length)
      .toBe(2);
    await retry.waitFor();
    await expect.poll(() => focused(page)).toBe('Try again');
    viewer.expectCleanRun(tracked, 2);
    await page.close();
  });

  it('goes to the user shown after Back from another user’s timeline', async () => {
    const tracked = await viewer.open(viewer.userUrl('alice'));
    const { page } = tracked;
    await settled(page);
    await page.locator('#user-input').fill('bot');
    await page.keyboard.press('Enter');
    await page.locator(SESSION_MARKS).first().focus();
    await page.goBack();
    await page.locator('#user-heading', { hasText: 'alice' }).waitFor();
    await settled(page);
    await expect.poll(() => focused(page)).toBe('user-heading');
    viewer.expectCleanRun(tracked);
    await page.close();
  });

  it('goes to the search field after Back from a user’s timeline to the start page', async () => {
    const tracked = await viewer.open(`${viewer.api.origin}/`);
    const { page } = tracked;
    await page.locator('#user-input').fill('alice');
    await page.keyboard.press('Enter');
    await settled(page);
    await page.locator(SESSION_MARKS).first().focus();
    await page.goBack();
    await page.locator('.intro').waitFor();
    await expect.poll(() => focused(page)).toBe('user-input');
    viewer.expectCleanRun(tracked);
    await page.close();
  });
});
