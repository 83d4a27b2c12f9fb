// The viewer when things go wrong: loading, unknown and empty users, API errors, network failures, refused
// cursors.
import { describe, expect, it } from 'vitest';
import { ALICE, type ApiSession, HEAVY, makeUser } from './fixtures.js';
import {
  drawnSessionIds,
  LONG_FAILING_ID,
  SESSION_MARKS,
  sessionsIn,
  settled,
  useViewer,
  viewWindow,
} from './viewer-harness.js';

/** A customer id an export sent as a JSON number past a double's precision: rule 1 stores String(n). */
const NUMERIC = makeUser('12345678901234567000', [Date.UTC(2024, 2, 1, 9)]);
const viewer = useViewer([NUMERIC]);
const { userUrl, open, expectCleanRun } = viewer;

describe('session viewer in Chromium', () => {
  it('shows the loading, unknown-user, empty-history, API-error and missing-session states', async () => {
    const release = viewer.api.hold('/users/alice');
    const loading = await viewer.chromium.newPage();
    await loading.page.goto(userUrl('alice'));
    await loading.page.locator('[data-state="loading"]', { hasText: 'Loading user' }).waitFor();
    expect(await loading.page.locator('#content').getAttribute('aria-busy')).toBe('true');
    release();
    await loading.page.locator(SESSION_MARKS).first().waitFor();
    expect(await loading.page.locator('#content').getAttribute('aria-busy')).toBeNull();
    await loading.page.close();

    const unknown = await open(userUrl('alice'));
    await unknown.page.locator(SESSION_MARKS).first().waitFor();
    await expect(unknown.page.locator('#status').textContent()).resolves.toMatch(
      /^Showing \u2068alice\u2069: /,
    );
    await unknown.page.locator('#user-input').fill('ghost');
    await unknown.page.locator('#search button[type="submit"]').click();
    await expect(unknown.page.locator('[data-state="empty"]').textContent()).resolves.toContain(
      'No user or anonymousId ghost',
    );
    // An id spelt right whose events were all rejected is not known either: the typo is not the only cause.
    await expect(unknown.page.locator('[data-state="empty"]').textContent()).resolves.toContain(
      'or when every event of it was rejected (the ingest’s rejection reports, under rejected/ in the bucket, give each one’s reason)',
    );
    // The status a screen reader hears no longer names the user shown before.
    await expect(unknown.page.locator('#status').textContent()).resolves.toBe('');
    expectCleanRun(unknown, 1);
    await unknown.page.close();

    // An id from a crafted link that closes the isolate around it, then overrides: it reverses only itself.
    const crafted = await open(userUrl('ghost\u2069\u202e'));
    const notice = crafted.page.locator('[data-state="empty"]');
    await expect(notice.locator('code').first().textContent()).resolves.toBe('ghost\\u2069\\u202e');
    const knownReadsLeftToRight = await notice.evaluate((element) => {
      const walker = document.createTreeWalker(element, NodeFilter.SHOW_TEXT);
      for (let node = walker.nextNode(); node !== null; node = walker.nextNode()) {
        const at = (node.textContent ?? '').indexOf('known');
        if (at === -1) continue;
        const x = (offset: number) => {
          const range = document.createRange();
          range.setStart(node, offset);
          range.setEnd(node, offset + 1);
          return range.getBoundingClientRect().left;
        };
        return x(at) < x(at + 2);
      }
      return false;
    });
    expect(knownReadsLeftToRight).toBe(true);
    expectCleanRun(crafted, 1);
    await crafted.page.close();

    const empty = await open(userUrl('newbie'));
    await expect(empty.page.locator('[data-state="empty"]').textContent()).resolves.toBe(
      'This user has no sessions yet.',
    );
    expectCleanRun(empty);
    await empty.page.close();

    // A link to a session of a user with none says that session is not there, as for a user with sessions.
    const noSession = await open(userUrl('newbie', '20240101T090000000Z'));
    const absent = noSession.page.locator('[data-state="error"]');
    await expect(absent.textContent()).resolves.toBe(
      'This user has no session \u206820240101T090000000Z\u2069, and no sessions yet. Reload the user’s sessions',
    );
    // Named no more, so that Reload does not ask for it again (viewer-gone-url.test.ts).
    expect(new URL(noSession.page.url()).searchParams.get('session')).toBeNull();
    await absent.getByRole('button', { name: 'Reload the user’s sessions' }).click();
    await expect(noSession.page.locator('[data-state="empty"]').textContent()).resolves.toBe(
      'This user has no sessions yet.',
    );
    expect(new URL(noSession.page.url()).searchParams.get('session')).toBeNull();
    expect(new URL(noSession.page.url()).searchParams.get('user')).toBe('newbie');
    expectCleanRun(noSession);
    await noSession.page.close();

    const failing = await open(userUrl('boom'));
    const message = await failing.page.locator('[data-state="error"]').textContent();
    // The API's words isolated (U+2068 … U+2069): an override in what it quotes cannot reverse the viewer's.
    expect(message).toContain('The API answered 500: \u2068Internal error\u2069');
    await failing.page.getByRole('button', { name: 'Try again' }).waitFor();
    expectCleanRun(failing, 1);
    await failing.page.close();

    // An id from before a late event moved its session's start: the user's sessions now say where it went.
    const missing = await open(userUrl('alice', '20000101T000000000Z'));
    const gone = missing.page.locator('#session-panel [data-state="error"]');
    await expect(gone.textContent()).resolves.toBe(
      'This user has no session \u206820000101T000000000Z\u2069. A late event that moves a session’s start ' +
        'gives it another id: its sessions as they are now say where it went. Reload the user’s sessions',
    );
    await gone.getByRole('button', { name: 'Reload the user’s sessions' }).click();
    await expect(missing.page.locator('#session-panel').isHidden()).resolves.toBe(true);
    expect(new URL(missing.page.url()).searchParams.get('session')).toBeNull();
    expect(new URL(missing.page.url()).searchParams.get('user')).toBe('alice');
    expectCleanRun(missing, 1);
    await missing.page.close();
  });

  it('names the characters that do not show of an id no user has', async () => {
    // Pasted from a chat or a document with a zero-width space: it reads as alice, whom the API knows.
    const tracked = await open(userUrl('alice\u200b'));
    const notice = tracked.page.locator('[data-state="empty"]');
    await expect(notice.textContent()).resolves.toContain(
      'The id holds characters that do not show: U+200B as its character 6; one pasted in with it is not part of the id.',
    );
    // An emoji's joiners are part of what it draws.
    await tracked.page.goto(userUrl('fan-\u{1f469}\u200d\u{1f4bb}'));
    await expect(notice.textContent()).resolves.toContain('is known to the API.');
    await expect(notice.textContent()).resolves.not.toContain('do not show');
    expectCleanRun(tracked, 2);
    await tracked.page.close();
  });

  it('says which user exists when the API names one for an id that names none', async () => {
    // The number as the export writes it: the API's 404 says the id it is stored under.
    const tracked = await open(userUrl('12345678901234567890'));
    const notice = tracked.page.locator('[data-state="empty"]');
    await expect(notice.textContent()).resolves.toContain('No user or anonymousId 12345678901234567890');
    await expect(notice.textContent()).resolves.toContain(
      'an id sent as a JSON number is stored as JavaScript writes that number ("12345678901234567000")',
    );
    await expect(notice.textContent()).resolves.not.toContain('check for a typo');
    expectCleanRun(tracked, 1);
    await tracked.page.close();
  });

  it('offers no retry when the API refuses the id itself', async () => {
    const tracked = await open(userUrl('x'.repeat(600)));
    const { page } = tracked;
    await expect(page.locator('[data-state="error"]').textContent()).resolves.toContain(
      'The API answered 400',
    );
    expect(await page.getByRole('button', { name: 'Try again' }).count()).toBe(0);
    expectCleanRun(tracked, 1);
    await page.close();
  });

  it('wraps a long id in an error message instead of widening the page', async () => {
    const tracked = await open(userUrl(LONG_FAILING_ID), { width: 375, height: 740 });
    const { page } = tracked;
    await expect(page.locator('[data-state="error"]').textContent()).resolves.toContain(
      `Could not load \u2068${LONG_FAILING_ID}\u2069.`,
    );
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);
    expectCleanRun(tracked, 1);
    await page.close();
  });

  it('wraps a long session id in the panel instead of widening the page', async () => {
    // A shared link cut or pasted wrong: its session id has no session id's form, which the API refuses.
    const sessionId = `s${'0123456789abcdef'.repeat(12)}`;
    const tracked = await open(userUrl('alice', sessionId), { width: 375, height: 740 });
    const { page } = tracked;
    const error = page.locator('#session-panel [data-state="error"]');
    await expect(error.textContent()).resolves.toContain(`Could not load session \u2068${sessionId}\u2069.`);
    await expect(error.textContent()).resolves.toContain('The API answered 400: \u2068sessionId must be');
    await expect(page.locator('#session-heading').textContent()).resolves.toBe(
      `Session \u2068${sessionId}\u2069`,
    );
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);
    expectCleanRun(tracked, 1);
    await page.close();
  });

  it('offers to load a session again after a network failure, and then shows it', async () => {
    const tracked = await open(userUrl('alice'));
    const { page } = tracked;
    const session = ALICE.sessions[2] as ApiSession;
    await page.locator(SESSION_MARKS).first().waitFor();
    const restore = viewer.api.drop(`/users/alice/sessions/${session.sessionId}`);

    await page.locator(`[data-session-id="${session.sessionId}"]`).click();
    await expect(page.locator('#session-panel [data-state="error"]').textContent()).resolves.toContain(
      'Could not reach the API',
    );
    restore();
    await page.locator('#session-panel').getByRole('button', { name: 'Try again' }).click();
    await page.locator(`.panel-body[data-open-session-id="${session.sessionId}"]`).waitFor();
    expect(await page.locator('.events .event').count()).toBe(ALICE.events(session.sessionId).length);
    expectCleanRun(tracked, 1);
    await page.close();
  });

  it('recovers from a cursor the API no longer accepts when asked to try again', async () => {
    const tracked = await open(userUrl(HEAVY.summary.userId));
    const { page } = tracked;
    await page.locator(SESSION_MARKS).first().waitFor();
    await settled(page);
    // The API's signing key was replaced: the list's open cursor is now a 400.
    viewer.api.invalidateCursors();
    const alert = page.locator('.timeline-status [role="alert"]');
    for (let i = 0; i < 20 && (await alert.count()) === 0; i++) {
      await page.getByRole('button', { name: 'Earlier' }).click();
      await settled(page).catch(() => undefined);
    }
    // Worded as the other loads' errors are: the API's status, then its message.
    await expect(alert.textContent()).resolves.toMatch(
      /Loading failed: The API answered 400: \u2068[^\u2069]*not a valid cursor/,
    );

    // By keyboard: the button goes with the failure, and the keyboard goes back to the timeline, not to the
    // top of the page.
    await page.locator('.timeline-status').getByRole('button', { name: 'Try again' }).focus();
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => {
      const status = document.querySelector('.timeline-status')?.textContent ?? '';
      return !status.includes('loading') && !status.includes('Loading failed');
    });
    await settled(page);
    await expect(page.evaluate(() => document.activeElement?.closest('svg.chart') !== null)).resolves.toBe(
      true,
    );
    const drawn = await drawnSessionIds(page);
    expect(drawn.sort()).toEqual(sessionsIn(HEAVY.sessions, await viewWindow(page)).sort());
    expect(drawn.length).toBeGreaterThan(0);
    expectCleanRun(tracked, 1);
    await page.close();
  });
});
