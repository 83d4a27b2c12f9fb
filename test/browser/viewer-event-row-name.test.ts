// What a screen reader names an event's row by, as Chromium computes it: the event and when it happened, its
// ids (the row's tooltip) as its description. Unnamed, a list item is named by its tooltip, and every row of
// a session read as "messageId m-…".
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { type ApiEvent, type ApiSession, BOT, type FakeUser, makeUser } from './fixtures.js';
import { useViewer } from './viewer-harness.js';

/** Reads like a google url once its right-to-left override reverses the rest. */
const SPOOF = 'https://evil.example/#\u202emoc.elgoog//:sptth';
const base = makeUser('row-names', [Date.UTC(2024, 7, 1, 10)], { eventCount: () => 4 });
const session = base.sessions[0] as ApiSession;
const USER: FakeUser = {
  ...base,
  events: (sessionId) =>
    base
      .events(sessionId)
      .map(
        (event, index): ApiEvent =>
          index === 3 ? { ...event, type: 'page', name: null, title: null, url: SPOOF, path: null } : event,
      ),
};

const viewer = useViewer([USER]);

interface Named {
  readonly name: string;
  readonly description: string;
}

/** The open session's event rows at `indices`, as Chromium's accessibility tree names and describes them. */
async function eventRows(page: Page, indices: readonly number[]): Promise<Named[]> {
  const cdp = await page.context().newCDPSession(page);
  const { root } = await cdp.send('DOM.getDocument', { depth: 0 });
  const { nodeIds } = await cdp.send('DOM.querySelectorAll', {
    nodeId: root.nodeId,
    selector: 'ol.events > li',
  });
  const rows: Named[] = [];
  for (const index of indices) {
    const { nodes } = await cdp.send('Accessibility.getPartialAXTree', {
      nodeId: nodeIds[index],
      fetchRelatives: false,
    });
    const row = nodes[0];
    expect(row?.role?.value).toBe('listitem');
    rows.push({ name: `${row?.name?.value ?? ''}`, description: `${row?.description?.value ?? ''}` });
  }
  await cdp.detach();
  return rows;
}

describe('an event row', () => {
  it('is named by its event, time and offset, and described by its ids', async () => {
    const tracked = await viewer.open(viewer.userUrl('row-names', session.sessionId));
    const { page } = tracked;
    await page
      .locator(`.panel-body[data-open-session-id="${session.sessionId}"] .events .event`)
      .first()
      .waitFor();
    const events = USER.events(session.sessionId);
    const rows = await eventRows(page, [0, 1, 2, 3]);
    expect(rows.map((row) => row.name)).toEqual([
      'identify, 10:00:00.000, +0:00',
      '\u2068Product 1\u2069, page, 10:01:40.000, +1:40',
      '\u2068Clicked 2\u2069, track, 10:03:20.000, +3:20',
      // A url reads with its escapes, as the row shows it: the override reverses nothing after it.
      'https://evil.example/#\\u202emoc.elgoog//:sptth, page, 10:05:00.000, +5:00',
    ]);
    expect(rows[1]?.description).toBe(`messageId ⁨${events[1]?.messageId}⁩ anonymousId ⁨anon-7⁩`);
    viewer.expectCleanRun(tracked);
    await page.close();
  });

  it('says the date with the time from a session’s second day on', async () => {
    const bot = BOT.sessions[0] as ApiSession;
    const tracked = await viewer.open(viewer.userUrl('bot', bot.sessionId));
    const { page } = tracked;
    await page
      .locator(`.panel-body[data-open-session-id="${bot.sessionId}"] .events .event`)
      .first()
      .waitFor();
    const nextDay = BOT.events(bot.sessionId).findIndex((event) => event.timestamp.startsWith('2024-03-05'));
    const [row] = await eventRows(page, [nextDay]);
    expect(row?.name).toMatch(/, 2024-03-05 00:00:08\.309, \+15:00:08$/);
    viewer.expectCleanRun(tracked);
    await page.close();
  });
});
