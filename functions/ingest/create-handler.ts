import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { MetricUnit as MetricUnitValue } from '@aws-lambda-powertools/metrics/types';
import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { rejectionReportKey } from '../../contract/index.js';
import type { ObjectRef, ObjectSource } from '../adapters/s3/object-source.js';
import type { BrowserOf } from '../domain/events/normalize.js';
import type { IdentityWriter, SessionWriter } from '../domain/store/ports.js';
import type { IngestConfig } from './config.js';
import { type IngestStats, ingestObject } from './ingest-object.js';
import { readMessage } from './notifications.js';
import type { RejectionReport } from './rejection-report.js';
import { notAnExportByName, sourceOf } from './sources.js';

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
  readonly objects: ObjectSource;
  readonly openReport: (key: string) => RejectionReport;
  readonly writer: SessionWriter;
  /** Identity stitching's writer; needed when the rules stitch identities. */
  readonly identity?: IdentityWriter;
  /** Throws when the table's data were cut under other rules (checked once per invocation). */
  readonly checkRules?: () => Promise<void>;
  readonly config: Pick<
    IngestConfig,
    'bucketName' | 'sources' | 'rejectedPrefix' | 'rules' | 'maxMemberBytes'
  >;
  readonly logger: IngestLogger;
  readonly metrics: IngestMetrics;
  readonly browserOf: BrowserOf;
  readonly mergeConcurrency?: number;
  readonly chunkEvents?: number;
}

export type ObjectOutcome =
  | {
      readonly status: 'ingested';
      readonly key: string;
      readonly stats: IngestStats;
      readonly report?: string;
    }
  /** Not (entirely) an export: reported under the rejected prefix, not retried. */
  | {
      readonly status: 'file-failed';
      readonly key: string;
      readonly stats: IngestStats;
      readonly report: string;
    }
  /** Deleted before it could be read: nothing left to ingest. */
  | { readonly status: 'gone'; readonly key: string }
  | { readonly status: 'skipped'; readonly key?: string; readonly reason: string };

export interface IngestResult extends SQSBatchResponse {
  readonly outcomes: readonly ObjectOutcome[];
}

export type IngestHandler = (event: SQSEvent, context?: Context) => Promise<IngestResult>;

function publishMetrics(
  metrics: IngestMetrics,
  outcomes: readonly ObjectOutcome[],
  failedMessages: number,
  ms: number,
) {
  const sum = (field: keyof Omit<IngestStats, 'files'>) =>
    outcomes.reduce((total, outcome) => total + ('stats' in outcome ? outcome.stats[field] : 0), 0);
  const count = (status: ObjectOutcome['status']) =>
    outcomes.filter((outcome) => outcome.status === status).length;
  metrics.addMetric('EventsRead', MetricUnit.Count, sum('records'));
  metrics.addMetric('EventsRejected', MetricUnit.Count, sum('rejected'));
  metrics.addMetric('EventsErased', MetricUnit.Count, sum('erased'));
  metrics.addMetric('NewEvents', MetricUnit.Count, sum('newEvents'));
  metrics.addMetric('SessionsWritten', MetricUnit.Count, sum('sessionsWritten'));
  metrics.addMetric('UsersTouched', MetricUnit.Count, sum('usersTouched'));
  metrics.addMetric('FilesIngested', MetricUnit.Count, count('ingested'));
  metrics.addMetric('FilesFailed', MetricUnit.Count, count('file-failed'));
  metrics.addMetric('ObjectsSkipped', MetricUnit.Count, count('skipped'));
  metrics.addMetric('MessagesFailed', MetricUnit.Count, failedMessages);
  metrics.addMetric('IngestDurationMs', MetricUnit.Milliseconds, ms);
  metrics.publishStoredMetrics();
}

/**
 * The ingest queue's consumer: each message names objects (S3 notifications, or replays); each object under
 * a source prefix is read in its source's format, its rejections reported under the rejected prefix and its
 * events merged. A message whose work throws (a throttled table, a dropped download) is reported as a batch
 * item failure, so SQS delivers it again; bad input is reported and never retried.
 */
export function createIngestHandler(deps: IngestHandlerDeps): IngestHandler {
  const { config, logger } = deps;

  const ingestRef = async (ref: ObjectRef): Promise<ObjectOutcome> => {
    const { key } = ref;
    const skip = (reason: string): ObjectOutcome => {
      logger.warn(`skipping ${ref.bucket}/${key}: ${reason}`, { bucket: ref.bucket, key });
      return { status: 'skipped', key, reason };
    };
    if (ref.bucket !== config.bucketName) return skip(`not the configured bucket ${config.bucketName}`);
    // Checked first so a notification misconfigured to cover reports can never loop on them.
    if (key.startsWith(config.rejectedPrefix)) return skip(`a report under ${config.rejectedPrefix}`);
    const source = sourceOf(key, config.sources);
    if (source === undefined) return skip('not under any source prefix');
    const notAnExport = notAnExportByName(key);
    if (notAnExport !== undefined) return skip(`${notAnExport}, not an export`);

    const started = performance.now();
    const first = await deps.objects.open(ref);
    if (first.status === 'gone') {
      logger.warn('object deleted before it could be ingested', { bucket: ref.bucket, key });
      return { status: 'gone', key };
    }
    if (
      ref.versionId === undefined &&
      ref.eTag !== undefined &&
      first.eTag !== undefined &&
      first.eTag !== ref.eTag
    ) {
      // Unversioned bucket, object replaced since this notification: its current bytes are ingested
      // (idempotent), and the replacement's own notification ingests them again.
      logger.warn('object changed since the notification; ingesting its current content', { key });
    }
    let firstUse = true;
    const open = async () => {
      if (firstUse) {
        firstUse = false;
        return first.bytes;
      }
      const again = await deps.objects.open(ref);
      if (again.status === 'gone') throw new Error(`${key} was deleted while being ingested`);
      return again.bytes;
    };
    const report = deps.openReport(rejectionReportKey(key, config.rejectedPrefix));
    const stats = await ingestObject({
      file: key,
      format: source.format,
      open,
      writer: deps.writer,
      identity: deps.identity,
      rules: config.rules,
      report,
      browserOf: deps.browserOf,
      maxMemberBytes: config.maxMemberBytes,
      ...(deps.chunkEvents !== undefined && { chunkEvents: deps.chunkEvents }),
      ...(deps.mergeConcurrency !== undefined && { concurrency: deps.mergeConcurrency }),
    });
    const durationMs = Math.round(performance.now() - started);
    const reportKey = report.lines > 0 ? report.key : undefined;
    const { files, ...counts } = stats;
    const failedFiles = files.filter((file) => file.error !== undefined);
    const fileLog = files.map((file) => ({
      file: file.file,
      format: file.format,
      error: file.error,
      skipped: file.skipped,
    }));
    if (failedFiles.length > 0) {
      logger.error('export could not be read entirely; reported, not retried', {
        key,
        ...counts,
        files: fileLog,
        report: report.key,
        durationMs,
      });
      return { status: 'file-failed', key, stats, report: report.key };
    }
    logger.info('ingested', {
      key,
      source: source.name,
      ...counts,
      files: fileLog,
      report: reportKey,
      durationMs,
    });
    return { status: 'ingested', key, stats, ...(reportKey !== undefined && { report: reportKey }) };
  };

  return async (event, context) => {
    const started = performance.now();
    if (context !== undefined) logger.addContext(context);
    const outcomes: ObjectOutcome[] = [];
    const batchItemFailures: { itemIdentifier: string }[] = [];
    try {
      await deps.checkRules?.();
      for (const record of event.Records ?? []) {
        try {
          const content = readMessage(record);
          for (const reason of content.skipped) {
            logger.warn(`skipping part of message ${record.messageId}: ${reason}`, {
              messageId: record.messageId,
            });
            outcomes.push({ status: 'skipped', reason });
          }
          for (const ref of content.objects) outcomes.push(await ingestRef(ref));
        } catch (error) {
          logger.error('ingest failed; the message returns to the queue and is retried', {
            messageId: record.messageId,
            receiveCount: record.attributes?.ApproximateReceiveCount,
            error,
          });
          batchItemFailures.push({ itemIdentifier: record.messageId });
        }
      }
    } catch (error) {
      // The table refuses this function's rules: every message waits (and, past its receives, goes to the DLQ).
      logger.error('ingest refused; every message of this batch is retried', { error });
      for (const record of event.Records ?? []) batchItemFailures.push({ itemIdentifier: record.messageId });
    } finally {
      publishMetrics(
        deps.metrics,
        outcomes,
        batchItemFailures.length,
        Math.round(performance.now() - started),
      );
    }
    return { batchItemFailures, outcomes };
  };
}
