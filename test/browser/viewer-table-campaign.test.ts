// The table's campaign column: a campaign with only a term or a content is a campaign, not `—`.
import { describe, expect, it } from 'vitest';
import { type ApiSession, type FakeUser, makeUser } from './fixtures.js';
import { useViewer } from './viewer-harness.js';

const base = makeUser('term-only', [Date.UTC(2024, 7, 1, 10)], { eventCount: () => 2 });
const session = {
  ...(base.sessions[0] as ApiSession),
  campaign: { source: null, medium: null, name: null, term: 'running shoes', content: 'banner-b' },
} as unknown as ApiSession;
const USER: FakeUser = { ...base, sessions: [session] };

const viewer = useViewer([USER]);

describe('the session table’s campaign', () => {
  it('shows a campaign that has only a term and a content', async () => {
    const { page } = await viewer.open(`${viewer.api.origin}/?user=term-only`);
    const cell = page.locator('.session-table tbody td').nth(5);
    await cell.waitFor();
    await expect(cell.textContent()).resolves.toBe('\u2068running shoes\u2069 · \u2068banner-b\u2069');
    await page.close();
  });
});
