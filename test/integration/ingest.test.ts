// The ingest Lambda end to end: conformance cases uploaded to a local S3, the handler invoked with the
// real-shaped events that upload produced (one of them twice, as S3's at-least-once delivery may), the
// sessions read back from DynamoDB Local through the store, and the rejection reports read back from S3.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand } from '@aws-sdk/client-s3';
import type { S3Event } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSessionTable, DynamoDbSessionStore } from '../../functions/adapters/dynamodb-session-store.js';
import type { SessionReader, StoredSession } from '../../functions/domain/session-store.js';
import { minutesToMs } from '../../functions/domain/sessionize.js';
import { formatTimestamp } from '../../functions/domain/timestamp.js';
import {
  createIngestHandler,
  type IngestLogger,
  type IngestMetrics,
  type RecordOutcome,
} from '../../functions/ingest/create-ingest-handler.js';
import { decodeS3EventKey } from '../../functions/shared/s3-event-key.js';
import {
  type ConformanceCase,
  conformanceCases,
  type ExpectedSession,
  seededShuffle,
} from '../helpers/conformance-cases.js';
import {
  type LocalDynamoDb,
  type LocalS3,
  startLocalDynamoDb,
  startLocalS3,
  waitFor,
} from '../helpers/local-servers.js';

const BUCKET = 'sessionizer-ingest-it';
const CASES = new Map(conformanceCases().map((testCase) => [testCase.name, testCase]));
const caseNames = [...CASES.keys()].sort();

const quietLogger: IngestLogger = { addContext() {}, info() {}, warn() {}, error() {} };
const noMetrics: IngestMetrics = { addMetric() {}, publishStoredMetrics() {} };

async function allSessions(reader: SessionReader, userId: string): Promise<StoredSession[]> {
  const sessions: StoredSession[] = [];
  let after: number | undefined;
  for (;;) {
    const page = await reader.listSessions({
      userId,
      order: 'asc',
      limit: 25,
      ...(after !== undefined && { after }),
    });
    sessions.push(...page.sessions);
    if (!page.hasMore) return sessions;
    after = page.sessions.at(-1)?.startedAt;
  }
}

describe('ingest handler against local S3 and DynamoDB Local', () => {
  let dynamo: LocalDynamoDb;
  let s3: LocalS3;
  const delivered: S3Event[] = [];

  beforeAll(async () => {
    [dynamo, s3] = await Promise.all([
      startLocalDynamoDb(),
      startLocalS3(BUCKET, (event) => {
        delivered.push(event);
      }),
    ]);
  });

  afterAll(async () => {
    await Promise.all([dynamo?.stop(), s3?.stop()]);
  });

  const eventsUnder = (prefix: string) =>
    delivered.filter((event) =>
      event.Records.some((record) => decodeS3EventKey(record.s3.object.key).startsWith(prefix)),
    );

  async function readText(key: string): Promise<string> {
    const object = await s3.client.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }));
    return (await object.Body?.transformToString('utf8')) ?? '';
  }

  it.each(caseNames)(
    '%s: the store matches expected.json and rejected lines are reported',
    async (name) => {
      const { files, gapMinutes, dir, expected } = CASES.get(name) as ConformanceCase;
      const gapMs = minutesToMs(gapMinutes);
      const tableName = `sessions-${name}`;
      await createSessionTable(dynamo.client, tableName);
      const store = new DynamoDbSessionStore({ client: dynamo.client, tableName, gapMs });
      const handler = createIngestHandler({
        s3: s3.client,
        writer: store,
        config: { bucketName: BUCKET, incomingPrefix: 'incoming/', rejectedPrefix: 'rejected/' },
        logger: quietLogger,
        metrics: noMetrics,
      });
      // A space and a plus in every key, so the URL-encoding of event keys is exercised end to end.
      const prefix = `incoming/${name}/drop 1+`;
      const keys = seededShuffle(files, name).map((file) => `${prefix}${file}`);

      for (const key of keys) {
        const file = key.slice(prefix.length);
        await s3.client.send(
          new PutObjectCommand({
            Bucket: BUCKET,
            Key: key,
            Body: readFileSync(join(dir, file)),
          }),
        );
      }
      const events = await waitFor(`object-created events for ${keys.length} files`, () => {
        const found = eventsUnder(prefix);
        return found.length === keys.length && found;
      });

      const outcomes: RecordOutcome[] = [];
      for (const event of [...events, events[0] as S3Event]) outcomes.push(...(await handler(event)).records);

      expect(outcomes.map((outcome) => outcome.status)).toEqual(outcomes.map(() => 'ingested'));
      expect(new Set(outcomes.map((outcome) => outcome.key))).toEqual(new Set(keys));

      // Writing a report triggers an event too; the handler must skip it rather than ingest or loop on it.
      const reportKeys = [
        ...new Set(
          outcomes.flatMap((outcome) => ('report' in outcome && outcome.report ? [outcome.report] : [])),
        ),
      ].sort();
      const reportEvents = await waitFor(`object-created events for ${reportKeys.length} reports`, () => {
        const found = eventsUnder(`rejected/${prefix}`);
        const keysSeen = new Set(
          found.flatMap((event) => event.Records.map((record) => decodeS3EventKey(record.s3.object.key))),
        );
        return keysSeen.size === reportKeys.length && found;
      });
      for (const event of reportEvents) {
        expect((await handler(event)).records).toEqual([expect.objectContaining({ status: 'skipped' })]);
      }

      const users = [...new Set(expected.sessions.map((session) => session.userId))];
      const stored: ExpectedSession[] = [];
      for (const userId of users) {
        for (const session of await allSessions(store, userId)) {
          stored.push({
            userId: session.userId,
            sessionNumber: session.sessionNumber,
            startedAt: formatTimestamp(session.startedAt),
            endedAt: formatTimestamp(session.endedAt),
            eventCount: session.eventCount,
          });
        }
      }
      expect(stored).toEqual(expected.sessions);

      const listing = await s3.client.send(
        new ListObjectsV2Command({ Bucket: BUCKET, Prefix: `rejected/${prefix}` }),
      );
      expect((listing.Contents ?? []).map((object) => object.Key).sort()).toEqual(reportKeys);
      let rejectedLines = 0;
      for (const key of reportKeys) {
        const lines = (await readText(key)).split('\n').filter((line) => line !== '');
        for (const line of lines) {
          const rejection = JSON.parse(line) as {
            file: string;
            position: number;
            reason: string;
            raw: string;
          };
          expect(`rejected/${rejection.file}.ndjson`).toBe(key);
          expect(rejection.position).toBeGreaterThan(0);
          expect(rejection.reason).not.toBe('');
          rejectedLines++;
        }
      }
      expect(rejectedLines).toBe(expected.rejected);
    },
    180_000,
  );
});
