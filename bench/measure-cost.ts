// npx tsx bench/measure-cost.ts [--events 20000] [--first-day-only]
//
// The DynamoDB capacity units behind docs/cost.md: generated exports (bench/generator/) go through the real
// ingest use case into DynamoDB Local, then the lookup handler reads a sample of users. Units are what
// DynamoDB Local reports through ReturnConsumedCapacity, summed by the store's transport.
import { createReadStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type AttributeValue, type DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';
import { decodeHead } from '../functions/adapters/dynamodb/head-codec.js';
import { HEAD_SK, userOfPk } from '../functions/adapters/dynamodb/keys.js';
import { DynamoDbSessionReader } from '../functions/adapters/dynamodb/session-reader.js';
import { DynamoDbSessionWriter } from '../functions/adapters/dynamodb/session-writer.js';
import { Transport } from '../functions/adapters/dynamodb/transport.js';
import { copyTextReader } from '../functions/adapters/s3/copy-texts.js';
import { createApiHandler } from '../functions/api/app.js';
import { createBrowserOf } from '../functions/domain/events/browser.js';
import {
  type CompiledRules,
  compileRules,
  DEFAULT_SESSION_RULES,
} from '../functions/domain/rules/session-rules.js';
import { ingestObject } from '../functions/ingest/ingest-object.js';
import type { RejectionReport } from '../functions/ingest/rejection-report.js';
import { startDynamoDbLocal } from '../local/dynamodb-local.js';
import { fileObjectSource } from '../local/file-object-source.js';
import { createLocalDynamoDbClient } from '../local/s3-client.js';
import { createSessionTable } from '../local/session-table.js';
import { optionsOrExplained } from '../scripts/command-status.js';
import { parseMeasureCostOptions, USAGE } from './measure-cost-options.js';
import { writeExport } from './write-export.js';

const TABLE = 'sessionizer-cost';
const DAY_MS = 86_400_000;
const FIRST_DAY = Date.UTC(2024, 0, 1);
/** Users whose reads are measured: the ones with the most sessions. */
// The SDK's notice that it will drop Node 20 is not this command's output (README: Node 20.15 or later).
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const SAMPLED_USERS = 200;

/** The benchmark measures the store, not S3: rejections are dropped. */
const discardingReport: RejectionReport = {
  key: 'discarded',
  lines: 0,
  write: () => undefined,
  ready: async () => undefined,
  close: async () => undefined,
  abort: async () => undefined,
};

interface Units {
  readonly read: number;
  readonly write: number;
}

function usageSince(transport: Transport, start: Units): Units {
  return { read: transport.usage.readUnits - start.read, write: transport.usage.writeUnits - start.write };
}

async function ingestFile(file: string, transport: Transport, rules: CompiledRules, label: string) {
  const start = { read: transport.usage.readUnits, write: transport.usage.writeUnits };
  const stats = await ingestObject({
    file,
    format: 'auto',
    open: async () => createReadStream(file),
    // As on AWS: events carry where they were read (what the store pays for rule 3's tie-break).
    version: 'e:local',
    readCopies: copyTextReader(fileObjectSource(file, file, 'local'), 'local'),
    writer: new DynamoDbSessionWriter({ transport, rules }),
    rules,
    report: discardingReport,
    browserOf: createBrowserOf(),
  });
  const units = usageSince(transport, start);
  const perThousand = (value: number) => ((value / stats.accepted) * 1000).toFixed(1);
  const perMerge = (value: number) => (value / Math.max(1, stats.usersTouched)).toFixed(2);
  console.log(
    `| ${label} | ${stats.accepted} | ${stats.newEvents} | ${stats.usersTouched} | ${stats.sessionsWritten} | ` +
      `${units.write} | ${perThousand(units.write)} | ${perMerge(units.write)} | ` +
      `${units.read} | ${perThousand(units.read)} | ${perMerge(units.read)} |`,
  );
}

/** Users with sessions, most sessions first, from a Scan of the heads. */
async function usersBySessions(client: DynamoDBClient): Promise<{ user: string; sessions: number }[]> {
  const users: { user: string; sessions: number }[] = [];
  let startKey: Record<string, AttributeValue> | undefined;
  do {
    const page = await client.send(
      new ScanCommand({
        TableName: TABLE,
        FilterExpression: 'sk = :head',
        ExpressionAttributeValues: { ':head': { S: HEAD_SK } },
        ExclusiveStartKey: startKey,
      }),
    );
    for (const item of page.Items ?? []) {
      const sessions = decodeHead(item).totals.sessionCount;
      const user = userOfPk(item.pk?.S ?? '');
      if (sessions > 0 && user !== undefined) users.push({ user, sessions });
    }
    startKey = page.LastEvaluatedKey;
  } while (startKey !== undefined);
  return users.sort((a, b) => b.sessions - a.sessions);
}

async function measureLookups(client: DynamoDBClient, transport: Transport): Promise<void> {
  const api = createApiHandler({
    reader: new DynamoDbSessionReader(transport),
    config: { cursorSigningKey: 'measure-cost '.repeat(4), corsAllowedOrigins: [], pathsDecoded: false },
    logger: { error: (message) => console.error(message) },
  });
  const readUnits = async (rawPath: string) => {
    const start = transport.usage.readUnits;
    const result = await api({
      rawPath,
      rawQueryString: '',
      requestContext: { http: { method: 'GET' } },
    } as Parameters<typeof api>[0]);
    if (result.statusCode !== 200) throw new Error(`${rawPath} answered ${result.statusCode}`);
    return { units: transport.usage.readUnits - start, body: JSON.parse(result.body ?? '{}') };
  };
  const sample = (await usersBySessions(client)).slice(0, SAMPLED_USERS);
  const routes = { summary: [] as number[], firstPage: [] as number[], session: [] as number[] };
  for (const { user } of sample) {
    const path = `/users/${encodeURIComponent(user)}`;
    routes.summary.push((await readUnits(path)).units);
    const page = await readUnits(`${path}/sessions`);
    routes.firstPage.push(page.units);
    routes.session.push((await readUnits(`${path}/sessions/${page.body.sessions[0].sessionId}`)).units);
  }
  const sessions = sample.map((entry) => entry.sessions);
  console.log(
    `\nLookups of the ${sample.length} users with the most sessions (${Math.min(...sessions)} to ` +
      `${Math.max(...sessions)} sessions each), read units per request:\n`,
  );
  console.log('| request | mean | max |\n| --- | --- | --- |');
  const row = (label: string, units: number[]) =>
    console.log(
      `| ${label} | ${(units.reduce((sum, value) => sum + value, 0) / units.length).toFixed(2)} | ${Math.max(...units)} |`,
    );
  row('GET /users/{userId}', routes.summary);
  row('GET /users/{userId}/sessions (first page, 20)', routes.firstPage);
  row('GET /users/{userId}/sessions/{sessionId}', routes.session);
}

/**
 * A tenth as many events for a tenth of the users, on day 1 again: days already stored are rewritten. Whole
 * counts, as the generator takes them: --events 1000 once asked it for 2.5 users after two days were measured.
 */
export function lateExport(events: number): { events: number; users: number } {
  return { events: Math.round(events / 10), users: Math.max(1, Math.round(events / 400)) };
}

async function main(): Promise<void> {
  const options = optionsOrExplained(
    { name: 'measure-cost', help: 'npx tsx bench/measure-cost.ts', usage: USAGE },
    () => parseMeasureCostOptions(process.argv.slice(2)),
  );
  if (options === undefined) return;
  const { events } = options;
  const rules = compileRules(DEFAULT_SESSION_RULES);
  const dir = await mkdtemp(join(tmpdir(), 'sessionizer-cost-'));
  const server = await startDynamoDbLocal({});
  const client = createLocalDynamoDbClient(server.endpoint);
  try {
    const file = (name: string) => join(dir, `${name}.ndjson.gz`);
    const exportOf = (
      name: string,
      options: { events: number; seed: number; startMs: number; users?: number },
    ) => writeExport(file(name), { ...options, format: 'ndjson', gzip: true });
    await exportOf('day1', { events, seed: 1, startMs: FIRST_DAY });
    await createSessionTable(client, TABLE);
    const transport = new Transport({ client, tableName: TABLE });

    console.log(
      '| run | events | new | user merges | sessions written | WCU | WCU / 1k events | WCU / merge | RCU | RCU / 1k events | RCU / merge |',
    );
    console.log('| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |');
    await ingestFile(file('day1'), transport, rules, 'day 1');
    if (!options.firstDayOnly) {
      await ingestFile(file('day1'), transport, rules, 'day 1 again');
      await exportOf('day2', { events, seed: 2, startMs: FIRST_DAY + DAY_MS });
      await ingestFile(file('day2'), transport, rules, 'day 2 (identified users return)');
      await exportOf('late', { ...lateExport(events), seed: 3, startMs: FIRST_DAY });
      await ingestFile(file('late'), transport, rules, 'late events for day 1');
    }
    await measureLookups(client, transport);
  } finally {
    client.destroy();
    await server.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

if (process.argv[1]?.endsWith('measure-cost.ts')) await main();
