// The same export on every surface (rules 5, 7, 8 and 9): the built CLI's json and csv outputs, and the
// lookup API (list, session detail, user summary) over DynamoDB Local after the ingest read the same file,
// for each export format, stitching off and on. surfaces-export.ts says what makes the export adversarial.
// The API is called with percent-encoded paths, as a client sends them to the local stack.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiHandler } from '../../functions/api/app.js';
import { ensureCliBuilt, runCli } from '../helpers/built-cli.js';
import { useLocalDynamoDb } from '../helpers/use-local-dynamodb.js';
import { b64Id, call, userPath as encodedPath, query } from '../unit/api/api-event.js';
import { bytesOf } from '../unit/reading/archives.js';
import { freshStore, lookupApiOn } from './store/store-harness.js';
import { ingestBytes, storeWriter } from './store/store-vs-batch-harness.js';
import {
  CLI_RULE_ARGS,
  EXPORT_FORMATS,
  ODD_USERS,
  SHARED_ANONYMOUS_IDS,
  SURFACE_RULES,
  surfacesExport,
} from './surfaces-export.js';

/**
 * docs/api.md: an id that itself starts with ~b64., and . and .. (which clients resolve away), go in their
 * ~b64. form; any other as it is, percent-encoded.
 */
const userPath = (userId: string, ...rest: string[]) =>
  encodedPath(userId.startsWith('~b64.') || /^\.\.?$/.test(userId) ? b64Id(userId) : userId, ...rest);

type Session = Record<string, unknown> & { userId: string; sessionId: string; eventCount: number };

const dynamo = useLocalDynamoDb();
let scratch: string;

beforeAll(async () => {
  scratch = mkdtempSync(join(tmpdir(), 'sessionizer-surfaces-'));
  await ensureCliBuilt();
}, 120_000);
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** RFC 4180 rows; a quoted cell may hold commas, quotes and line breaks. */
function csvRows(text: string): string[][] {
  const rows: string[][] = [[]];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const char = text[i] as string;
    if (quoted && char === '"' && text[i + 1] === '"') {
      cell += '"';
      i++;
    } else if (char === '"') quoted = !quoted;
    else if (quoted || (char !== ',' && char !== '\n')) cell += char;
    else {
      rows.at(-1)?.push(cell);
      cell = '';
      if (char === '\n') rows.push([]);
    }
  }
  return rows.slice(0, -1);
}

/** A page field or campaign member as csv shows it: JSON text for a non-string (so 5 and "5" look alike). */
const cellText = (value: unknown) =>
  value === null || value === undefined ? '' : typeof value === 'string' ? value : JSON.stringify(value);

/** What the csv row of a json session must say, before the formula guard and escapes. */
const csvOf = (session: Session) => {
  const page = (name: string) => (session[name] ?? null) as Record<string, unknown> | null;
  const campaign = page('campaign');
  const ids = session.anonymousIds as string[];
  return {
    userId: session.userId,
    sessionNumber: String(session.sessionNumber),
    sessionId: session.sessionId,
    startedAt: session.startedAt,
    endedAt: session.endedAt,
    durationSeconds: String(session.durationSeconds),
    eventCount: String(session.eventCount),
    pageViews: String(session.pageViews),
    bounce: String(session.bounce),
    entryPath: cellText(page('entryPage')?.path),
    entryUrl: cellText(page('entryPage')?.url),
    exitPath: cellText(page('exitPage')?.path),
    campaignSource: cellText(campaign?.source),
    campaignMedium: cellText(campaign?.medium),
    campaignName: cellText(campaign?.name),
    anonymousIds: ids.length === 0 ? '' : JSON.stringify(ids),
  };
};

/** The cell as a reader gets the value back: docs say one leading ' comes off, and \\ is a backslash. */
const unguarded = (cell: string) => (cell.startsWith("'") ? cell.slice(1) : cell).replaceAll('\\\\', '\\');

async function apiWalk(handler: ApiHandler, userId: string): Promise<Session[]> {
  const sessions: Session[] = [];
  let cursor: string | undefined;
  do {
    const page = await call(handler, 'GET', userPath(userId, 'sessions'), {
      query: query({ order: 'asc', limit: 7, cursor }),
    });
    expect(page.status, `${JSON.stringify(userId)}: ${JSON.stringify(page.body)}`).toBe(200);
    const body = page.body as { sessions: Session[]; nextCursor: string | null };
    sessions.push(...body.sessions);
    cursor = body.nextCursor ?? undefined;
  } while (cursor !== undefined);
  return sessions;
}

const byUser = (sessions: readonly Session[]) => {
  const users = new Map<string, Session[]>();
  for (const session of sessions) users.set(session.userId, [...(users.get(session.userId) ?? []), session]);
  return users;
};

describe.each(EXPORT_FORMATS)('a %s export on every surface', (format) => {
  it.each([false, true])(
    'gives the same sessions with stitching %s',
    async (identityStitching) => {
      const text = surfacesExport(format);
      const file = join(scratch, `${format}-${identityStitching}.ndjson`);
      writeFileSync(file, text);
      const args = [...CLI_RULE_ARGS, ...(identityStitching ? ['--stitch'] : []), file];
      const [json, csv] = await Promise.all([
        runCli(['--format', 'json', ...args]),
        runCli(['--format', 'csv', ...args]),
      ]);
      expect(json.code, json.stderr).toBe(0);
      expect(csv.code, csv.stderr).toBe(0);
      const batch = JSON.parse(json.stdout) as { sessions: Session[]; summary: { rejected: number } };
      expect(batch.summary.rejected).toBe(0);

      const store = await freshStore(dynamo.client, { ...SURFACE_RULES, identityStitching });
      await ingestBytes(
        store,
        storeWriter(store),
        new Map(),
        `incoming/${format}.ndjson`,
        bytesOf(text),
        1_000_000,
      );
      const handler = lookupApiOn(store, { pathsDecoded: false });

      const users = byUser(batch.sessions);
      // Stitching off, each pre-login device is a user of its own (rule 2).
      const anonymousUsers = identityStitching ? [] : ODD_USERS.map((_, index) => `pre-${index}`);
      expect([...users.keys()].sort()).toEqual([...ODD_USERS, ...anonymousUsers].sort());
      if (format === 'segment') {
        // The cases the export is for, as the batch reads them (rule 9).
        expect(batch.sessions).toContainEqual(
          expect.objectContaining({
            entryPage: expect.objectContaining({ path: 5, title: 'context title', referrer: '' }),
            exitPage: expect.objectContaining({ path: '5' }),
            campaign: { source: 'one', medium: null, name: 'a b c+', term: null, content: null },
          }),
        );
        expect(batch.sessions.some((session) => (session.anonymousIds as string[]).length === 10)).toBe(true);
        expect(batch.sessions).toContainEqual(
          expect.objectContaining({ campaign: expect.objectContaining({ name: `${'x'.repeat(1023)}` }) }),
        );
      }

      for (const [userIndex, userId] of ODD_USERS.entries()) {
        const sessions = users.get(userId) ?? [];
        expect(await apiWalk(handler, userId), JSON.stringify(userId)).toEqual(sessions);
        for (const session of sessions) {
          const detail = await call(handler, 'GET', userPath(userId, 'sessions', session.sessionId));
          expect(detail.status).toBe(200);
          const { events, nextCursor, ...fields } = detail.body as Session & { events: unknown[] };
          expect(fields).toEqual(session);
          expect(nextCursor).toBeNull();
          expect(events).toHaveLength(session.eventCount);
        }
        const summary = await call(handler, 'GET', userPath(userId));
        expect(summary.status).toBe(200);
        expect(summary.body).toMatchObject({
          userId,
          sessionCount: sessions.length,
          eventCount: sessions.reduce((sum, session) => sum + session.eventCount, 0),
          firstSeenAt: sessions[0]?.startedAt,
          lastSeenAt: sessions.at(-1)?.endedAt,
          stitchedTo: null,
        });
        // Rule 8: each anonymousId goes to its earliest link's user, the shared ones to the first user's.
        const stitched = !identityStitching
          ? []
          : [
              ...(userIndex === 0 ? SHARED_ANONYMOUS_IDS : []),
              `pre-${userIndex}`,
              ...(format === 'posthog' ? [`device-of-${userId}`] : []),
            ].sort();
        expect((summary.body as { anonymousIds: unknown }).anonymousIds).toEqual({
          count: stitched.length,
          items: stitched,
        });
      }

      const [header, ...rows] = csvRows(csv.stdout);
      expect(rows).toHaveLength(batch.sessions.length);
      for (const [index, row] of rows.entries()) {
        const cells = Object.fromEntries((header ?? []).map((name, column) => [name, row[column] ?? '']));
        // A spreadsheet runs a cell that starts with one of these as a formula.
        expect(Object.values(cells).filter((cell) => /^[=+\-@\t\r]/.test(cell))).toEqual([]);
        const expected = csvOf(batch.sessions[index] as Session);
        const shown = Object.fromEntries(
          Object.keys(expected).map((name) => [name, unguarded(cells[name] ?? '')]),
        );
        expect(shown).toEqual(expected);
      }
    },
    30_000,
  );
});
