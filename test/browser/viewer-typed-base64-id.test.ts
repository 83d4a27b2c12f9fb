// An id typed (or pasted) in its `~b64.` form, as API paths and links write it, is looked up as typed: an id
// may itself start with `~b64.`. When no user has that id, the notice says which id the form stands for and
// links to it, rather than only "check for a typo".
import { describe, expect, it } from 'vitest';
import { useViewer } from './viewer-harness.js';

const viewer = useViewer();

describe('an unknown id typed in its ~b64. form', () => {
  it('gets a link to the id the form stands for', async () => {
    const tracked = await viewer.open(viewer.userUrl('nobody'));
    const { page } = tracked;
    await page.locator('.notice-empty').waitFor();
    await page.locator('#user-input').fill('~b64.YWxpY2U');
    await page.keyboard.press('Enter');
    const notice = page.locator('.notice-empty');
    await expect
      .poll(() => notice.textContent())
      .toContain('~b64.YWxpY2U is the ~b64. form of the id alice, which API paths and links write it as');
    await notice.getByRole('link', { name: 'alice' }).click();
    await page.locator('#user-heading').waitFor();
    await expect(page.locator('#user-heading code').textContent()).resolves.toBe('alice');
    expect(new URL(page.url()).searchParams.get('user')).toBe('alice');
    viewer.expectCleanRun(tracked, 2);
    await page.close();
  });
});
