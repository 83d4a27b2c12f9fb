// Escape closes the open session, except in the search field, where it is the field's own key.
import { describe, expect, it } from 'vitest';
import { ALICE, type ApiSession } from './fixtures.js';
import { useViewer } from './viewer-harness.js';

const viewer = useViewer();

describe('Escape in the search field', () => {
  it('clears the field and leaves the open session, its URL and the focus alone', async () => {
    const session = ALICE.sessions[1] as ApiSession;
    const tracked = await viewer.open(viewer.userUrl('alice', session.sessionId));
    const { page } = tracked;
    await page.locator(`.panel-body[data-open-session-id="${session.sessionId}"]`).waitFor();
    const entries = await page.evaluate(() => history.length);
    await page.fill('#user-input', 'someone-else');
    await page.press('#user-input', 'Escape');
    await expect(page.inputValue('#user-input')).resolves.toBe('');
    await expect(page.evaluate(() => document.activeElement?.id)).resolves.toBe('user-input');
    await expect(page.locator('#session-panel').isHidden()).resolves.toBe(false);
    expect(new URL(page.url()).searchParams.get('session')).toBe(session.sessionId);
    await expect(page.evaluate(() => history.length)).resolves.toBe(entries);
    // Elsewhere Escape still closes it.
    await page.locator('#session-panel').focus();
    await page.keyboard.press('Escape');
    await page.locator('#session-panel').waitFor({ state: 'hidden' });
    expect(new URL(page.url()).searchParams.get('session')).toBeNull();
    viewer.expectCleanRun(tracked);
    await page.close();
  });
});
