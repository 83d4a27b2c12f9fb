// A user whose sessions change while on show: a session added before those loaded renumbers every one after it
// (docs/rules.md, rule 9), so pages read before and after the change disagree on numbers, and the count of the
// summary read on opening falls behind. The viewer must show no number twice and no count past its whole.
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { makeUser } from './fixtures.js';
import { SESSION_MARKS, settled, useViewer } from './viewer-harness.js';

const HOUR = 3_600_000;
const FIRST = Date.UTC(2022, 0, 3, 8);
const USER = makeUser(
  'changing',
  Array.from({ length: 2000 }, (_, i) => FIRST + i * 8.7 * HOUR),
);

const viewer = useViewer([USER]);

/** A session a day before all others, as a late event makes it: every number after it moves up by one. */
function addEarlierSession(): void {
  const [added] = makeUser(USER.summary.userId, [FIRST - 24 * HOUR]).sessions;
  if (added === undefined) throw new Error('makeUser made no session');
  USER.sessions.unshift(added);
  for (const [index, session] of USER.sessions.entries()) session.sessionNumber = index + 1;
  USER.summary.sessionCount = USER.sessions.length;
  USER.summary.firstSeenAt = added.startedAt;
}

/** The numbers the marks and the table rows show, each list as shown. */
async function shownNumbers(page: Page): Promise<{ marks: string[]; rows: string[] }> {
  const marks = await page
    .locator(SESSION_MARKS)
    .evaluateAll((all) =>
      all.flatMap((mark) => /^Session ([\d,]+):/.exec(mark.getAttribute('aria-label') ?? '')?.slice(1) ?? []),
    );
  const rows = await page
    .locator('.session-table tbody th a')
    .evaluateAll((all) =>
      all.flatMap((link) => (link.textContent?.startsWith('#') ? [link.textContent] : [])),
    );
  return { marks, rows };
}

const duplicates = (values: readonly string[]) => values.filter((value, i) => values.indexOf(value) !== i);

describe('a user whose sessions change while on show', () => {
  it('shows no number twice nor a count past the whole, says so and reloads the user on asking', async () => {
    const tracked = await viewer.open(viewer.userUrl(USER.summary.userId));
    const { page } = tracked;
    await page.locator(SESSION_MARKS).first().waitFor();
    await settled(page);
    const loadedCount = page.locator('.timeline-status .loaded-count');
    await expect(loadedCount.textContent()).resolves.toMatch(/^\d+ of 2,000 loaded$/);
    await expect(page.locator('.sessions-changed').isVisible()).resolves.toBe(false);

    addEarlierSession();
    // A step left of the oldest loaded session (Home) reads the page before it, numbered anew.
    await page.locator(SESSION_MARKS).first().focus();
    await page.keyboard.press('Home');
    await page.keyboard.press('ArrowLeft');
    await settled(page);
    const stepped = await shownNumbers(page);
    expect(stepped.rows.length).toBeGreaterThan(0);
    expect(duplicates(stepped.marks)).toEqual([]);
    expect(duplicates(stepped.rows)).toEqual([]);
    await expect(page.locator('.sessions-changed').textContent()).resolves.toContain('numbered anew');

    await page.getByRole('button', { name: 'Whole history' }).click();
    await page.waitForFunction(
      () => !document.querySelector('.timeline-status')?.textContent?.includes('loading'),
    );
    await expect.poll(() => loadedCount.textContent(), { timeout: 20_000 }).toMatch(/^2,001 loaded/);
    await expect(loadedCount.textContent()).resolves.toBe('2,001 loaded (2,000 when the user was opened)');
    const whole = await shownNumbers(page);
    expect(whole.marks.length).toBeGreaterThan(1900);
    expect(duplicates(whole.marks)).toEqual([]);
    expect(duplicates(whole.rows)).toEqual([]);

    await page.getByRole('button', { name: 'Reload the user' }).click();
    await page.locator('#user-heading').waitFor();
    await settled(page);
    await expect(loadedCount.textContent()).resolves.toMatch(/^\d+ of 2,001 loaded$/);
    await expect(page.locator('.sessions-changed').isVisible()).resolves.toBe(false);
    await expect(page.locator('.session-table tbody th a').first().textContent()).resolves.toBe('#2,001');
    await expect(page.locator('.summary').textContent()).resolves.toContain('2,001');
    viewer.expectCleanRun(tracked);
    await page.close();
  });
});
