// The viewer's table of the sessions in view: its rows follow the timeline, each opens its session.
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { MAX_TABLE_ROWS } from '../../viewer/src/session-table.js';
import { ALICE, type ApiSession, HEAVY } from './fixtures.js';
import { drawnSessionIds, sessionsIn, settled, useViewer, viewWindow } from './viewer-harness.js';

const viewer = useViewer();
const { userUrl, open, expectCleanRun } = viewer;

const ROWS = '.session-table tbody tr';

async function rowIds(page: Page): Promise<string[]> {
  return page
    .locator(ROWS)
    .evaluateAll((rows) => rows.map((row) => row.getAttribute('data-row-session-id') ?? ''));
}

describe('table of the sessions in view, in Chromium', () => {
  it('lists the sessions the timeline shows, newest first, with their attributes', async () => {
    const tracked = await open(userUrl('alice'));
    const { page } = tracked;
    await settled(page);

    const shown = await drawnSessionIds(page);
    expect(shown.length).toBeGreaterThan(0);
    expect(await rowIds(page)).toEqual([...shown].reverse());

    const latest = ALICE.sessions.find((session) => session.sessionId === shown.at(-1)) as ApiSession;
    const cells = await page
      .locator(ROWS)
      .first()
      .locator('th, td')
      .evaluateAll((items) => items.map((item) => item.textContent ?? ''));
    expect(cells[0]).toBe(`#${latest.sessionNumber}`);
    expect(cells[3]).toBe(String(latest.eventCount));
    expect(cells[5]).toBe(latest.entryPage?.path ?? latest.entryPage?.url ?? '—');
    // Untrusted strings stay text.
    expect(await page.locator('.session-table img').count()).toBe(0);
    expectCleanRun(tracked);
  });

  it('follows the view as it zooms, and opens a session from its row', async () => {
    const tracked = await open(userUrl('alice'));
    const { page } = tracked;
    await settled(page);
    const before = await rowIds(page);

    await page.getByRole('button', { name: 'Zoom in', exact: true }).click();
    await page.getByRole('button', { name: 'Zoom in', exact: true }).click();
    await settled(page);
    const zoomed = sessionsIn(ALICE.sessions, await viewWindow(page));
    await expect.poll(() => rowIds(page)).toEqual([...zoomed].reverse());
    expect(zoomed.length).toBeLessThan(before.length);

    const target = zoomed[0] as string;
    await page.locator(`${ROWS}[data-row-session-id="${target}"] a`).click();
    await page.locator(`.panel-body[data-open-session-id="${target}"]`).waitFor();
    expect(new URL(page.url()).searchParams.get('session')).toBe(target);
    expect(await page.locator(`${ROWS}[aria-current="true"]`).getAttribute('data-row-session-id')).toBe(
      target,
    );

    await page.keyboard.press('Escape');
    await expect.poll(() => page.locator(`${ROWS}[aria-current="true"]`).count()).toBe(0);
    expectCleanRun(tracked);
  });

  it('gives the keyboard back to the row a session was opened from once it closes', async () => {
    const tracked = await open(userUrl('alice'));
    const { page } = tracked;
    await settled(page);
    const focused = () =>
      page.evaluate(() => document.activeElement?.closest('tr')?.getAttribute('data-row-session-id'));
    // A row down the table, reached by keyboard: going back to the timeline would lose the place in it.
    const target = (await rowIds(page))[3] as string;
    for (const close of [
      () => page.keyboard.press('Escape'),
      () => page.locator('.panel-head .close').click(),
    ]) {
      await page.locator(`${ROWS}[data-row-session-id="${target}"] a`).focus();
      await page.keyboard.press('Enter');
      await page.locator(`.panel-body[data-open-session-id="${target}"]`).waitFor();
      await close();
      await page.locator('#session-panel').waitFor({ state: 'hidden' });
      await expect.poll(focused).toBe(target);
    }
    expectCleanRun(tracked);
  });

  it(`shows at most ${MAX_TABLE_ROWS} rows of a long history in view, and says so`, async () => {
    const tracked = await open(userUrl(HEAVY.summary.userId));
    const { page } = tracked;
    await settled(page);
    await page.getByRole('button', { name: 'Whole history' }).click();
    await settled(page);

    const inView = await drawnSessionIds(page);
    expect(inView.length).toBeGreaterThan(MAX_TABLE_ROWS);
    expect(await rowIds(page)).toEqual(inView.slice(-MAX_TABLE_ROWS).reverse());
    expect(await page.locator('.table-note').textContent()).toBe(
      `The ${MAX_TABLE_ROWS} latest of ${inView.length.toLocaleString('en-US')} sessions in view; zoom in for the others.`,
    );
    expectCleanRun(tracked);
  });
});
