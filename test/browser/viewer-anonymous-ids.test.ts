// A session's anonymousIds as the API lists them (rule 9: sorted, the first 10): a list of 10 may stand for
// more, which the panel says, so a device missing from it is not taken as absent from the session.
import { describe, expect, it } from 'vitest';
import { type FakeUser, makeUser } from './fixtures.js';
import { useViewer } from './viewer-harness.js';

const ids = (count: number) => Array.from({ length: count }, (_, i) => `anon-${String(i).padStart(2, '0')}`);
const base = makeUser('many-devices', [Date.UTC(2024, 3, 1, 10), Date.UTC(2024, 3, 2, 10)]);
const [first, second] = base.sessions as [FakeUser['sessions'][number], FakeUser['sessions'][number]];
const USER: FakeUser = {
  ...base,
  sessions: [
    { ...first, anonymousIds: ids(10) },
    { ...second, anonymousIds: ids(9) },
  ],
};

const viewer = useViewer([USER]);

async function anonymousIds(sessionId: string) {
  const { page } = await viewer.open(`${viewer.api.origin}/?user=many-devices&session=${sessionId}`);
  await page.locator(`.panel-body[data-open-session-id="${sessionId}"]`).waitFor();
  const value = page
    .locator('.attributes dt', { hasText: 'Anonymous IDs' })
    .locator('xpath=following-sibling::dd[1]');
  const shown = { items: await value.locator('li').count(), text: (await value.textContent()) ?? '' };
  await page.close();
  return shown;
}

describe('a session’s anonymousIds in the panel', () => {
  it('says that a list of 10 is the first 10, as the API lists no more', async () => {
    const shown = await anonymousIds(first.sessionId);
    expect(shown.items).toBe(10);
    expect(shown.text).toContain('The first 10 in sort order: the API lists no more.');
  });

  it('says nothing more of a shorter list', async () => {
    const shown = await anonymousIds(second.sessionId);
    expect(shown.items).toBe(9);
    expect(shown.text).not.toContain('first 10');
  });
});
