/**
 * Read units per API page for one user with a long history, through the real API handler and the DynamoDB
 * reader against DynamoDB Local: the user summary, every page of the session list (default limit and the largest, 50,
 * newest first and oldest first, and under a filter that matches none and one that matches a few), and single
 * sessions; then a bot's one long session, its events walked a page
 * at a time. Units are what DynamoDB reports per request.
 */
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { MAX_EVENT_LIMIT } from '../contract/index.js';
import { DynamoDbSessionReader } from '../functions/adapters/dynamodb/session-reader.js';
import { Transport } from '../functions/adapters/dynamodb/transport.js';
import { createApiHandler } from '../functions/api/app.js';
import { DEFAULT_LIMIT, MAX_LIMIT } from '../functions/api/query-params.js';
import { createLocalDynamoDbClient } from '../local/s3-client.js';
import type { ExportFile } from './exports.js';
import type { IngestResult } from './ingest-child.js';
import { runChild } from './processes.js';
import type { ApiPages, ApiRow } from './report.js';
import { integer } from './report-format.js';
import { max } from './stats.js';

const SIGNING_KEY = 'benchmark-cursor-signing-key-0123456789';
/** Single sessions read: spread evenly over the history. */
const SESSION_SAMPLES = 20;

function getEvent(rawPath: string, rawQueryString: string): APIGatewayProxyEventV2 {
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath,
    rawQueryString,
    headers: {},
    requestContext: {
      accountId: '123456789012',
      apiId: 'bench',
      domainName: 'bench.local',
      domainPrefix: 'bench',
      http: { method: 'GET', path: rawPath, protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'bench' },
      requestId: 'bench',
      routeKey: '$default',
      stage: '$default',
      time: '01/Jan/2024:00:00:00 +0000',
      timeEpoch: 0,
    },
    isBase64Encoded: false,
  };
}

interface ListBody {
  sessions: { sessionId: string }[];
  nextCursor: string | null;
}

function row(label: string, units: readonly number[]): ApiRow {
  return {
    label,
    requests: units.length,
    meanReadUnits: units.reduce((sum, value) => sum + value, 0) / units.length,
    maxReadUnits: max(units),
  };
}

/** The API handler over a table, and one GET through it with the read units it consumed. */
function apiOver(endpoint: string, tableName: string) {
  const client = createLocalDynamoDbClient(endpoint);
  const transport = new Transport({ client, tableName });
  const handler = createApiHandler({
    reader: new DynamoDbSessionReader(transport),
    config: { cursorSigningKey: SIGNING_KEY, corsAllowedOrigins: [], pathsDecoded: false },
    logger: { error: (...args: unknown[]) => console.error(...args) },
  });
  const get = async <T>(path: string, query = ''): Promise<{ body: T; units: number }> => {
    const before = transport.usage.readUnits;
    const response = await handler(getEvent(path, query));
    if (response.statusCode !== 200) {
      throw new Error(`GET ${path}?${query} answered ${response.statusCode}: ${response.body ?? ''}`);
    }
    return { body: JSON.parse(response.body ?? '') as T, units: transport.usage.readUnits - before };
  };
  return { get, close: () => client.destroy() };
}

export async function benchmarkApiPages(
  endpoint: string,
  tableName: string,
  user: { file: ExportFile; userId: string },
  log: (message: string) => void,
): Promise<Exclude<ApiPages, { error: string }>> {
  log(`api: loading user ${user.userId} (${user.file.events} events)`);
  await runChild<IngestResult>('ingest', [endpoint, tableName, user.file.path]);
  const { get, close } = apiOver(endpoint, tableName);
  try {
    const userPath = `/users/${encodeURIComponent(user.userId)}`;
    const summary = await get<{ sessionCount: number; eventCount: number }>(userPath);
    const rows: ApiRow[] = [row('GET /users/{id} (user summary)', [summary.units])];
    /** Every page of the list with `query`: each page's read units and the sessions listed. */
    const walk = async (query: string) => {
      const units: number[] = [];
      const ids: string[] = [];
      for (let cursor: string | null = ''; cursor !== null; ) {
        const cursorParameter = cursor === '' ? '' : `cursor=${encodeURIComponent(cursor)}`;
        const page: { body: ListBody; units: number } = await get<ListBody>(
          `${userPath}/sessions`,
          [query, cursorParameter].filter(Boolean).join('&'),
        );
        units.push(page.units);
        ids.push(...page.body.sessions.map((session) => session.sessionId));
        cursor = page.body.nextCursor;
      }
      return { units, ids };
    };
    let sessionIds: string[] = [];
    for (const limit of [undefined, MAX_LIMIT]) {
      for (const order of ['desc', 'asc'] as const) {
        const query = [limit === undefined ? '' : `limit=${limit}`, order === 'asc' ? 'order=asc' : '']
          .filter(Boolean)
          .join('&');
        log(`api: walking ?${query}`);
        const { units, ids } = await walk(query);
        if (ids.length !== summary.body.sessionCount) {
          throw new Error(
            `?${query} listed ${ids.length} sessions; the user has ${summary.body.sessionCount}`,
          );
        }
        sessionIds = ids;
        const shown = `limit=${limit ?? `${DEFAULT_LIMIT} (default)`}, ${order}`;
        rows.push(row(`GET …/sessions?${shown}: first page`, units.slice(0, 1)));
        rows.push(row(`GET …/sessions?${shown}: following pages`, units.slice(1)));
      }
    }
    // Filters that match no session and some: a page may scan far for them, and stops at its read units.
    for (const filter of ['campaignSource=nowhere', 'bounce=true']) {
      log(`api: walking ?${filter}`);
      rows.push(row(`GET …/sessions?${filter}: every page`, (await walk(filter)).units));
    }
    const sessionUnits: number[] = [];
    for (let sample = 0; sample < SESSION_SAMPLES; sample++) {
      const id = sessionIds[Math.floor((sample * sessionIds.length) / SESSION_SAMPLES)] as string;
      sessionUnits.push((await get(`${userPath}/sessions/${id}`)).units);
    }
    rows.push(row('GET /users/{id}/sessions/{sessionId} (one session with its events)', sessionUnits));
    return {
      userSessions: summary.body.sessionCount,
      userEvents: summary.body.eventCount,
      rows,
    };
  } finally {
    close();
  }
}

interface SessionBody {
  events: unknown[];
  nextCursor: string | null;
}

/**
 * A bot's one session of `file.events` events (no length cap), its events walked a page at a time at the
 * default limit: what a page of a long session reads.
 */
export async function benchmarkLongSessionPages(
  endpoint: string,
  tableName: string,
  user: { file: ExportFile; userId: string; sessionId: string },
  log: (message: string) => void,
): Promise<ApiRow[]> {
  log(`api: loading ${user.userId}'s one session (${user.file.events} events)`);
  await runChild<IngestResult>('ingest', [endpoint, tableName, user.file.path]);
  const { get, close } = apiOver(endpoint, tableName);
  try {
    const path = `/users/${encodeURIComponent(user.userId)}/sessions/${user.sessionId}`;
    const first = await get<SessionBody>(path);
    const following: number[] = [];
    let events = first.body.events.length;
    for (let cursor = first.body.nextCursor; cursor !== null; ) {
      const page = await get<SessionBody>(path, `cursor=${encodeURIComponent(cursor)}`);
      following.push(page.units);
      events += page.body.events.length;
      cursor = page.body.nextCursor;
    }
    if (events !== user.file.events)
      throw new Error(`the pages held ${events} events of ${user.file.events}`);
    const label = `GET …/sessions/{sessionId}, a bot's session of ${integer(user.file.events)} events`;
    return [
      row(`${label}: first page of ${integer(MAX_EVENT_LIMIT)} events`, [first.units]),
      row(`${label}: following pages`, following),
    ];
  } finally {
    close();
  }
}
