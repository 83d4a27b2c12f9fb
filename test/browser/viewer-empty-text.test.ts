// Page fields and names the API sends as `""` (docs/rules.md, rule 9: "taken exactly as sent, `""`
// included"), as it does campaign members and device members sent as strings: an empty one must not hide the
// value after it, nor stand as a blank between separators, in the session panel or the table.
import { describe, expect, it } from 'vitest';
import { type ApiEvent, type FakeUser, makeUser } from './fixtures.js';
import { useViewer } from './viewer-harness.js';

const base = makeUser('blank-fields', [Date.UTC(2024, 3, 1, 10)], { eventCount: () => 3 });
const session = {
  ...(base.sessions[0] as FakeUser['sessions'][number]),
  entryPage: { url: 'https://shop.example/landing', path: '', title: '', referrer: '' },
  exitPage: { url: '', path: '/real-exit', title: null, referrer: null },
  // As an entry URL of `?utm_source=&utm_medium=&utm_campaign=&utm_term=running+shoes` gives it.
  campaign: { source: '', medium: '', name: '', term: 'running shoes', content: null },
  device: { type: '', os: 'iOS', browser: '' },
} as unknown as FakeUser['sessions'][number];
const events: ApiEvent[] = [
  {
    ...(base.events(session.sessionId)[0] as ApiEvent),
    type: 'page',
    name: null,
    title: '',
    url: 'https://shop.example/landing',
    path: '',
  },
  {
    ...(base.events(session.sessionId)[1] as ApiEvent),
    type: 'track',
    name: 'Clicked',
    url: null,
    path: null,
    title: null,
  },
  {
    ...(base.events(session.sessionId)[2] as ApiEvent),
    type: 'page',
    name: '',
    title: null,
    url: '',
    path: '/real-exit',
  },
];
const USER: FakeUser = { ...base, sessions: [session], events: () => events };

const viewer = useViewer([USER]);

describe('empty text from the API', () => {
  it('shows the field an empty one stands before', async () => {
    const { page } = await viewer.open(
      `${viewer.api.origin}/?user=blank-fields&session=${session.sessionId}`,
    );
    await page.locator(`.panel-body[data-open-session-id="${session.sessionId}"]`).waitFor();
    const exit = page
      .locator('.attributes dt', { hasText: 'Exit page' })
      .locator('xpath=following-sibling::dd[1]');
    await expect(exit.textContent()).resolves.toBe('/real-exit');
    const entry = page
      .locator('.attributes dt', { hasText: 'Entry page' })
      .locator('xpath=following-sibling::dd[1]');
    await expect(entry.textContent()).resolves.toBe('https://shop.example/landing');
    const last = page.locator('.events .event').nth(2);
    await expect(last.locator('.label').textContent()).resolves.toBe('/real-exit');
    const attribute = (term: string) =>
      page
        .locator('.attributes dt', { hasText: term })
        .locator('xpath=following-sibling::dd[1]')
        .textContent();
    await expect(attribute('Referrer')).resolves.toBe('—');
    await expect(attribute('Device')).resolves.toBe('\u2068iOS\u2069');
    // Named members, but only those with text: `source: ` and nothing would read as a blank source.
    await expect(attribute('Campaign')).resolves.toBe('term: \u2068running shoes\u2069');
    const cells = page.locator('.session-table tbody td');
    await expect(cells.nth(4).textContent()).resolves.toBe('https://shop.example/landing');
    await expect(cells.nth(5).textContent()).resolves.toBe('\u2068running shoes\u2069');
    await expect(cells.nth(6).textContent()).resolves.toBe('\u2068iOS\u2069');
    await page.close();
  });
});
