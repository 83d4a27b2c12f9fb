import { Readable } from 'node:stream';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { MetricUnit as MetricUnitValue } from '@aws-lambda-powertools/metrics/types';
import { GetObjectCommand, type GetObjectCommandOutput, type S3Client } from '@aws-sdk/client-s3';
import type { Context, S3Event } from 'aws-lambda';
import { z } from 'zod';
import type { SessionWriter } from '../domain/session-store.js';
import { decodeS3EventKey } from '../shared/s3-event-key.js';
import type { IngestConfig } from './config.js';
import { type IngestStats, ingestObject } from './ingest-object.js';
import { rejectionReportKey, S3RejectionReport } from './rejection-report.js';

/** What the handler logs through; Powertools' Logger fits it. */
export interface IngestLogger {
  addContext(context: Context): void;
  info(message: string, attributes: Record<string, unknown>): void;
  warn(message: string, attributes: Record<string, unknown>): void;
  error(message: string, attributes: Record<string, unknown>): void;
}

/** What the handler measures with; Powertools' Metrics fits it. */
export interface IngestMetrics {
  addMetric(name: string, unit: MetricUnitValue, value: number): unknown;
  publishStoredMetrics(): void;
}

export interface IngestHandlerDeps {
  readonly s3: S3Client;
  readonly writer: SessionWriter;
  readonly config: Pick<IngestConfig, 'bucketName' | 'incomingPrefix' | 'rejectedPrefix'>;
  readonly logger: IngestLogger;
  readonly metrics: IngestMetrics;
  /** Users merged at once per file. */
  readonly mergeConcurrency?: number;
}

export type RecordOutcome =
  | {
      readonly status: 'ingested';
      readonly key: string;
      readonly stats: IngestStats;
      readonly report?: string;
    }
  /** Not an export (or not entirely): reported under the rejected prefix, not retried. */
  | {
      readonly status: 'file-failed';
      readonly key: string;
      readonly stats: IngestStats;
      readonly report: string;
    }
  /** Deleted before it could be read: nothing left to ingest. */
  | { readonly status: 'gone'; readonly key: string }
  | { readonly status: 'skipped'; readonly key?: string; readonly reason: string };

export interface IngestResult {
  readonly records: readonly RecordOutcome[];
}

export type IngestHandler = (event: S3Event, context?: Context) => Promise<IngestResult>;

const s3RecordSchema = z.object({
  eventName: z.string(),
  s3: z.object({
    bucket: z.object({ name: z.string().min(1) }),
    object: z.object({
      key: z.string().min(1),
      versionId: z.string().min(1).optional(),
      eTag: z.string().optional(),
      size: z.number().optional(),
    }),
  }),
});

const s3EventSchema = z.object({ Records: z.array(z.unknown()) });

/** Deleted before we read it; a retry would not bring it back. */
const GONE_ERRORS = new Set(['NoSuchKey', 'NoSuchVersion']);

const unquote = (eTag: string | undefined) => eTag?.replace(/^"|"$/g, '');

/** One invocation's metrics: sums over the files it ingested, plus the file that failed it, if any. */
function publishMetrics(
  metrics: IngestMetrics,
  outcomes: readonly RecordOutcome[],
  failed: boolean,
  durationMs: number,
): void {
  const sum = (field: keyof Omit<IngestStats, 'fileError'>) =>
    outcomes.reduce((total, outcome) => total + ('stats' in outcome ? outcome.stats[field] : 0), 0);
  const count = (status: RecordOutcome['status']) =>
    outcomes.filter((outcome) => outcome.status === status).length;
  metrics.addMetric('EventsRead', MetricUnit.Count, sum('eventsRead'));
  metrics.addMetric('EventsRejected', MetricUnit.Count, sum('rejected'));
  metrics.addMetric('SessionsWritten', MetricUnit.Count, sum('sessionsWritten'));
  metrics.addMetric('UsersTouched', MetricUnit.Count, sum('usersTouched'));
  metrics.addMetric('NewEvents', MetricUnit.Count, sum('newEvents'));
  metrics.addMetric('FilesIngested', MetricUnit.Count, count('ingested'));
  metrics.addMetric('FilesFailed', MetricUnit.Count, count('file-failed') + (failed ? 1 : 0));
  metrics.addMetric('IngestDurationMs', MetricUnit.Milliseconds, durationMs);
  metrics.publishStoredMetrics();
}

/**
 * The S3 ObjectCreated handler: for each record under the incoming prefix, streams the object through the
 * ingest use case, writes its rejection report under the rejected prefix and merges its users. Store and
 * S3 errors (throttling included) fail the invocation so Lambda retries it, which is safe because every
 * step is idempotent; bad input (not an export, object gone, foreign keys) is logged and never retried.
 */
export function createIngestHandler(deps: IngestHandlerDeps): IngestHandler {
  const { s3, writer, config, logger, metrics } = deps;

  const ingestRecord = async (rawRecord: unknown): Promise<RecordOutcome> => {
    const parsed = s3RecordSchema.safeParse(rawRecord);
    if (!parsed.success) {
      logger.error('skipping a record that is not an S3 notification', { issues: parsed.error.issues });
      return { status: 'skipped', reason: 'not an S3 notification record' };
    }
    const { eventName, s3: notification } = parsed.data;
    const bucket = notification.bucket.name;
    const { versionId, eTag } = notification.object;
    let key: string;
    try {
      key = decodeS3EventKey(notification.object.key);
    } catch {
      logger.error('skipping a record whose key is not URL-encoded', { encodedKey: notification.object.key });
      return { status: 'skipped', reason: 'key is not URL-encoded' };
    }
    const skip = (reason: string): RecordOutcome => {
      logger.warn(`skipping ${bucket}/${key}: ${reason}`, { bucket, key, eventName });
      return { status: 'skipped', key, reason };
    };
    if (!eventName.startsWith('ObjectCreated:')) return skip(`not an ObjectCreated event (${eventName})`);
    if (bucket !== config.bucketName) return skip(`not the configured bucket ${config.bucketName}`);
    // Checked first so a trigger misconfigured to cover reports can never loop on them.
    if (key.startsWith(config.rejectedPrefix)) return skip(`a report under ${config.rejectedPrefix}`);
    if (!key.startsWith(config.incomingPrefix)) return skip(`outside ${config.incomingPrefix}`);

    try {
      return await ingestObjectAt(bucket, key, versionId, eTag);
    } catch (error) {
      logger.error('ingest failed; the invocation fails so Lambda retries it', {
        bucket,
        key,
        versionId,
        error,
      });
      throw error;
    }
  };

  const ingestObjectAt = async (
    bucket: string,
    key: string,
    versionId: string | undefined,
    eTag: string | undefined,
  ): Promise<RecordOutcome> => {
    const started = performance.now();
    let object: GetObjectCommandOutput;
    try {
      // The event's version, when the bucket keeps versions, so a redelivery reads exactly the same bytes.
      object = await s3.send(
        new GetObjectCommand({
          Bucket: bucket,
          Key: key,
          ...(versionId !== undefined && { VersionId: versionId }),
        }),
      );
    } catch (error) {
      if (error instanceof Error && GONE_ERRORS.has(error.name)) {
        logger.warn('object deleted before it could be ingested', { bucket, key, versionId, error });
        return { status: 'gone', key };
      }
      throw error;
    }
    if (versionId === undefined && eTag && unquote(object.ETag) !== unquote(eTag)) {
      // Unversioned bucket, object replaced since this event: the current bytes are ingested (idempotent),
      // and the replacement's own event ingests them again.
      logger.warn('object changed since the event; ingesting its current content', { bucket, key, eTag });
    }
    // In Node the body is an IncomingMessage: an async iterable of byte chunks, streamed as it arrives.
    const body = (object.Body ?? Readable.from([])) as Readable;
    const report = new S3RejectionReport({ s3, bucket, key: rejectionReportKey(config.rejectedPrefix, key) });
    let stats: IngestStats;
    try {
      stats = await ingestObject({
        file: key,
        source: body,
        writer,
        rejections: report,
        ...(deps.mergeConcurrency !== undefined && { concurrency: deps.mergeConcurrency }),
      });
    } finally {
      body.destroy();
    }
    const reportKey = report.lines > 0 ? report.key : undefined;
    const durationMs = Math.round(performance.now() - started);
    if (stats.fileError !== undefined) {
      logger.error('file is not a valid export; reported, not retried', {
        bucket,
        key,
        versionId,
        ...stats,
        report: report.key,
        durationMs,
      });
      return { status: 'file-failed', key, stats, report: report.key };
    }
    logger.info('ingested', { bucket, key, versionId, ...stats, report: reportKey, durationMs });
    return { status: 'ingested', key, stats, ...(reportKey !== undefined && { report: reportKey }) };
  };

  return async (event, context) => {
    const started = performance.now();
    if (context !== undefined) logger.addContext(context);
    const outcomes: RecordOutcome[] = [];
    let failed = false;
    try {
      const parsed = s3EventSchema.safeParse(event);
      if (!parsed.success) {
        logger.error('not an S3 event; nothing to ingest', { issues: parsed.error.issues });
        return { records: outcomes };
      }
      for (const record of parsed.data.Records) outcomes.push(await ingestRecord(record));
      return { records: outcomes };
    } catch (error) {
      failed = true;
      throw error;
    } finally {
      // Also on failure, so a throttled invocation still shows in the dashboards.
      publishMetrics(metrics, outcomes, failed, Math.round(performance.now() - started));
    }
  };
}
