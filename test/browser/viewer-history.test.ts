// The browser history holds one entry per change of what is shown (asking again for what is on show adds none,
// so Back always goes back to something else), each titled by what it shows.
import { describe, expect, it } from 'vitest';
import { ALICE, type ApiSession } from './fixtures.js';
import { useViewer } from './viewer-harness.js';

const viewer = useViewer();

describe('the browser history', () => {
  it('adds no entry when the open session or the user shown is asked for again', async () => {
    const session = ALICE.sessions[2] as ApiSession;
    const tracked = await viewer.open(viewer.userUrl('alice'));
    const { page } = tracked;
    const mark = page.locator(`svg.chart [data-session-id="${session.sessionId}"]`);
    await mark.click();
    await page.locator(`.panel-body[data-open-session-id="${session.sessionId}"]`).waitFor();
    const entries = await page.evaluate(() => history.length);
    // Its mark clicked again, and Enter on it.
    await mark.click();
    await mark.press('Enter');
    await expect(page.evaluate(() => history.length)).resolves.toBe(entries);

    await page.goBack();
    await page.locator('#session-panel').waitFor({ state: 'hidden' });
    expect(new URL(page.url()).searchParams.get('session')).toBeNull();
    // The user shown, searched again.
    await page.press('#user-input', 'Enter');
    await expect(page.evaluate(() => history.length)).resolves.toBe(entries);
    await page.goForward();
    await page.locator(`.panel-body[data-open-session-id="${session.sessionId}"]`).waitFor();
    viewer.expectCleanRun(tracked);
    await page.close();
  });

  it('names the open session in the page title, so history entries of one user tell their sessions apart', async () => {
    const session = ALICE.sessions[4] as ApiSession;
    const tracked = await viewer.open(viewer.userUrl('alice', session.sessionId));
    const { page } = tracked;
    await page.locator(`.panel-body[data-open-session-id="${session.sessionId}"]`).waitFor();
    await expect(page.title()).resolves.toBe('Session 5 · \u2068alice\u2069 · Sessionizer');
    await page.locator('#session-panel').focus();
    await page.keyboard.press('Escape');
    await page.locator('#session-panel').waitFor({ state: 'hidden' });
    await expect(page.title()).resolves.toBe('\u2068alice\u2069 · Sessionizer');
    await page.goBack();
    await page.locator(`.panel-body[data-open-session-id="${session.sessionId}"]`).waitFor();
    await expect(page.title()).resolves.toBe('Session 5 · \u2068alice\u2069 · Sessionizer');
    viewer.expectCleanRun(tracked);
    await page.close();
  });
});
