// ←/→ with the keyboard on the chart of a view that shows no session (panned past them): ← goes to the
// nearest session before the view and → to the nearest after it, as they do from a session, not to the
// user's last and first sessions, which lie the other way or far off.
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { ALICE, type ApiSession, HEAVY } from './fixtures.js';
import { SESSION_MARKS, settled, useViewer, viewWindow } from './viewer-harness.js';

const viewer = useViewer();

const byStart = (sessions: readonly ApiSession[]) =>
  [...sessions].sort((a, b) => Date.parse(a.startedAt) - Date.parse(b.startedAt));

const focusedId = (page: Page) =>
  page.evaluate(() => document.activeElement?.getAttribute('data-session-id') ?? null);

/** Opens `session`, zooms in around its mark and pans with `key` until the view shows no session. */
async function emptyViewFrom(page: Page, session: ApiSession, key: 'PageUp' | 'PageDown'): Promise<void> {
  const mark = page.locator(`${SESSION_MARKS}[data-session-id="${session.sessionId}"]`);
  await mark.waitFor();
  await settled(page);
  await mark.focus();
  for (let zoom = 0; zoom < 8; zoom++) await page.keyboard.press('+');
  for (let pan = 0; pan < 40 && (await page.locator(SESSION_MARKS).count()) > 0; pan++) {
    await page.keyboard.press(key);
    await settled(page);
  }
  expect(await page.locator(SESSION_MARKS).count()).toBe(0);
  await expect(page.evaluate(() => document.activeElement?.matches('svg.chart'))).resolves.toBe(true);
}

/** The session the keyboard lands on after `key`, once a step that loads sessions first has gone there. */
async function stepWith(page: Page, key: 'ArrowLeft' | 'ArrowRight'): Promise<string | null> {
  await page.keyboard.press(key);
  await page.waitForFunction(() => document.activeElement?.getAttribute('data-session-id') != null);
  return focusedId(page);
}

describe('←/→ from a view without a session', () => {
  it('go to the nearest session before it and after it', async () => {
    const order = byStart(ALICE.sessions);
    const from = order[5] as ApiSession;
    const tracked = await viewer.open(viewer.userUrl('alice'));
    const { page } = tracked;

    await emptyViewFrom(page, from, 'PageDown');
    const after = await viewWindow(page);
    expect(after.start).toBeGreaterThan(Date.parse(from.endedAt));
    expect(after.end).toBeLessThan(Date.parse((order[6] as ApiSession).startedAt));
    await expect(stepWith(page, 'ArrowLeft')).resolves.toBe(from.sessionId);

    await emptyViewFrom(page, from, 'PageDown');
    await expect(stepWith(page, 'ArrowRight')).resolves.toBe((order[6] as ApiSession).sessionId);
    viewer.expectCleanRun(tracked);
    await page.close();
  });

  it('load the sessions between the view and the one they go to first, when they are not yet', async () => {
    const order = byStart(HEAVY.sessions);
    const from = order[1000] as ApiSession;
    const tracked = await viewer.open(viewer.userUrl(HEAVY.summary.userId, from.sessionId));
    const { page } = tracked;
    await emptyViewFrom(page, from, 'PageUp');
    const view = await viewWindow(page);
    const before = order.filter((session) => Date.parse(session.startedAt) < view.start).at(-1);
    await expect(stepWith(page, 'ArrowLeft')).resolves.toBe(before?.sessionId);
    viewer.expectCleanRun(tracked);
    await page.close();
  });
});
