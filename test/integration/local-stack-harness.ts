// What the `npm start` tests share: the conformance case (its gap is every stack's, its expected sessions
// what a stack that ingested it must serve), reading sessions back over HTTP, small exports to upload, and
// `npm run upload` against a stack.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect } from 'vitest';
import { MAX_LIMIT } from '../../functions/api/query-params.js';
import type { ExpectedSession } from '../helpers/conformance-cases.js';
import { freePorts, ROOT, runScript, StackProcess, startOnFreePorts } from '../helpers/local-servers.js';

export const CASE_DIR = join(ROOT, 'test/fixtures/conformance/random-split');
export const BUCKET = 'sessionizer-local';

export interface SessionsPage {
  sessions: ExpectedSession[];
  nextCursor: string | null;
}

export const caseSpec = JSON.parse(readFileSync(join(CASE_DIR, 'case.json'), 'utf8')) as {
  files: string[];
  gapMinutes: number;
};
const expected = JSON.parse(readFileSync(join(CASE_DIR, 'expected.json'), 'utf8')) as {
  sessions: ExpectedSession[];
};
export const expectedByUser = new Map<string, ExpectedSession[]>();
for (const session of expected.sessions) {
  const list = expectedByUser.get(session.userId) ?? [];
  list.push(session);
  expectedByUser.set(session.userId, list);
}

/** What every stack of these tests runs with, besides its ports. */
export const stackEnv = (dataDir: string) => ({
  SESSION_GAP_MINUTES: String(caseSpec.gapMinutes),
  SESSIONIZER_DATA_DIR: dataDir,
});

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function waitUntil<T>(
  what: string,
  timeoutMs: number,
  probe: () => Promise<T | undefined> | T | undefined,
) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(200);
  }
}

export async function getJson(url: string): Promise<{ status: number; body: unknown }> {
  const response = await fetch(url);
  return { status: response.status, body: await response.json() };
}

/** Every session of `userId`, oldest first, following nextCursor. */
export async function sessionsOf(
  apiUrl: string,
  userId: string,
  limit = MAX_LIMIT,
): Promise<ExpectedSession[] | undefined> {
  const sessions: ExpectedSession[] = [];
  let cursor: string | null = null;
  do {
    const query = new URLSearchParams({ order: 'asc', limit: String(limit) });
    if (cursor !== null) query.set('cursor', cursor);
    const { status, body } = await getJson(`${apiUrl}/users/${encodeURIComponent(userId)}/sessions?${query}`);
    if (status === 404) return undefined;
    expect(status, JSON.stringify(body)).toBe(200);
    const page = body as SessionsPage;
    sessions.push(...page.sessions);
    cursor = page.nextCursor;
  } while (cursor !== null);
  return sessions;
}

export const project = ({ userId, sessionNumber, startedAt, endedAt, eventCount }: ExpectedSession) => ({
  userId,
  sessionNumber,
  startedAt,
  endedAt,
  eventCount,
});

/** Users whose served sessions differ from expected.json (all of them match: empty). */
export async function mismatchedUsers(apiUrl: string): Promise<string[]> {
  const users = [...expectedByUser.keys()];
  const results = await Promise.all(
    users.map(async (userId) => {
      const served = await sessionsOf(apiUrl, userId);
      const same =
        served !== undefined &&
        JSON.stringify(served.map(project)) ===
          JSON.stringify((expectedByUser.get(userId) ?? []).map(project));
      return same ? undefined : userId;
    }),
  );
  return results.filter((userId): userId is string => userId !== undefined);
}

/** Two events ten minutes apart: one session. */
export function smallExport(userId: string, day: string): string {
  return [
    { type: 'track', event: 'Opened', userId, timestamp: `${day}T09:00:00.000Z`, messageId: `${userId}-1` },
    { type: 'track', event: 'Closed', userId, timestamp: `${day}T09:10:00.000Z`, messageId: `${userId}-2` },
  ]
    .map((event) => JSON.stringify(event))
    .join('\n');
}

/** `users` users of `eventsEach` events a minute apart from 09:00 on `day`: one session each. */
export function busyExport(prefix: string, users: number, eventsEach: number, day: string): string {
  const start = Date.parse(`${day}T09:00:00.000Z`);
  const lines: string[] = [];
  for (let event = 0; event < eventsEach; event++) {
    const timestamp = new Date(start + event * 60_000).toISOString();
    for (let user = 0; user < users; user++) {
      const userId = `${prefix} ${user}`;
      lines.push(
        JSON.stringify({ type: 'track', event: 'Tick', userId, timestamp, messageId: `${userId}-${event}` }),
      );
    }
  }
  return lines.join('\n');
}

export const runUpload = (args: string[], cwd: string, s3Port: number) =>
  runScript('upload', args, cwd, { S3_PORT: String(s3Port) });

/** `npm start` (local/main.ts) run to its end, which a refused start reaches within `timeoutMs`. */
export function startRefused(env: Record<string, string>, timeoutMs: number) {
  const child = spawn(process.execPath, ['--import', 'tsx', 'local/main.ts'], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...env },
  });
  let output = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    output += chunk;
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    output += chunk;
  });
  const started = Date.now();
  return new Promise<{ code: number | null | 'still running'; output: string; ms: number }>((resolve) => {
    const timer = setTimeout(() => {
      // Its servers go with it (process-utils' reaper).
      child.kill('SIGTERM');
      resolve({ code: 'still running', output, ms: Date.now() - started });
    }, timeoutMs);
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, output, ms: Date.now() - started });
    });
  });
}

/**
 * What the tests of the file that calls it leave behind (temporary folders, servers, processes), undone
 * after each test.
 */
export function cleanupsAfterEachTest() {
  const cleanups: (() => void)[] = [];
  afterEach(() => {
    for (const cleanup of cleanups.splice(0)) cleanup();
  });
  return {
    later: (cleanup: () => void) => cleanups.push(cleanup),
    tempDir(name: string): string {
      const dir = mkdtempSync(join(tmpdir(), `sessionizer-${name}-`));
      cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
      return dir;
    },
  };
}

/** A stack of its own on `dataDir`: three free ports, unless `override` gives one. */
export async function ownPortsEnv(dataDir: string, override: Record<string, string> = {}) {
  const ports = await freePorts();
  return {
    SESSIONIZER_DATA_DIR: dataDir,
    PORT: String(ports.api),
    S3_PORT: String(ports.s3),
    DYNAMODB_PORT: String(ports.dynamoDb),
    ...override,
  };
}

/**
 * Starts the stack as `npm start` does on free ports, over `dataDir` and under a session gap of
 * `gapMinutes`, adding it to `stacks` for the test file to kill.
 */
export async function startStackWithGap(dataDir: string, gapMinutes: number, stacks: StackProcess[]) {
  const started = await startOnFreePorts((ports) =>
    StackProcess.start([process.execPath, '--import', 'tsx', 'local/main.ts'], ports, {
      SESSIONIZER_DATA_DIR: dataDir,
      SESSION_GAP_MINUTES: String(gapMinutes),
    }),
  );
  stacks.push(started.stack);
  return { ...started, apiUrl: `http://127.0.0.1:${started.ports.api}` };
}
