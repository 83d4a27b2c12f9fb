// The table's campaign column: a campaign with only a term or a content is a campaign, not `—`.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildViewerAssets, viewerSecurityHeaders } from '../../viewer/assets.js';
import { type Chromium, launchChromium } from './chromium.js';
import { type FakeApi, startFakeApi } from './fake-api.js';
import { type ApiSession, type FakeUser, makeUser } from './fixtures.js';

const base = makeUser('term-only', [Date.UTC(2024, 7, 1, 10)], { eventCount: () => 2 });
const session = {
  ...(base.sessions[0] as ApiSession),
  campaign: { source: null, medium: null, name: null, term: 'running shoes', content: 'banner-b' },
} as unknown as ApiSession;
const USER: FakeUser = { ...base, sessions: [session] };

let api: FakeApi | undefined;
let chromium: Chromium | undefined;
beforeAll(async () => {
  [api, chromium] = await Promise.all([
    startFakeApi({ assets: await buildViewerAssets(), assetHeaders: viewerSecurityHeaders(), users: [USER] }),
    launchChromium(),
  ]);
});
afterAll(async () => {
  await chromium?.close();
  await api?.close();
});

describe('the session table’s campaign', () => {
  it('shows a campaign that has only a term and a content', async () => {
    if (api === undefined || chromium === undefined) throw new Error('not started');
    const { page } = await chromium.newPage();
    await page.goto(`${api.origin}/?user=term-only`);
    const cell = page.locator('.session-table tbody td').nth(5);
    await cell.waitFor();
    await expect(cell.textContent()).resolves.toBe('\u2068running shoes\u2069 · \u2068banner-b\u2069');
    await page.close();
  });
});
