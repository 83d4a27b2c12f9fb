// The viewer against the real local stack (issue 18's acceptance): the stack started as `npm start` starts
// it, the sample exports uploaded with `npm run upload` as the docs tell a user to, then the viewer in
// Chromium compared with what the lookup API answers for the same users.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_SOURCES } from '../../contract/index.js';
import { MAX_LIMIT } from '../../functions/api/query-params.js';
import type { LogLevel } from '../../local/ingest-handler.js';
import type { LocalStack } from '../../local/stack.js';
import { loadLocalStackConfig } from '../../local/stack-config.js';
import { startLocalStackWithViewer } from '../../local/stack-with-viewer.js';
import { viewerContentSecurityPolicy } from '../../viewer/assets.js';
import { ROOT, runScript, waitFor } from '../helpers/local-servers.js';
import { type Chromium, launchChromium, screenshot, type TrackedPage } from './chromium.js';
import type { ApiEvent, ApiSession, ApiUser } from './fixtures.js';

// As npm start does: the SDK's notice that Node 20 support ends would bury the test's own output.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const USER = 'user_1001';
/** In the sample, user_1001 browsed anonymously as this id before logging in. */
const STITCHED_ANONYMOUS_ID = 'anon-7f3a2c';
/** A visitor of the sample who never logged in. */
const ANONYMOUS_ONLY_ID = 'anon-0e55d7';
const SESSION_MARKS = 'svg.chart rect[data-session-id]';

/** A source of Amplitude exports, configured as a user would with SESSIONIZER_SOURCES. */
const AMPLITUDE_PREFIX = 'amplitude/';
const SOURCES = JSON.stringify([
  ...DEFAULT_SOURCES,
  { name: 'amplitude', prefix: AMPLITUDE_PREFIX, format: 'amplitude' },
]);

const UPLOADS = [
  { file: 'events/sample-export.ndjson', key: 'incoming/sample-export.ndjson', args: [] },
  {
    file: 'events/sample-export.amplitude.zip',
    key: `${AMPLITUDE_PREFIX}sample-export.amplitude.zip`,
    args: ['--prefix', AMPLITUDE_PREFIX],
  },
];

interface HandlerEntry {
  level: LogLevel;
  message: string;
  attributes: Record<string, unknown>;
}

let dataDir: string;
let stack: LocalStack | undefined;
let chromium: Chromium | undefined;
const handlerLog: HandlerEntry[] = [];
const deliveryFailures: string[] = [];

/** The stack as `npm start` runs it (configuration from the same variables, the viewer at `/`). */
async function startStack(): Promise<LocalStack> {
  const config = loadLocalStackConfig(
    {
      PORT: '0',
      S3_PORT: '0',
      DYNAMODB_PORT: '0',
      SESSIONIZER_DATA_DIR: dataDir,
      SESSIONIZER_SOURCES: SOURCES,
      IDENTITY_STITCHING: 'true',
    },
    ROOT,
  );
  return startLocalStackWithViewer({
    ...config,
    log: {
      handler: (level, message, attributes) => handlerLog.push({ level, message, attributes }),
      queue: (activity, keys) => {
        if (activity.type !== 'succeeded') deliveryFailures.push(`${activity.type} ${keys.join(', ')}`);
      },
    },
  });
}

/** The handler's entry for a finished ingest of `key` (it carries the event counts). */
function ingestOf(key: string): HandlerEntry | undefined {
  return handlerLog.find(
    (entry) => entry.attributes.key === key && typeof entry.attributes.records === 'number',
  );
}

/** `npm run upload` as typed in the repository root, pointed at this stack's S3 port. */
async function uploadSamples(running: LocalStack): Promise<void> {
  const env = { S3_PORT: new URL(running.s3Endpoint).port, SESSIONIZER_SOURCES: SOURCES };
  const results = await Promise.all(
    UPLOADS.map(({ file, args }) => runScript('upload', [...args, file], ROOT, env)),
  );
  for (const [index, { status, stdout, stderr }] of results.entries()) {
    const { key } = UPLOADS[index] as (typeof UPLOADS)[number];
    expect(status, stderr).toBe(0);
    expect(stdout).toContain(`s3://${running.bucket}/${key}`);
    expect(stderr).not.toContain('not ingested');
  }
  await waitFor(
    `the ingest of ${UPLOADS.map(({ key }) => key).join(' and ')}`,
    () => {
      if (deliveryFailures.length > 0) throw new Error(`ingest failed: ${deliveryFailures.join('; ')}`);
      return UPLOADS.every(({ key }) => ingestOf(key) !== undefined);
    },
    { timeoutMs: 45_000, intervalMs: 100 },
  );
  await running.ingestIdle();
}

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'sessionizer-e2e-'));
  const [started, browser] = await Promise.allSettled([startStack(), launchChromium()]);
  if (started.status === 'fulfilled') stack = started.value;
  if (browser.status === 'fulfilled') chromium = browser.value;
  if (started.status === 'rejected') throw started.reason;
  if (browser.status === 'rejected') throw browser.reason;
  await uploadSamples(started.value);
}, 100_000);

afterAll(async () => {
  try {
    await chromium?.close();
  } finally {
    await stack?.stop();
    if (dataDir !== undefined) await rm(dataDir, { recursive: true, force: true });
  }
});

function running(): { stack: LocalStack; chromium: Chromium } {
  if (stack === undefined || chromium === undefined) throw new Error('the stack or Chromium did not start');
  return { stack, chromium };
}

async function api<T>(path: string): Promise<T> {
  const response = await fetch(`${running().stack.apiUrl}${path}`);
  expect(response.status, `GET ${path}`).toBe(200);
  return (await response.json()) as T;
}

/** Every session of `userId` per the API, oldest first, following the cursors. */
async function apiSessions(userId: string): Promise<ApiSession[]> {
  const sessions: ApiSession[] = [];
  let cursor: string | null = null;
  do {
    const query = new URLSearchParams({
      order: 'asc',
      limit: String(MAX_LIMIT),
      ...(cursor !== null && { cursor }),
    });
    const page: { sessions: ApiSession[]; nextCursor: string | null } = await api(
      `/users/${encodeURIComponent(userId)}/sessions?${query}`,
    );
    sessions.push(...page.sessions);
    cursor = page.nextCursor;
  } while (cursor !== null);
  return sessions;
}

async function open(path: string, viewport?: { width: number; height: number }): Promise<TrackedPage> {
  const tracked = await running().chromium.newPage(viewport);
  await tracked.page.goto(`${running().stack.apiUrl}${path}`);
  return tracked;
}

async function drawnSessionIds(page: Page): Promise<string[]> {
  await page.locator(SESSION_MARKS).first().waitFor();
  // The timeline says when it has stopped loading pages of sessions.
  await page.waitForFunction(() => {
    const status = document.querySelector('.timeline-status')?.textContent ?? '';
    return status !== '' && !status.includes('loading');
  });
  const ids = await page
    .locator(SESSION_MARKS)
    .evaluateAll((marks) => marks.map((mark) => mark.getAttribute('data-session-id') ?? ''));
  return ids.sort();
}

/** Every request stayed on the stack's origin; no script error or CSP block, only the expected HTTP errors. */
function expectCleanRun({ requests, errors }: TrackedPage, expectedHttpErrors = 0): void {
  const origin = new URL(running().stack.apiUrl).origin;
  expect(requests.length).toBeGreaterThan(0);
  expect(requests.filter((url) => new URL(url).origin !== origin)).toEqual([]);
  const httpErrors = errors.filter((error) => error.startsWith('Failed to load resource'));
  expect(errors.filter((error) => !httpErrors.includes(error))).toEqual([]);
  expect(httpErrors).toHaveLength(expectedHttpErrors);
}

describe('session viewer on the local stack', () => {
  it('ingested both sample exports, each through its own source', () => {
    const segment = ingestOf('incoming/sample-export.ndjson')?.attributes;
    const amplitude = ingestOf(`${AMPLITUDE_PREFIX}sample-export.amplitude.zip`)?.attributes;
    // The Segment sample has one line that is not JSON; the Amplitude one is the same events without it.
    expect(segment).toMatchObject({ rejected: 1, files: [{ format: 'segment' }] });
    expect(amplitude?.rejected).toBe(0);
    expect(amplitude?.files).toEqual(
      expect.arrayContaining([expect.objectContaining({ format: 'amplitude' })]),
    );
    expect(handlerLog.filter((entry) => entry.level !== 'info')).toEqual([]);
  });

  it('finds user_1001 from the search box, draws the API’s sessions and opens one with its events', async () => {
    const sessions = await apiSessions(USER);
    expect(sessions.length).toBeGreaterThan(1);
    const busiest = sessions.reduce((a, b) => (b.eventCount > a.eventCount ? b : a));
    const detail = await api<ApiSession & { events: ApiEvent[] }>(
      `/users/${USER}/sessions/${busiest.sessionId}`,
    );
    const root = await fetch(`${running().stack.apiUrl}/`);
    const tracked = await open('/');
    const { page } = tracked;

    await page.getByLabel('User ID or anonymousId').fill(USER);
    await page.getByRole('button', { name: 'Show sessions' }).click();
    const drawn = await drawnSessionIds(page);
    await page.locator(`[data-session-id="${busiest.sessionId}"]`).click();
    await page.locator(`.panel-body[data-open-session-id="${busiest.sessionId}"]`).waitFor();
    const events = await page.locator('.events .event').evaluateAll((items) =>
      items.map((item) => ({
        id: item.getAttribute('data-event-id'),
        time: item.querySelector('time')?.getAttribute('datetime') ?? null,
        type: item.querySelector('.type')?.textContent ?? null,
        text: item.textContent ?? '',
      })),
    );

    expect(root.headers.get('content-security-policy')).toBe(viewerContentSecurityPolicy());
    expect(new URL(page.url()).searchParams.get('user')).toBe(USER);
    await expect(page.locator('#user-heading').textContent()).resolves.toBe(`User ${USER}`);
    expect(drawn).toEqual(sessions.map((session) => session.sessionId).sort());
    expect(events.map(({ id, time, type }) => ({ id, time, type }))).toEqual(
      detail.events.map((event) => ({ id: event.id, time: event.timestamp, type: event.type })),
    );
    for (const [index, event] of detail.events.entries()) {
      for (const shown of [event.name, event.title, event.url, event.path]) {
        if (shown !== null) expect(events[index]?.text).toContain(shown);
      }
    }
    await screenshot(page, 'local-stack-user_1001-1280x800');
    expectCleanRun(tracked);
    await page.close();
  });

  it('fits a phone screen, with the same sessions and an open one', async () => {
    const sessions = await apiSessions(USER);
    const shared = sessions.at(-1) as ApiSession;
    const tracked = await open(`/?user=${USER}&session=${shared.sessionId}`, { width: 375, height: 740 });
    const { page } = tracked;

    await page.locator(`.panel-body[data-open-session-id="${shared.sessionId}"]`).waitFor();
    const drawn = await drawnSessionIds(page);

    expect(drawn).toEqual(sessions.map((session) => session.sessionId).sort());
    expect(await page.locator('.events .event').count()).toBe(shared.eventCount);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);
    await screenshot(page, 'local-stack-user_1001-375x740');
    expectCleanRun(tracked);
    await page.close();
  });

  it('opens the user an anonymousId is stitched to, and a shared session of theirs', async () => {
    const summary = await api<ApiUser>(`/users/${USER}`);
    expect(summary.anonymousIds.items).toContain(STITCHED_ANONYMOUS_ID);
    const sessions = await apiSessions(USER);
    // Stitching put the anonymous visit before the login into the user's first session.
    const first = sessions[0] as ApiSession;
    expect(first.anonymousIds).toContain(STITCHED_ANONYMOUS_ID);
    const tracked = await open(`/?user=${STITCHED_ANONYMOUS_ID}&session=${first.sessionId}`);
    const { page } = tracked;

    await page.locator('#user-heading', { hasText: USER }).waitFor();
    await page.locator(`.panel-body[data-open-session-id="${first.sessionId}"]`).waitFor();
    const drawn = await drawnSessionIds(page);

    await expect(page.locator('[data-testid="stitched-note"]').textContent()).resolves.toBe(
      `${STITCHED_ANONYMOUS_ID} is an anonymousId stitched to this user.`,
    );
    expect(Object.fromEntries(new URL(page.url()).searchParams)).toEqual({
      user: USER,
      session: first.sessionId,
    });
    expect(drawn).toEqual(sessions.map((session) => session.sessionId).sort());
    expect(await page.locator('.events .event').count()).toBe(first.eventCount);
    expectCleanRun(tracked);
    await page.close();
  });

  it('shows an anonymous visitor who never logged in as a user of their own', async () => {
    const sessions = await apiSessions(ANONYMOUS_ONLY_ID);
    const tracked = await open(`/?user=${ANONYMOUS_ONLY_ID}`);
    const { page } = tracked;

    await page.locator('#user-heading', { hasText: ANONYMOUS_ONLY_ID }).waitFor();
    const drawn = await drawnSessionIds(page);

    expect(sessions.length).toBeGreaterThan(0);
    expect(drawn).toEqual(sessions.map((session) => session.sessionId).sort());
    expect(await page.locator('[data-testid="stitched-note"]').count()).toBe(0);
    expectCleanRun(tracked);
    await page.close();
  });

  it('says clearly that an unknown user is unknown', async () => {
    const response = await fetch(`${running().stack.apiUrl}/users/user_9999`);
    expect(response.status).toBe(404);
    const tracked = await open('/?user=user_9999');
    const { page } = tracked;

    const message = await page.locator('[data-state="empty"]').textContent();

    expect(message).toContain('No user or anonymousId user_9999 is known to the API.');
    expect(await page.locator(SESSION_MARKS).count()).toBe(0);
    expectCleanRun(tracked, 1);
    await page.close();
  });
});
