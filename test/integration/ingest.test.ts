// The SQS ingest end to end: every public conformance case (and the project's spec-edge cases) uploaded to a local S3, the real handler invoked
// with SQS messages carrying the notifications that upload produced (in a seeded shuffled order, each call
// out of time and continued by the next, then all of them again), the sessions read back from DynamoDB Local through the session reader, and the rejection
// reports read back from S3.
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand } from '@aws-sdk/client-s3';
import type { Context, SQSEvent } from 'aws-lambda';
import { zipSync } from 'fflate';
import { afterAll, describe, expect, it } from 'vitest';
import {
  DEFAULT_SOURCES,
  type InputFormat,
  REJECTED_PREFIX,
  type SourceDefinition,
} from '../../contract/index.js';
import { DynamoDbIngestProgress } from '../../functions/adapters/dynamodb/ingest-progress.js';
import { ensureTableRules, forgetRulesCheck } from '../../functions/adapters/dynamodb/rules-record.js';
import { DynamoDbStitchingWriter } from '../../functions/adapters/dynamodb/stitching-writer.js';
import type { ObjectRef } from '../../functions/adapters/s3/object-source.js';
import { continuationMessage } from '../../functions/adapters/sqs/continuation-queue.js';
import type { SessionSummary } from '../../functions/domain/sessions/summary.js';
import type { IdentityWriter, SessionReader, SessionWriter } from '../../functions/domain/store/ports.js';
import type { ObjectOutcome } from '../../functions/ingest/object-ingest.js';
import { rejectionReportKey } from '../../functions/ingest/report-key.js';
import { type SessionRulesInput, sessionRulesSchema } from '../../functions/shared/session-rules-schema.js';
import {
  type ConformanceCase,
  conformanceCases,
  seededShuffle,
  specEdgeCases,
} from '../helpers/conformance-cases.js';
import { asExpectedSessions } from '../helpers/session-expectations.js';
import { sqsEvent } from '../helpers/sqs-events.js';
import { localIngestHandler, useIngestServers } from './ingest-servers.js';
import { freshStore } from './store/store-harness.js';

const BUCKET = 'sessionizer-ingest-it';
const SEGMENT_PREFIX = 'segment-logs/';

/** What case.json may say beyond the files and the gap. */
interface CaseOptions {
  readonly gapMinutesByPlatform?: Record<string, number>;
  readonly maxSessionMinutes?: number;
  readonly identityStitching?: boolean;
  readonly inputFormat?: InputFormat;
}

interface ExpectedOutcome {
  readonly rejected: number;
  readonly fileErrors?: readonly { file: string; reason: string }[];
}

const CASES = [...conformanceCases(), ...specEdgeCases()].sort((a, b) => (a.name < b.name ? -1 : 1));
const optionsOf = (testCase: ConformanceCase): CaseOptions =>
  JSON.parse(readFileSync(join(testCase.dir, 'case.json'), 'utf8')) as CaseOptions;
const expectedOf = (testCase: ConformanceCase) =>
  testCase.expected as ConformanceCase['expected'] & ExpectedOutcome;

/**
 * A case's files as the members of one ZIP archive (a ZIP file among them becomes an archive inside it):
 * each member is a file of its own, so the sessions are the case's. Rejection counts may differ, since a
 * member that shows no object of any format is skipped where a file of its own is rejected line by line.
 */
const bundleDirs: string[] = [];
afterAll(() => {
  for (const dir of bundleDirs) rmSync(dir, { recursive: true, force: true });
});

function inOneZip(testCase: ConformanceCase): ConformanceCase {
  const dir = mkdtempSync(join(tmpdir(), `sessionizer-bundle-${testCase.name}-`));
  bundleDirs.push(dir);
  copyFileSync(join(testCase.dir, 'case.json'), join(dir, 'case.json'));
  const members = testCase.files.map((file) => [file, readFileSync(join(testCase.dir, file))] as const);
  writeFileSync(join(dir, 'bundle.zip'), zipSync(Object.fromEntries(members)));
  return { ...testCase, name: `${testCase.name}-in-one-zip`, dir, files: ['bundle.zip'] };
}

/** Cases of several files, or of a ZIP archive, that read to the end, in their own layout and format. */
const BUNDLED = CASES.filter((testCase) => {
  const options = optionsOf(testCase);
  const expected = expectedOf(testCase);
  return (
    (testCase.files.length > 1 || testCase.files.some((file) => file.endsWith('.zip'))) &&
    expected.fileErrors === undefined &&
    options.inputFormat === undefined &&
    !testCase.files.some((file) => file.startsWith(SEGMENT_PREFIX))
  );
});

/** A Lambda context with no time to spare: a call stops once its first merges are done. */
const OUT_OF_TIME = { getRemainingTimeInMillis: () => 5_000 } as Context;

/** Every session of a user, a few at a time, following each page's resume position. */
async function allSessions(reader: SessionReader, userId: string): Promise<SessionSummary[]> {
  const sessions: SessionSummary[] = [];
  let after: number | undefined;
  for (;;) {
    const page = await reader.listSessions({ userId, order: 'asc', limit: 3, after });
    sessions.push(...page.sessions);
    if (!page.hasMore) return sessions;
    after = page.resumeAfter ?? page.sessions.at(-1)?.startedAt;
  }
}

describe('ingest handler against local S3 and DynamoDB Local', () => {
  const servers = useIngestServers(BUCKET);

  /** The notifications local S3 sent for keys under `prefix`, once each key has one. */
  const notificationsUnder = (prefix: string, count: number, what: string) =>
    servers.notificationsFor(what, (key) => key.startsWith(prefix), count);

  async function readText(key: string): Promise<string> {
    const object = await servers.s3.client.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }));
    return (await object.Body?.transformToString('utf8')) ?? '';
  }

  async function reportsUnder(prefix: string): Promise<string[]> {
    const listing = await servers.s3.client.send(
      new ListObjectsV2Command({ Bucket: BUCKET, Prefix: `${REJECTED_PREFIX}${prefix}` }),
    );
    return (listing.Contents ?? [])
      .flatMap((object) => (object.Key === undefined ? [] : [object.Key]))
      .sort();
  }

  /**
   * Delivers one case through the handler twice and checks the store and the reports against expected.json
   * (the reports' rejections only when `checkRejections`).
   */
  async function deliverCase(name: string, testCase: ConformanceCase, checkRejections = true): Promise<void> {
    const options = optionsOf(testCase);
    const expected = expectedOf(testCase);
    const rulesInput: SessionRulesInput = {
      gapMinutes: testCase.gapMinutes,
      ...(options.gapMinutesByPlatform !== undefined && {
        gapMinutesByPlatform: options.gapMinutesByPlatform,
      }),
      ...(options.maxSessionMinutes !== undefined && { maxSessionMinutes: options.maxSessionMinutes }),
      identityStitching: options.identityStitching === true,
    };
    const store = await freshStore(servers.dynamo.client, sessionRulesSchema.parse(rulesInput));
    const sources: SourceDefinition[] = DEFAULT_SOURCES.map((source) =>
      source.name === 'incoming' && options.inputFormat !== undefined
        ? { ...source, format: options.inputFormat }
        : source,
    );
    const mergedUsers = new Set<string>();
    const writer: SessionWriter = {
      mergeUserEvents: (userId, events, texts) => {
        mergedUsers.add(userId);
        return store.writer.mergeUserEvents(userId, events, texts);
      },
    };
    const stitching = new DynamoDbStitchingWriter(store.writer);
    const identity: IdentityWriter = {
      offerLink: (anonymousId, link, texts) => {
        mergedUsers.add(anonymousId).add(link.userId);
        return stitching.offerLink(anonymousId, link, texts);
      },
      mergeAnonymousEvents: (anonymousId, events, texts) => {
        mergedUsers.add(anonymousId);
        return stitching.mergeAnonymousEvents(anonymousId, events, texts);
      },
    };
    forgetRulesCheck();
    // Objects a call out of time left for later, delivered as the ingest queue would deliver them.
    const continued: ObjectRef[] = [];
    let continuations = 0;
    const handler = localIngestHandler(servers, BUCKET, store, {
      writer,
      identity,
      checkRules: () => ensureTableRules(store.transport, store.rules),
      config: { sources },
      progress: new DynamoDbIngestProgress(store.transport),
      continueLater: async (objects) => {
        continued.push(...objects);
      },
      mergeConcurrency: 2,
    });

    // Segment's layout keeps its own keys; other files go under incoming/, with a space and a plus so the
    // URL-encoding of notification keys is exercised end to end.
    const segmentLayout = testCase.files.every((file) => file.startsWith(SEGMENT_PREFIX));
    const prefix = segmentLayout ? SEGMENT_PREFIX : `incoming/${name}/drop 1+/`;
    const keyOf = (file: string) => (segmentLayout ? file : `${prefix}${file}`);
    const fileOf = (key: string) => (segmentLayout ? key : key.slice(prefix.length));
    const uploadOrder = seededShuffle(testCase.files, name);
    for (const file of uploadOrder) {
      await servers.s3.client.send(
        new PutObjectCommand({
          Bucket: BUCKET,
          Key: keyOf(file),
          Body: readFileSync(join(testCase.dir, file)),
        }),
      );
    }
    const uploaded = await notificationsUnder(
      prefix,
      testCase.files.length,
      `notifications of the ${testCase.files.length} uploads of ${name}`,
    );

    // A ZIP member's file error (`export.zip!day.ndjson`) fails the object it is in.
    const failedFiles = new Set((expected.fileErrors ?? []).map((error) => error.file.split('!')[0]));
    const expectedOutcomes = testCase.files
      .map((file) => [file, failedFiles.has(file) ? 'file-failed' : 'ingested'])
      .sort();
    const deliver = async (batches: readonly SQSEvent[], context?: Context) => {
      const outcomes: ObjectOutcome[] = [];
      for (const batch of batches) {
        const result = await handler(batch, context);
        expect(result.batchItemFailures).toEqual([]);
        outcomes.push(...result.outcomes.filter((outcome) => outcome.status !== 'continued'));
        for (let calls = 0; continued.length > 0; calls++) {
          expect(calls).toBeLessThan(1_000);
          continuations += continued.length;
          const next = sqsEvent(continued.splice(0).map((object) => JSON.parse(continuationMessage(object))));
          const later = await handler(next, context);
          expect(later.batchItemFailures).toEqual([]);
          outcomes.push(...later.outcomes.filter((outcome) => outcome.status !== 'continued'));
        }
      }
      expect(outcomes.map((outcome) => [fileOf(outcome.key ?? ''), outcome.status]).sort()).toEqual(
        expectedOutcomes,
      );
      const users = [
        ...new Set([...mergedUsers, ...expected.sessions.map((session) => session.userId)]),
      ].sort();
      const stored: SessionSummary[] = [];
      for (const user of users) stored.push(...(await allSessions(store.reader, user)));
      expect(asExpectedSessions(stored, expected.sessions)).toEqual(expected.sessions);
    };

    // One message per invocation in upload order, each call out of time after its first merges (so every
    // file is resumed, call after call, from the progress the last one saved); then every message again, in
    // another order, in one batch, with all the time needed.
    await deliver(
      uploaded.map((notification, index) => sqsEvent([notification], `${name}-${index}`)),
      OUT_OF_TIME,
    );
    if (new Set(expected.sessions.map((session) => session.userId)).size > 4) {
      expect(continuations).toBeGreaterThan(0);
    }
    await deliver([sqsEvent(seededShuffle(uploaded, `${name} again`), `${name}-again`)]);

    // Writing a report notifies too: the handler must skip it, never ingest or loop on it.
    const reportKeys = await reportsUnder(prefix);
    const reportNotifications = await notificationsUnder(
      `${REJECTED_PREFIX}${prefix}`,
      reportKeys.length * 2,
      `notifications of the ${reportKeys.length} reports of ${name}, each written twice`,
    );
    const reportResult = await handler(sqsEvent(reportNotifications, `${name}-report`));
    expect(reportResult.outcomes.map((outcome) => outcome.status)).toEqual(
      reportNotifications.map(() => 'skipped'),
    );

    let rejectedEvents = 0;
    const fileErrors: { file: string; reason: string }[] = [];
    for (const key of reportKeys) {
      const file = fileOf(key.slice(REJECTED_PREFIX.length, -'.ndjson'.length));
      expect(rejectionReportKey(keyOf(file), REJECTED_PREFIX)).toBe(key);
      for (const line of (await readText(key)).split('\n').filter((text) => text !== '')) {
        const entry = JSON.parse(line) as { file: string; position: number; reason: string; raw?: string };
        expect(entry.file.startsWith(keyOf(file))).toBe(true);
        expect(entry.reason).not.toBe('');
        if (entry.position === 0) fileErrors.push({ file: fileOf(entry.file), reason: entry.reason });
        else rejectedEvents++;
      }
    }
    if (checkRejections) expect(rejectedEvents).toBe(expected.rejected);
    expect(fileErrors).toEqual(expected.fileErrors ?? []);
  }

  it.each(CASES.map((testCase) => [testCase.name, testCase] as const))(
    '%s: the stored sessions equal expected.json, and the reports hold its rejections',
    (name, testCase) => deliverCase(name, testCase),
    240_000,
  );

  it.each(BUNDLED.map((testCase) => [testCase.name, inOneZip(testCase)] as const))(
    '%s, its files delivered as the members of one ZIP archive: the same stored sessions',
    (_, bundled) => deliverCase(bundled.name, bundled, false),
    240_000,
  );
});
