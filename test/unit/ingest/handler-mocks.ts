import { readFileSync } from 'node:fs';
import { S3Client } from '@aws-sdk/client-s3';
import type { SQSEvent } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach } from 'vitest';
import { createIngestHandler, type IngestHandlerDeps } from '../../../functions/ingest/create-handler.js';
import { FakeSessionWriter } from '../../helpers/fake-session-writer.js';
import { s3Notification, sqsEvent } from '../../helpers/sqs-events.js';
import { handlerDeps, RecordingLogger, RecordingMetrics, RULES } from './handler-harness.js';
import { MockBucket } from './mock-bucket.js';

/**
 * The handler tests' shared set-up: a mocked S3 holding a {@link MockBucket}, a fake writer and recorders,
 * all fresh for each test of a file that calls {@link freshHandlerMocksEachTest}. Exported as live bindings:
 * a test reads the current test's.
 */
export const s3Mock = mockClient(S3Client);

export const s3 = new S3Client({ region: 'us-east-1' });

/** The repository's sample export, and the key its sample notification names. */
export const SAMPLE_KEY = 'incoming/sample-export.ndjson';
export const sampleExport = readFileSync(new URL('../../../events/sample-export.ndjson', import.meta.url));

export let bucket: MockBucket;
export let writer: FakeSessionWriter;
export let logger: RecordingLogger;
export let metrics: RecordingMetrics;

export function freshHandlerMocksEachTest(): void {
  beforeEach(() => {
    s3Mock.reset();
    bucket = new MockBucket(s3Mock);
    writer = new FakeSessionWriter(RULES);
    logger = new RecordingLogger();
    metrics = new RecordingMetrics();
  });
}

/** The ingest handler on this test's mocks, with some dependencies replaced. */
export function createHandler(overrides: Partial<IngestHandlerDeps> = {}) {
  return createIngestHandler({ ...handlerDeps({ s3, writer, logger, metrics }), ...overrides });
}

/** The lines of the rejection report the ingest wrote for `key` in this test's bucket. */
export const reportOf = (key: string) => bucket.lines(`rejected/${key}.ndjson`);

/** One message per key, each an S3 notification as the queue delivers it. */
export const eventFor = (...keys: string[]): SQSEvent => sqsEvent(keys.map((key) => s3Notification(key)));
