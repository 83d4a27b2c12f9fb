// Whichever way the viewer finds the session the URL names gone (its id answers 404 when opened or for its
// next events, or the user has no sessions at all), the URL names it no more, at once and without a history
// entry: Reload or a shared link must not open a session the page already says is not there. The page's title
// names the session no more either, as the URL. An id the API refuses as malformed (a link cut or typed wrong)
// names no session either, and goes the same way.
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { type ApiSession, makeUser } from './fixtures.js';
import { SESSION_MARKS, settled, useViewer } from './viewer-harness.js';

const DAY = 86_400_000;
const USER = makeUser(
  'going',
  Array.from({ length: 4 }, (_, i) => Date.UTC(2024, 5, 1, 9) + i * DAY),
  // The first has more events than one batch (5,000), so its next batch can answer 404.
  { eventCount: (i) => (i === 0 ? 5_001 : 4), durationMinutes: () => 30 },
);

const viewer = useViewer([USER]);

function sessionParam(page: Page): string | null {
  return new URL(page.url()).searchParams.get('session');
}

/**
 * The URL and the title name the user alone, with no history entry added since `entries`, and a reload opens
 * no session.
 */
async function expectUnnamed(page: Page, user: string, entries: number): Promise<void> {
  expect(sessionParam(page)).toBeNull();
  expect(new URL(page.url()).searchParams.get('user')).toBe(user);
  await expect(page.title()).resolves.toBe(`\u2068${user}\u2069 · Sessionizer`);
  await expect(page.evaluate(() => history.length)).resolves.toBe(entries);
  await page.reload();
  await page.locator('#user-heading').waitFor();
  await expect(page.locator('#session-panel').isVisible()).resolves.toBe(false);
}

describe('the URL of a session found gone', () => {
  it('drops a session the user does not have, opened from a link', async () => {
    const tracked = await viewer.open(viewer.userUrl('going', '20000101T000000000Z'));
    const { page } = tracked;
    const entries = await page.evaluate(() => history.length);
    await page
      .locator('#session-panel [data-state="error"]', { hasText: 'This user has no session' })
      .waitFor();
    await expectUnnamed(page, 'going', entries);
    await page.close();
  });

  it('drops a malformed session id from a link, as one the user does not have, saying the API refused it', async () => {
    const tracked = await viewer.open(viewer.userUrl('going', 'bogus'));
    const { page } = tracked;
    const entries = await page.evaluate(() => history.length);
    await expect(page.locator('#session-panel [data-state="error"]').textContent()).resolves.toContain(
      'Could not load session \u2068bogus\u2069. The API answered 400: \u2068sessionId must be',
    );
    await expectUnnamed(page, 'going', entries);
    await page.close();
  });

  it('drops a listed session whose id answers 404 when opened', async () => {
    const session = USER.sessions[2] as ApiSession;
    const tracked = await viewer.open(viewer.userUrl('going'));
    const { page } = tracked;
    await page.locator(SESSION_MARKS).first().waitFor();
    await settled(page);
    const restore = viewer.api.gone(`/users/going/sessions/${session.sessionId}`);
    await page.locator(`${SESSION_MARKS}[data-session-id="${session.sessionId}"]`).click();
    await page
      .locator('#session-panel [data-state="error"]', { hasText: 'is gone since it was listed' })
      .waitFor();
    const entries = await page.evaluate(() => history.length);
    await expectUnnamed(page, 'going', entries);
    restore();
    await page.close();
  });

  it('drops an open session whose next events answer 404', async () => {
    const session = USER.sessions[0] as ApiSession;
    const tracked = await viewer.open(viewer.userUrl('going', session.sessionId));
    const { page } = tracked;
    const entries = await page.evaluate(() => history.length);
    await page.locator(`.panel-body[data-open-session-id="${session.sessionId}"]`).waitFor();
    expect(sessionParam(page)).toBe(session.sessionId);
    const restore = viewer.api.gone(`/users/going/sessions/${session.sessionId}`);
    await page.locator('.events-load').click();
    await page
      .locator('.events-more [data-state="error"]', { hasText: 'is gone since it was opened' })
      .waitFor();
    await expectUnnamed(page, 'going', entries);
    restore();
    await page.close();
  });

  it('drops a session asked for of a user the API does not know', async () => {
    const tracked = await viewer.open(viewer.userUrl('nobody-here', '20240101T090000000Z'));
    const { page } = tracked;
    const entries = await page.evaluate(() => history.length);
    await page.locator('#content [data-state="empty"]').waitFor();
    expect(sessionParam(page)).toBeNull();
    expect(new URL(page.url()).searchParams.get('user')).toBe('nobody-here');
    await expect(page.evaluate(() => history.length)).resolves.toBe(entries);
    await page.close();
  });

  it('drops a session asked for of a user with no sessions', async () => {
    const tracked = await viewer.open(viewer.userUrl('newbie', '20240101T090000000Z'));
    const { page } = tracked;
    const entries = await page.evaluate(() => history.length);
    await page.locator('[data-state="error"]', { hasText: 'This user has no session' }).waitFor();
    expect(sessionParam(page)).toBeNull();
    await expect(page.evaluate(() => history.length)).resolves.toBe(entries);
    await page.close();
  });
});
