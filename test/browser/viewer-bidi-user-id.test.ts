// A user id holding a bidirectional override (U+202E) shows as the CLI's HTML report shows it: the control as
// its escape (`\u202e`), the id read left to right, in the heading, the page title and the status, not reversed.
import { describe, expect, it } from 'vitest';
import { makeUser } from './fixtures.js';
import { SESSION_MARKS, useViewer } from './viewer-harness.js';

const SPOOF = makeUser('eve\u202elanif', [Date.UTC(2024, 6, 1, 9)]);
const SHOWN = 'eve\\u202elanif';
const viewer = useViewer([SPOOF]);

describe('a user id with a right-to-left override', () => {
  it('shows the override as its escape, in the heading, the title and the status', async () => {
    const tracked = await viewer.open(viewer.userUrl(SPOOF.summary.userId));
    const { page } = tracked;
    await page.locator(SESSION_MARKS).first().waitFor();
    await expect(page.locator('#user-heading code').textContent()).resolves.toBe(SHOWN);
    await expect(page.title()).resolves.toBe(`\u2068${SHOWN}\u2069 · Sessionizer`);
    await expect(page.locator('#status').textContent()).resolves.toBe(
      `Showing \u2068${SHOWN}\u2069: 1 session.`,
    );
    // Drawn left to right: its last letter right of its first.
    const readsLeftToRight = await page.locator('#user-heading code').evaluate((code) => {
      const text = code.firstChild as Text;
      const x = (offset: number) => {
        const range = document.createRange();
        range.setStart(text, offset);
        range.setEnd(text, offset + 1);
        return range.getBoundingClientRect().left;
      };
      return x(0) < x((text.textContent ?? '').length - 1);
    });
    expect(readsLeftToRight).toBe(true);
    // The search field keeps the id as it is, to be looked up again.
    await expect(page.inputValue('#user-input')).resolves.toBe(SPOOF.summary.userId);
    viewer.expectCleanRun(tracked);
    await page.close();
  });
});
