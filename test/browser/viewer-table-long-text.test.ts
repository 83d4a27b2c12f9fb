// The table's text columns end a long value in an ellipsis: the rest must still be there to read.
import { describe, expect, it } from 'vitest';
import { type ApiSession, type FakeUser, makeUser } from './fixtures.js';
import { useViewer } from './viewer-harness.js';

const LONG_PATH = `/catalogue/${'spring-collection/'.repeat(12)}linen-shirt`;
const base = makeUser('long-texts', [Date.UTC(2024, 7, 1, 10)], { eventCount: () => 2 });
const session = {
  ...(base.sessions[0] as ApiSession),
  entryPage: { url: `https://shop.example${LONG_PATH}`, path: LONG_PATH, title: null, referrer: null },
  campaign: { source: 'newsletter', medium: 'email', name: 'spring-'.repeat(10), term: null, content: null },
} as ApiSession;
const USER: FakeUser = { ...base, sessions: [session] };

const viewer = useViewer([USER]);

describe('long values in the session table', () => {
  it('cuts them to fit and gives each cut cell its whole text as a tooltip', async () => {
    const { page } = await viewer.open(`${viewer.api.origin}/?user=long-texts`);
    const cells = page.locator('.session-table tbody td.text');
    await cells.first().waitFor();
    for (const index of [0, 1]) {
      const cell = cells.nth(index);
      const cut = await cell.evaluate((element) => element.scrollWidth > element.clientWidth);
      expect(cut).toBe(true);
      await expect(cell.getAttribute('title')).resolves.toBe(await cell.textContent());
    }
    await expect(cells.nth(0).textContent()).resolves.toBe(LONG_PATH);
    await page.close();
  });
});
