import type { SourceDefinition } from '../../contract/index.js';
import { warnOfDeniedCopies } from '../adapters/s3/copy-access.js';
import { contentVersion, copyTextReader } from '../adapters/s3/copy-texts.js';
import { type ObjectRef, type ObjectSource, releaseBytes } from '../adapters/s3/object-source.js';
import type { BrowserOf } from '../domain/events/normalize.js';
import { memberLimit } from '../domain/reading/member-limit.js';
import type { IdentityWriter, SessionWriter } from '../domain/store/ports.js';
import type { IngestConfig } from './config.js';
import { filesLog } from './file-log.js';
import { type IngestCheckpoint, type IngestStats, ingestObject } from './ingest-object.js';
import { objectProgress } from './object-progress.js';
import { openObjectReport } from './object-report.js';
import { type IngestProgressStore, IngestStopped } from './progress.js';
import type { RejectionReport } from './rejection-report.js';
import { sourceOf, whyNotIngested } from './sources.js';

/** What ingesting one object logs through; Powertools' Logger fits it. */
export interface ObjectLogger {
  info(message: string, attributes: Record<string, unknown>): void;
  warn(message: string, attributes: Record<string, unknown>): void;
  error(message: string, attributes: Record<string, unknown>): void;
}

export interface ObjectIngestDeps {
  readonly objects: ObjectSource;
  readonly openReport: (key: string) => RejectionReport;
  readonly writer: SessionWriter;
  /** Identity stitching's writer; needed when the rules stitch identities. */
  readonly identity?: IdentityWriter;
  readonly config: Pick<
    IngestConfig,
    'bucketName' | 'sources' | 'rejectedPrefix' | 'rules' | 'maxMemberBytes'
  > &
    Partial<Pick<IngestConfig, 'chunkBytes' | 'copiesPerRead'>>;
  readonly logger: ObjectLogger;
  readonly browserOf: BrowserOf;
  readonly mergeConcurrency?: number;
  readonly chunkEvents?: number;
  /** Where an object cut short keeps its progress; without it every object is ingested within one call. */
  readonly progress?: IngestProgressStore;
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
  /**
   * The call's time was up: `merged` accepted events are merged, the rest is left to a later call, which
   * `continueFrom` asks to read the content this one read (its version, its ETag).
   */
  | {
      readonly status: 'continued';
      readonly key: string;
      readonly merged: number;
      readonly continueFrom: ObjectRef;
    }
  | { readonly status: 'skipped'; readonly key?: string; readonly reason: string };

/**
 * Ingests one object a notification names, when it is an export under a source prefix: its rejections
 * reported, its events merged, resumed from the progress an earlier call saved and stopped when `timeUp`.
 */
export function createObjectIngest(
  deps: ObjectIngestDeps,
): (ref: ObjectRef, timeUp: () => boolean, movedForward?: boolean) => Promise<ObjectOutcome> {
  const { config, logger } = deps;

  const { progressOf, sayWhatIsLost } = objectProgress(deps.progress, config, logger.error.bind(logger));

  return async (ref, timeUp, movedForward = false) => {
    const { key } = ref;
    const skip = (reason: string): ObjectOutcome => {
      logger.warn(`skipping ${ref.bucket}/${key}: ${reason}`, { bucket: ref.bucket, key });
      return { status: 'skipped', key, reason };
    };
    if (ref.bucket !== config.bucketName) return skip(`not the configured bucket ${config.bucketName}`);
    const notIngested = whyNotIngested(key, config.sources, config.rejectedPrefix);
    if (notIngested !== undefined) return skip(notIngested);
    // Under a source: whyNotIngested checked.
    const source = sourceOf(key, config.sources) as SourceDefinition;

    const started = performance.now();
    const first = await deps.objects.open(ref);
    if (first.status === 'gone') {
      const why =
        ref.versionId === undefined ? 'the object was deleted' : 'the version was deleted or expired';
      if (!(await sayWhatIsLost(ref, source.format, why)))
        logger.warn('object deleted before it could be ingested', { bucket: ref.bucket, key });
      return { status: 'gone', key };
    }
    let firstUse = true;
    try {
      if (
        ref.versionId === undefined &&
        ref.eTag !== undefined &&
        first.eTag !== undefined &&
        first.eTag !== ref.eTag
      ) {
        // Object replaced since this notification: its current bytes are ingested (idempotent), and the
        // replacement's own notification ingests them again. A bucket that keeps no versions has lost the
        // bytes named; a versioned one keeps them, but a message naming no version cannot ask for them.
        const gone = first.versionId === undefined;
        if (!(gone && (await sayWhatIsLost(ref, source.format, 'the content was replaced'))))
          logger.warn('object changed since the notification; ingesting its current content', { key });
      }
      const open = async () => {
        if (firstUse) {
          firstUse = false;
          return first.bytes;
        }
        // The same bytes again (a tie between copies reads their records by position): the version read
        // first when the bucket keeps versions; otherwise the content must not have changed meanwhile.
        const again = await deps.objects.open({ ...ref, versionId: ref.versionId ?? first.versionId });
        if (again.status === 'gone') throw new Error(`${key} was deleted while being ingested`);
        if (again.eTag !== first.eTag) {
          await releaseBytes(again.bytes);
          throw new Error(
            `${key} was replaced while being ingested; its new content is ingested on the retry`,
          );
        }
        return again.bytes;
      };
      const report = await openObjectReport(
        { ...deps, rejectedPrefix: config.rejectedPrefix, warn: logger.warn.bind(logger) },
        ref,
        first.eTag,
      );
      const tracked = progressOf(ref, first.eTag, source.format);
      const resume = await tracked?.store.load(tracked.key);
      let saved = resume !== undefined;
      const checkpoint: IngestCheckpoint | undefined = tracked && {
        save: (progress) => {
          saved = true;
          return tracked.store.save(tracked.key, progress);
        },
        timeUp,
        movedForward,
      };
      if (resume !== undefined) logger.info('resuming', { key, merged: resume.merged });
      // The version read, also for a message naming none (a local replay, its continuations): events are then
      // stored as read where the notification's ingest stored them, and a copy met again needs no reading again.
      const version = contentVersion(ref.versionId ?? first.versionId, first.eTag);
      let stats: IngestStats;
      try {
        stats = await ingestObject({
          file: key,
          format: source.format,
          open,
          version,
          readCopies: copyTextReader(
            deps.objects,
            ref.bucket,
            warnOfDeniedCopies(logger, ref.bucket),
            memberLimit(config),
          ),
          writer: deps.writer,
          identity: deps.identity,
          rules: config.rules,
          report,
          browserOf: deps.browserOf,
          maxMemberBytes: config.maxMemberBytes,
          ...(config.chunkBytes !== undefined && { chunkBytes: config.chunkBytes }),
          ...(config.copiesPerRead !== undefined && { copiesPerRead: config.copiesPerRead }),
          resume,
          checkpoint,
          ...(deps.chunkEvents !== undefined && { chunkEvents: deps.chunkEvents }),
          ...(deps.mergeConcurrency !== undefined && { concurrency: deps.mergeConcurrency }),
        });
      } catch (error) {
        if (!(error instanceof IngestStopped)) throw error;
        const { merged, partial } = error.progress;
        logger.info('time is up: progress saved, the rest is left to a later invocation', {
          key,
          // Every accepted event before `merged`, and the first steps (links, then merges) of the chunk after it.
          merged,
          chunkStepsDone: partial?.owners ?? 0,
          durationMs: Math.round(performance.now() - started),
        });
        const readVersion = ref.versionId ?? first.versionId;
        const readETag = first.eTag ?? ref.eTag;
        const continueFrom: ObjectRef = {
          bucket: ref.bucket,
          key,
          ...(readVersion !== undefined && { versionId: readVersion }),
          ...(readETag !== undefined && { eTag: readETag }),
        };
        return { status: 'continued', key, merged, continueFrom };
      }
      if (saved) await tracked?.store.clear(tracked.key);
      const durationMs = Math.round(performance.now() - started);
      const reportKey = report.lines > 0 ? report.key : undefined;
      const { files, ...counts } = stats;
      const failedFiles = files.filter((file) => file.error !== undefined);
      const fileLog = filesLog(files);
      if (failedFiles.length > 0) {
        logger.error('export could not be read entirely; reported, not retried', {
          key,
          ...counts,
          ...fileLog,
          report: report.key,
          durationMs,
        });
        return { status: 'file-failed', key, stats, report: report.key };
      }
      logger.info('ingested', {
        key,
        source: source.name,
        ...counts,
        ...fileLog,
        report: reportKey,
        durationMs,
      });
      return { status: 'ingested', key, stats, ...(reportKey !== undefined && { report: reportKey }) };
    } finally {
      // A step before reading threw (a HEAD, a throttled progress read): a download never read holds its
      // socket until S3 gives up on it, and a warm function's later calls wait for sockets so held.
      if (firstUse) await releaseBytes(first.bytes);
    }
  };
}
