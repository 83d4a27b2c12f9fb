/**
 * Lookup latency through the real API handler with the DynamoDB reader against DynamoDB Local, for one
 * user with hundreds of sessions: the first 50-session page, and the following pages walked by cursor.
 */
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { DynamoDbSessionStore } from '../functions/adapters/dynamodb-session-store.js';
import { createApiHandler } from '../functions/api/app.js';
import { DEFAULT_GAP_MINUTES, minutesToMs } from '../functions/domain/sessionize.js';
import { createLocalDynamoDbClient } from '../local/s3-client.js';
import { runChild } from './child.js';
import type { ExportFile } from './exports.js';
import { createTable } from './ingest.js';
import type { IngestSample } from './ingest-child.js';
import type { ApiLatency, LatencyStats } from './report.js';
import { max, percentile } from './stats.js';

const PAGE_SIZE = 50;
const MIN_SESSIONS = 200;
const SIGNING_KEY = 'benchmark-cursor-signing-key-0123456789';

function listEvent(userId: string, query: string): APIGatewayProxyEventV2 {
  const rawPath = `/users/${encodeURIComponent(userId)}/sessions`;
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath,
    rawQueryString: query,
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

function stats(samples: readonly number[], readUnits: number): LatencyStats {
  return {
    requests: samples.length,
    p50: percentile(samples, 50),
    p99: percentile(samples, 99),
    max: max(samples),
    readUnits: readUnits / samples.length,
  };
}

interface ListBody {
  sessions: unknown[];
  nextCursor: string | null;
}

export async function benchmarkApiLatency(
  endpoint: string,
  user: { file: ExportFile; userId: string },
  samples: number,
  log: (message: string) => void,
): Promise<ApiLatency> {
  const table = `bench-api-${Date.now()}`;
  await createTable(endpoint, table);
  log(`api: loading user ${user.userId}`);
  await runChild<IngestSample>('ingest', [endpoint, table, user.file.path]);

  const client = createLocalDynamoDbClient(endpoint);
  try {
    const store = new DynamoDbSessionStore({
      client,
      tableName: table,
      gapMs: minutesToMs(DEFAULT_GAP_MINUTES),
    });
    const summary = await store.getUserSummary(user.userId);
    const userSessions = summary?.sessionCount ?? 0;
    if (userSessions < MIN_SESSIONS) {
      throw new Error(`the API user has ${userSessions} sessions; at least ${MIN_SESSIONS} are needed`);
    }
    const handler = createApiHandler({
      reader: store,
      config: { cursorSigningKey: SIGNING_KEY, corsAllowedOrigins: [] },
      logger: { error: (...args: unknown[]) => console.error(...args) },
    });
    const request = async (query: string): Promise<{ ms: number; body: ListBody }> => {
      const started = performance.now();
      const response = await handler(listEvent(user.userId, query));
      const ms = performance.now() - started;
      if (response.statusCode !== 200) throw new Error(`GET ?${query} answered ${response.statusCode}`);
      return { ms, body: JSON.parse(response.body ?? '') as ListBody };
    };
    const firstQuery = `limit=${PAGE_SIZE}`;
    /** Walks every page after the first; returns their latencies. */
    const walk = async (): Promise<number[]> => {
      const latencies: number[] = [];
      let { body } = await request(firstQuery);
      while (body.nextCursor !== null) {
        const page = await request(`${firstQuery}&cursor=${encodeURIComponent(body.nextCursor)}`);
        latencies.push(page.ms);
        body = page.body;
      }
      return latencies;
    };

    log('api: warming up');
    for (let i = 0; i < 3; i++) await walk();
    log(`api: ${samples} first-page requests`);
    const firstPage: number[] = [];
    const firstPageUnits = store.usage.readUnits;
    for (let i = 0; i < samples; i++) {
      const { ms, body } = await request(firstQuery);
      if (body.sessions.length !== PAGE_SIZE)
        throw new Error(`first page held ${body.sessions.length} sessions`);
      firstPage.push(ms);
    }
    const firstPageStats = stats(firstPage, store.usage.readUnits - firstPageUnits);
    log(`api: at least ${samples} cursor-page requests`);
    const cursorPages: number[] = [];
    let walks = 0;
    const walkUnits = store.usage.readUnits;
    while (cursorPages.length < samples) {
      cursorPages.push(...(await walk()));
      walks++;
    }
    // Each walk also fetched a first page: take those units out to leave the cursor pages' own.
    const cursorUnits = store.usage.readUnits - walkUnits - walks * (firstPageStats.readUnits ?? 0);
    return {
      userSessions,
      pageSize: PAGE_SIZE,
      firstPage: firstPageStats,
      cursorPages: stats(cursorPages, cursorUnits),
    };
  } finally {
    client.destroy();
  }
}
