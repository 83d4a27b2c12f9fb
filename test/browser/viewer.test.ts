import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildViewerAssets, type ViewerAsset, viewerSecurityHeaders } from '../../viewer/assets.js';
import { PAGE_SIZE } from '../../viewer/src/session-loader.js';
import { type Chromium, launchChromium, screenshot, type TrackedPage } from './chromium.js';
import { type FakeApi, startFakeApi } from './fake-api.js';
import {
  ALICE,
  type ApiSession,
  BOT,
  EMPTY_USER,
  HEAVY,
  makeUser,
  STITCHED_WITH_HISTORY,
} from './fixtures.js';

/** An id a decoded path would misread (it ends like a route, holds a `?`): the viewer sends its `~b64.` form. */
const ROUTE_LIKE = makeUser('team/x?y/sessions', [Date.UTC(2024, 2, 1, 9), Date.UTC(2024, 2, 2, 9)]);
const USERS = [ALICE, HEAVY, EMPTY_USER, STITCHED_WITH_HISTORY, BOT, ROUTE_LIKE];
const SESSION_MARKS = 'svg.chart rect[data-session-id]';
/** A long id without a break opportunity (a hash, a JWT pasted by mistake) whose every request fails. */
const LONG_FAILING_ID = `f${'0123456789abcdef'.repeat(12)}`;

let chromium: Chromium;
let assets: Map<string, ViewerAsset>;
let api: FakeApi;

beforeAll(async () => {
  assets = await buildViewerAssets();
  [api, chromium] = await Promise.all([
    startFakeApi({
      assets,
      assetHeaders: viewerSecurityHeaders(),
      users: USERS,
      stitched: { 'anon-7': 'alice' },
      failing: ['boom', LONG_FAILING_ID],
    }),
    launchChromium(),
  ]);
});

afterAll(async () => {
  await chromium?.close();
  await api?.close();
});

function userUrl(user: string, session?: string): string {
  const params = new URLSearchParams({ user, ...(session !== undefined && { session }) });
  return `${api.origin}/?${params}`;
}

async function open(url: string, viewport?: { width: number; height: number }): Promise<TrackedPage> {
  const tracked = await chromium.newPage(viewport);
  await tracked.page.goto(url);
  return tracked;
}

async function drawnSessionIds(page: Page): Promise<string[]> {
  return page
    .locator(SESSION_MARKS)
    .evaluateAll((marks) => marks.map((mark) => mark.getAttribute('data-session-id') ?? ''));
}

/** Waits until the timeline has stopped loading sessions. */
async function settled(page: Page): Promise<void> {
  await page.waitForFunction(() => {
    const status = document.querySelector('.timeline-status')?.textContent ?? '';
    return status !== '' && !status.includes('loading');
  });
}

async function viewWindow(page: Page): Promise<{ start: number; end: number }> {
  const chart = page.locator('svg.chart');
  return {
    start: Date.parse((await chart.getAttribute('data-view-start')) ?? ''),
    end: Date.parse((await chart.getAttribute('data-view-end')) ?? ''),
  };
}

function sessionsIn(sessions: readonly ApiSession[], window: { start: number; end: number }): string[] {
  return sessions
    .filter(
      (session) => Date.parse(session.endedAt) >= window.start && Date.parse(session.startedAt) <= window.end,
    )
    .map((session) => session.sessionId);
}

/** The page talked to the API origin only (which also serves the viewer) and hit no script error or CSP block. */
function expectCleanRun({ requests, errors }: TrackedPage, expectedHttpErrors = 0): void {
  expect(requests.filter((url) => new URL(url).origin !== api.origin)).toEqual([]);
  const httpErrors = errors.filter((error) => error.startsWith('Failed to load resource'));
  expect(errors.filter((error) => !httpErrors.includes(error))).toEqual([]);
  expect(httpErrors).toHaveLength(expectedHttpErrors);
}

async function focusedSessionId(page: Page): Promise<string | null> {
  return page.evaluate(() => document.activeElement?.getAttribute('data-session-id') ?? null);
}

describe('session viewer in Chromium', () => {
  it('draws one mark per session of a searched user, matching the API', async () => {
    const tracked = await open(`${api.origin}/`);
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
    const tracked = await open(`${api.origin}/`);
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

  it('opens a session’s events and attributes, showing untrusted strings as text', async () => {
    const tracked = await open(userUrl('alice'));
    const { page } = tracked;
    const first = ALICE.sessions[0] as ApiSession;
    const second = ALICE.sessions[1] as ApiSession;

    await page.locator(`[data-session-id="${second.sessionId}"]`).click();
    await page.locator(`.panel-body[data-open-session-id="${second.sessionId}"]`).waitFor();
    const events = ALICE.events(second.sessionId);
    expect(await page.locator('.events .event').count()).toBe(events.length);
    expect(
      await page
        .locator('.events .event')
        .evaluateAll((items) => items.map((item) => item.getAttribute('data-event-id'))),
    ).toEqual(events.map((event) => event.id));
    expect(await page.locator('.event-strip .event-tick').count()).toBe(events.length);
    const attributes = (await page.locator('.attributes').textContent()) ?? '';
    for (const expected of [
      'Product 1',
      'https://shop.example/p/1',
      'mobile · iOS · Safari',
      'anon-7',
      'No',
    ]) {
      expect(attributes).toContain(expected);
    }
    expect(new URL(page.url()).searchParams.get('session')).toBe(second.sessionId);

    await page.locator(`[data-session-id="${first.sessionId}"]`).click();
    await page.locator(`.panel-body[data-open-session-id="${first.sessionId}"]`).waitFor();
    const markup = '<img src=x onerror="window.__xss=1">';
    await expect(page.locator('.events .label', { hasText: markup }).count()).resolves.toBe(1);
    expect(await page.locator('.panel img').count()).toBe(0);
    expect(await page.evaluate(() => (window as { __xss?: number }).__xss)).toBeUndefined();
    expect(await page.locator('.panel a[href^="javascript:"]').count()).toBe(0);
    await expect(
      page.locator('.events .url', { hasText: 'javascript:alert(1)' }).evaluate((el) => el.tagName),
    ).resolves.toBe('SPAN');
    const links = await page.locator('.panel a.url').evaluateAll((anchors) =>
      anchors.map((a) => ({
        href: a.getAttribute('href') ?? '',
        rel: a.getAttribute('rel'),
        target: a.getAttribute('target'),
      })),
    );
    expect(links.length).toBeGreaterThan(0);
    for (const link of links) {
      expect(link.href).toMatch(/^https?:/);
      expect(link).toMatchObject({ rel: 'noopener noreferrer', target: '_blank' });
    }
    expectCleanRun(tracked);
    await page.close();
  });

  it("loads a long session's events page by page, the first 5,000, and says how many it has", async () => {
    const session = BOT.sessions[0] as ApiSession;
    const tracked = await open(userUrl('bot', session.sessionId));
    const { page } = tracked;

    await page.locator(`.panel-body[data-open-session-id="${session.sessionId}"]`).waitFor();
    await expect(page.locator('.event-timeline h3').textContent()).resolves.toBe(
      'Events (the first 5,000 of 6,500)',
    );
    expect(await page.locator('.events .event').count()).toBe(5_000);
    const sessionRequests = api.requests.filter((request) =>
      request.startsWith(`GET /users/bot/sessions/${session.sessionId}`),
    );
    expect(sessionRequests).toHaveLength(5);
    expectCleanRun(tracked);
    await page.close();
  });

  it('works by keyboard: focus order, visible focus, arrows, Enter, zoom keys and Escape', async () => {
    const tracked = await open(userUrl('alice'));
    const { page } = tracked;
    await page.locator(SESSION_MARKS).first().waitFor();
    const latest = ALICE.sessions.at(-1) as ApiSession;
    const previous = ALICE.sessions.at(-2) as ApiSession;

    const order: string[] = [];
    for (let i = 0; i < 12 && (await focusedSessionId(page)) === null; i++) {
      await page.keyboard.press('Tab');
      order.push(
        await page.evaluate(() => {
          const el = document.activeElement;
          return el?.getAttribute('aria-label') ?? el?.getAttribute('id') ?? el?.textContent?.trim() ?? '';
        }),
      );
    }
    expect(order.indexOf('user-input')).toBeLessThan(order.indexOf('Show sessions'));
    expect(order.indexOf('Show sessions')).toBeLessThan(order.indexOf('Zoom in'));
    expect(order.indexOf('Zoom in')).toBeLessThan(order.length - 1);
    expect(await focusedSessionId(page)).toBe(latest.sessionId);
    const focusStyle = await page.evaluate(() => {
      const style = getComputedStyle(document.activeElement as Element);
      return { stroke: style.stroke, width: style.strokeWidth };
    });
    expect(focusStyle).toEqual({ stroke: 'rgb(194, 65, 12)', width: '3px' });

    await page.keyboard.press('ArrowLeft');
    expect(await focusedSessionId(page)).toBe(previous.sessionId);
    await page.keyboard.press('Enter');
    await page.locator(`.panel-body[data-open-session-id="${previous.sessionId}"]`).waitFor();
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('session-panel');
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.getAttribute('aria-label'))).toBe(
      'Close session (Escape)',
    );

    await page.keyboard.press('Escape');
    await page.locator('#session-panel').waitFor({ state: 'hidden' });
    expect(await focusedSessionId(page)).toBe(previous.sessionId);
    expect(new URL(page.url()).search).toBe('?user=alice');

    const whole = await viewWindow(page);
    await page.keyboard.press('+');
    const zoomed = await viewWindow(page);
    expect(zoomed.end - zoomed.start).toBeCloseTo((whole.end - whole.start) / 2, -3);
    await page.keyboard.press('0');
    expect(await viewWindow(page)).toEqual(whole);
    expectCleanRun(tracked);
    await page.close();
  });

  it('opens shared links to a session and follows the browser history', async () => {
    const shared = ALICE.sessions[4] as ApiSession;
    const other = ALICE.sessions[7] as ApiSession;
    const tracked = await open(userUrl('alice', shared.sessionId));
    const { page } = tracked;
    await page.locator(`.panel-body[data-open-session-id="${shared.sessionId}"]`).waitFor();
    await expect(page.locator('#session-heading').textContent()).resolves.toBe('Session 5');
    await expect(
      page.locator(`[data-session-id="${shared.sessionId}"]`).getAttribute('aria-current'),
    ).resolves.toBe('true');

    await page.locator(`[data-session-id="${other.sessionId}"]`).click();
    await page.locator(`.panel-body[data-open-session-id="${other.sessionId}"]`).waitFor();
    await page.goBack();
    await page.locator(`.panel-body[data-open-session-id="${shared.sessionId}"]`).waitFor();
    expect(new URL(page.url()).searchParams.get('session')).toBe(shared.sessionId);

    await page.getByLabel('User ID or anonymousId').fill(HEAVY.summary.userId);
    await page.keyboard.press('Enter');
    await page.locator('#user-heading', { hasText: HEAVY.summary.userId }).waitFor();
    await page.goBack();
    await page.locator('#user-heading', { hasText: 'alice' }).waitFor();
    await page.locator(`.panel-body[data-open-session-id="${shared.sessionId}"]`).waitFor();
    await page.goForward();
    await page.locator('#user-heading', { hasText: HEAVY.summary.userId }).waitFor();
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

    await page.goto(userUrl('anon-9'));
    await page.locator('#user-heading', { hasText: 'anon-9' }).waitFor();
    await page.locator('.summary a[data-internal]', { hasText: 'alice' }).click();
    await page.locator('#user-heading', { hasText: 'alice' }).waitFor();
    expect(new URL(page.url()).search).toBe('?user=alice');
    expectCleanRun(tracked);
    await page.close();
  });

  it('shows the loading, unknown-user, empty-history, API-error and missing-session states', async () => {
    const release = api.hold('/users/alice');
    const loading = await chromium.newPage();
    await loading.page.goto(userUrl('alice'));
    await loading.page.locator('[data-state="loading"]', { hasText: 'Loading user' }).waitFor();
    expect(await loading.page.locator('#content').getAttribute('aria-busy')).toBe('true');
    release();
    await loading.page.locator(SESSION_MARKS).first().waitFor();
    expect(await loading.page.locator('#content').getAttribute('aria-busy')).toBeNull();
    await loading.page.close();

    const unknown = await open(userUrl('alice'));
    await unknown.page.locator(SESSION_MARKS).first().waitFor();
    await expect(unknown.page.locator('#status').textContent()).resolves.toMatch(/^Showing alice: /);
    await unknown.page.locator('#user-input').fill('ghost');
    await unknown.page.locator('#search button[type="submit"]').click();
    await expect(unknown.page.locator('[data-state="empty"]').textContent()).resolves.toContain(
      'No user or anonymousId ghost',
    );
    // The status a screen reader hears no longer names the user shown before.
    await expect(unknown.page.locator('#status').textContent()).resolves.toBe('');
    expectCleanRun(unknown, 1);
    await unknown.page.close();

    const empty = await open(userUrl('newbie'));
    await expect(empty.page.locator('[data-state="empty"]').textContent()).resolves.toBe(
      'This user has no sessions yet.',
    );
    expectCleanRun(empty);
    await empty.page.close();

    const failing = await open(userUrl('boom'));
    const message = await failing.page.locator('[data-state="error"]').textContent();
    expect(message).toContain('The API answered 500: Internal error');
    await failing.page.getByRole('button', { name: 'Try again' }).waitFor();
    expectCleanRun(failing, 1);
    await failing.page.close();

    const missing = await open(userUrl('alice', '20000101T000000000Z'));
    await expect(missing.page.locator('#session-panel [data-state="error"]').textContent()).resolves.toBe(
      'This user has no session 20000101T000000000Z.',
    );
    expectCleanRun(missing, 1);
    await missing.page.close();
  });

  it('wraps a long id in an error message instead of widening the page', async () => {
    const tracked = await open(userUrl(LONG_FAILING_ID), { width: 375, height: 740 });
    const { page } = tracked;
    await expect(page.locator('[data-state="error"]').textContent()).resolves.toContain(
      `Could not load ${LONG_FAILING_ID}.`,
    );
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);
    expectCleanRun(tracked, 1);
    await page.close();
  });

  it('offers to load a session again after a network failure, and then shows it', async () => {
    const tracked = await open(userUrl('alice'));
    const { page } = tracked;
    const session = ALICE.sessions[2] as ApiSession;
    await page.locator(SESSION_MARKS).first().waitFor();
    const restore = api.drop(`/users/alice/sessions/${session.sessionId}`);

    await page.locator(`[data-session-id="${session.sessionId}"]`).click();
    await expect(page.locator('#session-panel [data-state="error"]').textContent()).resolves.toContain(
      'Could not reach the API',
    );
    restore();
    await page.locator('#session-panel').getByRole('button', { name: 'Try again' }).click();
    await page.locator(`.panel-body[data-open-session-id="${session.sessionId}"]`).waitFor();
    expect(await page.locator('.events .event').count()).toBe(ALICE.events(session.sessionId).length);
    expectCleanRun(tracked, 1);
    await page.close();
  });

  it('recovers from a cursor the API no longer accepts when asked to try again', async () => {
    const tracked = await open(userUrl(HEAVY.summary.userId));
    const { page } = tracked;
    await page.locator(SESSION_MARKS).first().waitFor();
    await settled(page);
    // The API's signing key was replaced: the list's open cursor is now a 400.
    api.invalidateCursors();
    const alert = page.locator('.timeline-status [role="alert"]');
    for (let i = 0; i < 20 && (await alert.count()) === 0; i++) {
      await page.getByRole('button', { name: 'Earlier' }).click();
      await settled(page).catch(() => undefined);
    }
    await expect(alert.textContent()).resolves.toContain('not a valid cursor');

    await page.locator('.timeline-status').getByRole('button', { name: 'Try again' }).click();
    await page.waitForFunction(() => {
      const status = document.querySelector('.timeline-status')?.textContent ?? '';
      return !status.includes('loading') && !status.includes('Loading failed');
    });
    await settled(page);
    const drawn = await drawnSessionIds(page);
    expect(drawn.sort()).toEqual(sessionsIn(HEAVY.sessions, await viewWindow(page)).sort());
    expect(drawn.length).toBeGreaterThan(0);
    expectCleanRun(tracked, 1);
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

  it('reads well on a laptop and at phone width', async () => {
    const session = ALICE.sessions[3] as ApiSession;
    for (const viewport of [
      { width: 1280, height: 800 },
      { width: 375, height: 740 },
    ]) {
      const tracked = await open(userUrl('alice', session.sessionId), viewport);
      const { page } = tracked;
      await page.locator(`.panel-body[data-open-session-id="${session.sessionId}"]`).waitFor();
      await settled(page);
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(
        viewport.width,
      );
      expect(await page.locator(SESSION_MARKS).count()).toBe(ALICE.sessions.length);
      const chartWidth = await page
        .locator('svg.chart')
        .evaluate((chart) => chart.getBoundingClientRect().width);
      expect(chartWidth).toBeGreaterThan(viewport.width * 0.8);
      await screenshot(page, `viewer-session-${viewport.width}x${viewport.height}`);
      expectCleanRun(tracked);
      await page.close();
    }
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
      const tracked = await chromium.newPage();
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
