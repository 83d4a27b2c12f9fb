// What a screen reader needs of the viewer: notices said as they appear (live regions), the sessions table
// named with its header cells, and every button named.
import { describe, expect, it } from 'vitest';
import { type AxNode, accessibilityTree, findNodes } from './ax-tree.js';
import { ALICE, type ApiSession, makeUser } from './fixtures.js';
import { SESSION_MARKS, settled, useViewer } from './viewer-harness.js';

/** A user with a session the API gave no page views for, so that the legend explains grey too. */
const GREY = makeUser('one-grey', [Date.UTC(2024, 4, 1, 9), Date.UTC(2024, 4, 2, 9)], {
  pageViewsUnknown: (i) => i === 0,
});
const viewer = useViewer([GREY]);

describe('screen-reader support', () => {
  it('names the sessions table, its column and row headers, and every button on the page', async () => {
    const session = ALICE.sessions[2] as ApiSession;
    const tracked = await viewer.open(viewer.userUrl('alice', session.sessionId));
    const { page } = tracked;
    await page.locator(`.panel-body[data-open-session-id="${session.sessionId}"]`).waitFor();
    await settled(page);
    const table = page.getByRole('table', { name: 'Sessions in view' });
    await expect(table.count()).resolves.toBe(1);
    await expect(table.getByRole('columnheader').allTextContents()).resolves.toEqual([
      'Session',
      'Started (UTC)',
      'Duration',
      'Events',
      'Page views',
      'Entry page',
      'Campaign',
      'Device',
    ]);
    const rowHeaders = await table.getByRole('rowheader').count();
    expect(rowHeaders).toBe(await page.locator('.session-table tbody tr').count());
    expect(rowHeaders).toBeGreaterThan(0);
    // Each button's accessible name, as Chromium computes it: none may be empty or a bare symbol.
    const names = await page
      .locator('button')
      .evaluateAll((buttons) =>
        buttons.map((button) => (button.getAttribute('aria-label') ?? button.textContent ?? '').trim()),
      );
    expect(names.length).toBeGreaterThan(0);
    for (const name of names) expect(name).toMatch(/[A-Za-z]{2}/);
    viewer.expectCleanRun(tracked);
    await page.close();
  });

  it('says failures at once and empty or loading states in turn, each as a whole', async () => {
    const failing = await viewer.open(viewer.userUrl('boom'));
    const error = failing.page.locator('#content [data-state="error"]');
    await error.waitFor();
    await expect(error.getAttribute('role')).resolves.toBe('alert');
    await expect(error.getAttribute('aria-live')).resolves.toBe('assertive');
    await expect(error.getAttribute('aria-atomic')).resolves.toBe('true');
    await failing.page.close();

    const empty = await viewer.open(viewer.userUrl('newbie'));
    const none = empty.page.locator('#content [data-state="empty"]');
    await none.waitFor();
    await expect(none.getAttribute('role')).resolves.toBe('status');
    await expect(none.getAttribute('aria-live')).resolves.toBe('polite');
    await expect(none.getAttribute('aria-atomic')).resolves.toBe('true');
    await empty.page.close();

    // A session gone since it was listed: its panel's notice is an alert too.
    const tracked = await viewer.open(viewer.userUrl('alice'));
    const { page } = tracked;
    await page.locator(SESSION_MARKS).first().waitFor();
    await settled(page);
    const session = ALICE.sessions[3] as ApiSession;
    const restore = viewer.api.gone(`/users/alice/sessions/${session.sessionId}`);
    await page.locator(`${SESSION_MARKS}[data-session-id="${session.sessionId}"]`).click();
    const gone = page.locator('#session-panel [data-state="error"]');
    await gone.waitFor();
    restore();
    await expect(gone.getAttribute('role')).resolves.toBe('alert');
    await page.close();
  });

  it('reads the timeline legend whole: its swatches and the open session pointer say what they stand for', async () => {
    const tracked = await viewer.open(viewer.userUrl(GREY.summary.userId));
    const { page } = tracked;
    await page.locator(SESSION_MARKS).first().waitFor();
    await settled(page);
    const root = await accessibilityTree(page);
    const legend = findNodes(root, (node) => node.name.startsWith('Length: duration'))[0];
    const said = (node: AxNode): string[] =>
      node.role === 'StaticText'
        ? [node.name]
        : node.role === 'image'
          ? [`[${node.name}]`]
          : node.children.flatMap(said);
    const parent = findNodes(root, (node) => legend !== undefined && node.children.includes(legend))[0];
    expect(
      said(parent ?? root)
        .join('')
        .replace(/\s+/g, ' '),
    ).toBe(
      'Length: duration · height: events · colour: page views, [lightest for none to darkest for the most], ' +
        'grey when not known · [a triangle above] the open session',
    );
    // Its swatch is drawn as a mark of a session the API gave no page views for (timeline-layout's pv-unknown).
    await expect(page.locator('.legend rect.pv-unknown').isVisible()).resolves.toBe(true);
    viewer.expectCleanRun(tracked);
    await page.close();
  });
});
