// A page field or campaign member sent as the string "5" and one sent as the number 5 read apart in the viewer,
// as in the report: the string quoted, as JSON writes it, wherever the value is shown.
import { describe, expect, it } from 'vitest';
import { type ApiEvent, type ApiSession, type FakeUser, makeUser } from './fixtures.js';
import { useViewer } from './viewer-harness.js';

const base = makeUser('typed', [Date.UTC(2024, 7, 1, 10), Date.UTC(2024, 7, 2, 10)], { eventCount: () => 2 });

/** The sessions and events of `typed`, each page field and the campaign source sent as `value`. */
function sentAs(session: ApiSession, value: number | string): ApiSession {
  const page = { url: null, path: value, title: value, referrer: null };
  return {
    ...session,
    entryPage: page,
    exitPage: page,
    campaign: { source: value, medium: 'email', name: null, term: null, content: null },
  } as unknown as ApiSession;
}

const [numbers, strings] = [
  sentAs(base.sessions[0] as ApiSession, 5),
  sentAs(base.sessions[1] as ApiSession, '5'),
];
const USER: FakeUser = {
  ...base,
  sessions: [numbers, strings],
  events: (sessionId) =>
    base.events(sessionId).map(
      (event) =>
        ({
          ...event,
          ...(event.type === 'page' && { title: sessionId === numbers.sessionId ? 5 : '5', url: null }),
        }) as unknown as ApiEvent,
    ),
};

const viewer = useViewer([USER]);

describe('values sent as strings and as other JSON values, in Chromium', () => {
  it('shows the number 5 as 5 and the string "5" quoted, in the table, the panel and the events', async () => {
    const { page } = await viewer.open(`${viewer.api.origin}/?user=typed`);
    const row = (session: ApiSession) =>
      page.locator(`.session-table tbody tr`, { hasText: `#${session.sessionNumber}` });
    await row(numbers).waitFor();
    // Entry page, then campaign.
    const cells = (session: ApiSession) =>
      row(session)
        .locator('td')
        .evaluateAll((tds) => [tds[4]?.textContent, tds[5]?.textContent]);
    await expect(cells(numbers)).resolves.toEqual(['5', '\u20685\u2069 · \u2068email\u2069']);
    await expect(cells(strings)).resolves.toEqual(['"5"', '\u2068"5"\u2069 · \u2068email\u2069']);

    for (const [session, shown] of [
      [numbers, '5'],
      [strings, '"5"'],
    ] as const) {
      await page.goto(viewer.userUrl('typed', session.sessionId));
      await page.locator(`.panel-body[data-open-session-id="${session.sessionId}"] .event`).first().waitFor();
      const fact = (term: string) =>
        page.locator('.facts dt', { hasText: term }).locator('+ dd').textContent();
      // Its title and its path are the same value: said once.
      await expect(fact('Entry page')).resolves.toBe(shown);
      await expect(fact('Campaign')).resolves.toBe(
        `source: \u2068${shown}\u2069 · medium: \u2068email\u2069`,
      );
      await expect(page.locator('.events .event .label').nth(1).textContent()).resolves.toBe(shown);
    }
    await page.close();
  });
});
