// The viewer served by one fake API and opened in one Chromium, for the viewer's browser test files.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect } from 'vitest';
import { buildViewerAssets, viewerSecurityHeaders } from '../../viewer/assets.js';
import { type Chromium, launchChromium, type TrackedPage } from './chromium.js';
import { type FakeApi, startFakeApi } from './fake-api.js';
import {
  ALICE,
  type ApiSession,
  BOT,
  EMPTY_USER,
  type FakeUser,
  HEAVY,
  makeUser,
  STITCHED_WITH_HISTORY,
} from './fixtures.js';

/** An id a decoded path would misread (it ends like a route, holds a `?`): the viewer sends its `~b64.` form. */
export const ROUTE_LIKE = makeUser('team/x?y/sessions', [Date.UTC(2024, 2, 1, 9), Date.UTC(2024, 2, 2, 9)]);
export const USERS = [ALICE, HEAVY, EMPTY_USER, STITCHED_WITH_HISTORY, BOT, ROUTE_LIKE];
export const SESSION_MARKS = 'svg.chart rect[data-session-id]';
/** A long id without a break opportunity (a hash, a JWT pasted by mistake) whose every request fails. */
export const LONG_FAILING_ID = `f${'0123456789abcdef'.repeat(12)}`;

export interface Viewer {
  readonly api: FakeApi;
  readonly chromium: Chromium;
  userUrl(user: string, session?: string): string;
  open(url: string, viewport?: { width: number; height: number }): Promise<TrackedPage>;
  /** The page talked to the API origin only (which also serves the viewer) and hit no script error or CSP block. */
  expectCleanRun(tracked: TrackedPage, expectedHttpErrors?: number): void;
}

/**
 * Starts the fake API serving the viewer, and Chromium, before the file's tests; closes both after them. The
 * API knows the shared users, and `ownUsers` a file builds for its own case.
 */
export function useViewer(ownUsers: readonly FakeUser[] = []): Viewer {
  let api: FakeApi | undefined;
  let chromium: Chromium | undefined;
  beforeAll(async () => {
    const assets = await buildViewerAssets();
    [api, chromium] = await Promise.all([
      startFakeApi({
        assets,
        assetHeaders: viewerSecurityHeaders(),
        users: [...USERS, ...ownUsers],
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
  const started = <T>(server: T | undefined): T => {
    if (server === undefined) throw new Error('the fake API and Chromium start in beforeAll');
    return server;
  };
  const viewer: Viewer = {
    get api() {
      return started(api);
    },
    get chromium() {
      return started(chromium);
    },
    userUrl(user, session) {
      const params = new URLSearchParams({ user, ...(session !== undefined && { session }) });
      return `${viewer.api.origin}/?${params}`;
    },
    async open(url, viewport) {
      const tracked = await viewer.chromium.newPage(viewport);
      await tracked.page.goto(url);
      return tracked;
    },
    expectCleanRun({ requests, errors }, expectedHttpErrors = 0) {
      expect(requests.filter((url) => new URL(url).origin !== viewer.api.origin)).toEqual([]);
      const httpErrors = errors.filter((error) => error.startsWith('Failed to load resource'));
      expect(errors.filter((error) => !httpErrors.includes(error))).toEqual([]);
      expect(httpErrors).toHaveLength(expectedHttpErrors);
    },
  };
  return viewer;
}

/**
 * Opens alice, holds the request for her session `index` (0-based) and clicks its mark, waiting until its panel
 * shows it loading; `release` lets the held request answer.
 */
export async function openAliceSessionHeld(
  viewer: Viewer,
  index: number,
): Promise<{ tracked: TrackedPage; page: Page; session: ApiSession; release: () => void }> {
  const session = ALICE.sessions[index] as ApiSession;
  const tracked = await viewer.open(viewer.userUrl('alice'));
  const { page } = tracked;
  await page.locator(SESSION_MARKS).first().waitFor();
  await settled(page);
  const release = viewer.api.hold(`/users/alice/sessions/${session.sessionId}`);
  await page.locator(`${SESSION_MARKS}[data-session-id="${session.sessionId}"]`).click();
  await page.locator('#session-panel [data-state="loading"]').waitFor();
  return { tracked, page, session, release };
}

export async function drawnSessionIds(page: Page): Promise<string[]> {
  return page
    .locator(SESSION_MARKS)
    .evaluateAll((marks) => marks.map((mark) => mark.getAttribute('data-session-id') ?? ''));
}

/** Waits until the timeline has stopped loading sessions. */
export async function settled(page: Page): Promise<void> {
  await page.waitForFunction(() => {
    const status = document.querySelector('.timeline-status')?.textContent ?? '';
    return status !== '' && !status.includes('loading');
  });
}

export async function viewWindow(page: Page): Promise<{ start: number; end: number }> {
  const chart = page.locator('svg.chart');
  return {
    start: Date.parse((await chart.getAttribute('data-view-start')) ?? ''),
    end: Date.parse((await chart.getAttribute('data-view-end')) ?? ''),
  };
}

export function sessionsIn(
  sessions: readonly ApiSession[],
  window: { start: number; end: number },
): string[] {
  return sessions
    .filter(
      (session) => Date.parse(session.endedAt) >= window.start && Date.parse(session.startedAt) <= window.end,
    )
    .map((session) => session.sessionId);
}
