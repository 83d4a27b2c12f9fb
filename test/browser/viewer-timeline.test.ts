// The viewer's timeline of a user's sessions: searching, stitched ids, paging the list by cursor, an API on
// another origin.
import { describe, expect, it } from 'vitest';
import { buildViewerAssets, viewerSecurityHeaders } from '../../viewer/assets.js';
import { PAGE_SIZE } from '../../viewer/src/session-loader.js';
import { screenshot } from './chromium.js';
import { startFakeApi } from './fake-api.js';
import { ALICE, type ApiSession, HEAVY } from './fixtures.js';
import {
  drawnSessionIds,
  ROUTE_LIKE,
  SESSION_MARKS,
  sessionsIn,
  settled,
  USERS,
  useViewer,
  viewWindow,
} from './viewer-harness.js';

const viewer = useViewer();
const { userUrl, open, expectCleanRun } = viewer;

describe('session viewer in Chromium', () => {
  it('draws one mark per session of a searched user, matching the API', async () => {
    const tracked = await open(`${viewer.api.origin}/`);
    const { page } = tracked;

    await page.getByLabel('User ID or anonymousId').fill('alice');
    await page.getByRole('button', { name: 'Show sessions' }).click();
    await page.locator(SESSION_MARKS).first().waitFor();
    await settled(page);

    expect(new URL(page.url()).search).toBe('?user=alice');
    expect((await drawnSessionIds(page)).sort()).toEqual(ALICE.sessions.map((s) => s.sessionId).sort());
    await expect(page.locator('#user-heading').textContent()).resolves.toBe('User alice');
    await expect(page.locator('.summary').textContent()).resolves.toContain(
      `Events${ALICE.summary.eventCount}`,
    );
    const busiest = ALICE.sessions.reduce((a, b) => (b.eventCount > a.eventCount ? b : a));
    const quietest = ALICE.sessions.reduce((a, b) => (b.eventCount < a.eventCount ? b : a));
    const height = (id: string) =>
      page.locator(`[data-session-id="${id}"]`).getAttribute('height').then(Number);
    expect(await height(busiest.sessionId)).toBeGreaterThan(await height(quietest.sessionId));
    expectCleanRun(tracked);
    await page.close();
  });

  it('finds a user whose id a decoded path would misread, and opens a session of theirs', async () => {
    const tracked = await open(`${viewer.api.origin}/`);
    const { page } = tracked;
    await page.getByLabel('User ID or anonymousId').fill(ROUTE_LIKE.summary.userId);
    await page.getByRole('button', { name: 'Show sessions' }).click();
    await page.locator(SESSION_MARKS).first().waitFor();
    await settled(page);
    expect((await drawnSessionIds(page)).sort()).toEqual(ROUTE_LIKE.sessions.map((s) => s.sessionId).sort());
    const session = ROUTE_LIKE.sessions[1] as ApiSession;
    await page.locator(`[data-session-id="${session.sessionId}"]`).click();
    await page.locator(`.panel-body[data-open-session-id="${session.sessionId}"]`).waitFor();
    expect(await page.locator('.events .event').count()).toBe(ROUTE_LIKE.events(session.sessionId).length);
    expect(tracked.requests.some((url) => url.includes('/users/~b64.'))).toBe(true);
    expectCleanRun(tracked);
    await page.close();
  });

  it('follows a stitched anonymousId to its user', async () => {
    const tracked = await open(userUrl('anon-7'));
    const { page } = tracked;
    await page.locator('#user-heading', { hasText: 'alice' }).waitFor();
    await expect(page.locator('[data-testid="stitched-note"]').textContent()).resolves.toBe(
      'anon-7 is an anonymousId stitched to this user.',
    );
    expect(new URL(page.url()).search).toBe('?user=alice');
    expect(tracked.requests.map((url) => new URL(url).pathname)).toContain('/users/anon-7');
    // The summary's ids are the stitched ones, not every anonymousId a session shows.
    await expect(
      page.locator('.summary dt', { hasText: 'Stitched anonymous IDs' }).locator('+ dd').textContent(),
    ).resolves.toBe('anon-7');

    await page.goto(userUrl('anon-9'));
    await page.locator('#user-heading', { hasText: 'anon-9' }).waitFor();
    await page.locator('.summary a[data-internal]', { hasText: 'alice' }).click();
    await page.locator('#user-heading', { hasText: 'alice' }).waitFor();
    expect(new URL(page.url()).search).toBe('?user=alice');
    expectCleanRun(tracked);
    await page.close();
  });

  it('pages through 2,000 sessions by cursor, only as far as the view needs', async () => {
    const tracked = await open(userUrl(HEAVY.summary.userId));
    const { page } = tracked;
    await page.locator(SESSION_MARKS).first().waitFor();
    await settled(page);
    const listRequests = () => tracked.requests.filter((url) => new URL(url).pathname.endsWith('/sessions'));

    const initial = await drawnSessionIds(page);
    expect(initial.sort()).toEqual(sessionsIn(HEAVY.sessions, await viewWindow(page)).sort());
    expect(initial.length).toBeGreaterThan(50);
    expect(initial.length).toBeLessThan(300);
    expect(listRequests().length).toBeLessThanOrEqual(3);

    await page.getByRole('button', { name: 'Whole history' }).click();
    await page.waitForFunction(
      (count) => document.querySelectorAll('svg.chart rect[data-session-id]').length === count,
      2000,
    );
    await settled(page);
    expect((await drawnSessionIds(page)).sort()).toEqual(HEAVY.sessions.map((s) => s.sessionId).sort());
    const requests = listRequests().map((url) => new URL(url).searchParams);
    expect(requests.length).toBeLessThanOrEqual(2000 / PAGE_SIZE + 1);
    expect(requests.every((query) => query.get('limit') === String(PAGE_SIZE))).toBe(true);
    expect(requests.filter((query) => query.has('cursor')).length).toBeGreaterThan(2000 / PAGE_SIZE / 2);
    await expect(page.locator('.timeline-status').textContent()).resolves.toContain('2,000 of 2,000 loaded');

    await page.locator('svg.chart').hover();
    const before = await viewWindow(page);
    await page.mouse.wheel(0, -400);
    const after = await viewWindow(page);
    expect(after.end - after.start).toBeLessThan((before.end - before.start) / 2);
    const box = await page.locator('svg.chart').boundingBox();
    if (box === null) throw new Error('the chart has no box');
    await page.mouse.move(box.x + box.width / 2, box.y + 20);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width / 2 + 200, box.y + 20, { steps: 5 });
    await page.mouse.up();
    const dragged = await viewWindow(page);
    expect(dragged.end - dragged.start).toBeCloseTo(after.end - after.start, -3);
    expect(dragged.start).toBeLessThan(after.start);
    await screenshot(page, 'viewer-2000-sessions-1280');
    expectCleanRun(tracked);
    await page.close();
  });

  it('keeps keyboard focus on its session while older sessions load and are drawn before it', async () => {
    const tracked = await open(userUrl(HEAVY.summary.userId));
    const { page } = tracked;
    await page.locator(SESSION_MARKS).first().waitFor();
    await settled(page);
    const focusedId = () =>
      page.evaluate(() => document.activeElement?.getAttribute('data-session-id') ?? null);
    const before = (await drawnSessionIds(page)).length;

    await page.locator(SESSION_MARKS).last().focus();
    // Home goes to the first loaded session, at the edge of what is loaded: the view asks for older pages.
    await page.keyboard.press('Home');
    const first = await focusedId();
    expect(first).not.toBeNull();
    await page.waitForFunction(
      (count) => document.querySelectorAll('svg.chart rect[data-session-id]').length > count,
      before,
    );
    await settled(page);
    expect(await focusedId()).toBe(first);
    await page.keyboard.press('ArrowLeft');
    const previous = await focusedId();
    expect(previous).not.toBeNull();
    expect(previous).not.toBe(first);
    expectCleanRun(tracked);
    await page.close();
  });

  it('steps with →/← to the very next session, loading the sessions between first when they are not yet', async () => {
    const order = [...HEAVY.sessions].sort((a, b) => Date.parse(a.startedAt) - Date.parse(b.startedAt));
    const from = 1000;
    const first = order[from] as ApiSession;
    const tracked = await open(userUrl(HEAVY.summary.userId, first.sessionId));
    const { page } = tracked;
    const mark = page.locator(`[data-session-id="${first.sessionId}"]`);
    await mark.waitFor();
    await settled(page);
    await mark.focus();
    // Zoomed in to about an hour: the sessions either side are out of view, and not loaded ahead of it.
    for (let zoom = 0; zoom < 8; zoom++) await page.keyboard.press('+');
    await settled(page);
    const focusedId = () =>
      page.evaluate(() => document.activeElement?.getAttribute('data-session-id') ?? null);

    // The first view (the newest page's span, about 18 days, around the session) loaded some 40 sessions
    // either side: 60 steps each way go past them.
    let index = from;
    for (const [key, direction, steps] of [
      ['ArrowRight', 1, 60],
      ['ArrowLeft', -1, 120],
    ] as const) {
      for (let step = 0; step < steps; step++) {
        const before = await focusedId();
        await page.keyboard.press(key);
        // A step that loads sessions first leaves the focus on the chart meanwhile.
        await page.waitForFunction((id) => {
          const now = document.activeElement?.getAttribute('data-session-id');
          return now !== undefined && now !== null && now !== id;
        }, before);
        index += direction;
        expect(await focusedId()).toBe((order[index] as ApiSession).sessionId);
      }
    }
    expectCleanRun(tracked);
    await page.close();
  });

  it('calls an API on another origin when built with its base URL, allowed by the CSP', async () => {
    const crossApi = await startFakeApi({ users: USERS, corsOrigin: '*' });
    const headers = viewerSecurityHeaders(crossApi.origin);
    expect(headers['content-security-policy']).toContain(`connect-src 'self' ${crossApi.origin};`);
    const host = await startFakeApi({
      users: [],
      assets: await buildViewerAssets({ apiBaseUrl: crossApi.origin }),
      assetHeaders: headers,
    });
    try {
      const tracked = await viewer.chromium.newPage();
      await tracked.page.goto(`${host.origin}/?user=alice`);
      await tracked.page.locator(SESSION_MARKS).first().waitFor();
      expect(await tracked.page.locator(SESSION_MARKS).count()).toBe(ALICE.sessions.length);
      expect(new Set(tracked.requests.map((url) => new URL(url).origin))).toEqual(
        new Set([host.origin, crossApi.origin]),
      );
      expect(host.requests.filter((request) => request.includes('/users/'))).toEqual([]);
      expect(tracked.errors).toEqual([]);
      await tracked.page.close();
    } finally {
      await Promise.all([crossApi.close(), host.close()]);
    }
  });
});
