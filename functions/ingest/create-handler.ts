import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { MetricUnit as MetricUnitValue } from '@aws-lambda-powertools/metrics/types';
import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import type { ObjectRef } from '../adapters/s3/object-source.js';
import { deadlineOf } from '../shared/deadline.js';
import type { IngestStats } from './ingest-object.js';
import { readMessage } from './notifications.js';
import {
  createObjectIngest,
  type ObjectIngestDeps,
  type ObjectLogger,
  type ObjectOutcome,
} from './object-ingest.js';

/** What the handler logs through; Powertools' Logger fits it. */
export interface IngestLogger extends ObjectLogger {
  addContext(context: Context): void;
}

/** What the handler measures with; Powertools' Metrics fits it. */
export interface IngestMetrics {
  addMetric(name: string, unit: MetricUnitValue, value: number): unknown;
  publishStoredMetrics(): void;
}

export interface IngestHandlerDeps extends ObjectIngestDeps {
  /** Throws when the table's data were cut under other rules (checked once per invocation). */
  readonly checkRules?: () => Promise<void>;
  readonly logger: IngestLogger;
  readonly metrics: IngestMetrics;
  /**
   * Queues objects for a later call (the ingest queue on AWS). Without it, a call whose time is up fails
   * their message instead, and SQS delivers it again after its visibility timeout.
   */
  readonly continueLater?: (objects: readonly ObjectRef[]) => Promise<void>;
  /**
   * Called for a message once its objects are done (ingested, reported, skipped, gone or left to a later
   * call), with what became of each: it cannot fail any more. The local stack's stop keeps such messages of a
   * batch it cuts short, and its ledger of objects ingested leaves out those that were gone.
   */
  readonly onMessageDone?: (messageId: string, outcomes: readonly ObjectOutcome[]) => void;
}

export interface IngestResult extends SQSBatchResponse {
  readonly outcomes: readonly ObjectOutcome[];
  /**
   * Why each message of `batchItemFailures` failed (the local stack shows it; the Lambda entry returns only
   * `batchItemFailures`).
   */
  readonly failureReasons: Readonly<Record<string, string>>;
}

export type IngestHandler = (event: SQSEvent, context?: Context) => Promise<IngestResult>;

/** A call's time is up and there is no queue to continue on: the message is delivered again. */
class TimeUpError extends Error {
  constructor(messageId: string) {
    super(`no time left for message ${messageId}; it is delivered again after its visibility timeout`);
    this.name = 'TimeUpError';
  }
}

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
  metrics.addMetric('FilesContinued', MetricUnit.Count, count('continued'));
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
  const { logger } = deps;

  const ingestRef = createObjectIngest(deps);

  /** Leaves objects to a later call: queued again, or (no queue) their message fails and comes back. */
  const leave = async (messageId: string, objects: readonly ObjectRef[]) => {
    if (deps.continueLater === undefined) throw new TimeUpError(messageId);
    await deps.continueLater(objects);
    logger.info('objects queued for a later invocation', { messageId, keys: objects.map((ref) => ref.key) });
  };

  return async (event, context) => {
    const started = performance.now();
    if (context !== undefined) logger.addContext(context);
    const deadline = context === undefined || deps.progress === undefined ? undefined : deadlineOf(context);
    const timeUp = () => deadline !== undefined && Date.now() >= deadline;
    // The first object of a call is always started, so every call moves its work forward.
    let startedOne = false;
    const outcomes: ObjectOutcome[] = [];
    const batchItemFailures: { itemIdentifier: string }[] = [];
    const failureReasons: Record<string, string> = {};
    const fail = (messageId: string, error: unknown) => {
      batchItemFailures.push({ itemIdentifier: messageId });
      failureReasons[messageId] = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    };
    try {
      await deps.checkRules?.();
      for (const record of event.Records ?? []) {
        try {
          const content = readMessage(record);
          const ofMessage: ObjectOutcome[] = [];
          for (const reason of content.skipped) {
            logger.warn(`skipping part of message ${record.messageId}: ${reason}`, {
              messageId: record.messageId,
            });
            const skipped: ObjectOutcome = { status: 'skipped', reason };
            outcomes.push(skipped);
            ofMessage.push(skipped);
          }
          for (const [index, ref] of content.objects.entries()) {
            if (startedOne && timeUp()) {
              await leave(record.messageId, content.objects.slice(index));
              break;
            }
            // One started before it moved the call forward: this one may stop before merging any of it.
            const movedForward = startedOne;
            startedOne = true;
            const outcome = await ingestRef(ref, timeUp, movedForward);
            // Counted even when a later object fails the message: this one's events are stored.
            outcomes.push(outcome);
            ofMessage.push(outcome);
            if (outcome.status === 'continued') {
              // The version begun, though the object be replaced before the next call: its events count too.
              await leave(record.messageId, [outcome.continueFrom, ...content.objects.slice(index + 1)]);
              break;
            }
          }
          deps.onMessageDone?.(record.messageId, ofMessage);
        } catch (error) {
          if (error instanceof TimeUpError) {
            logger.warn(error.message, { messageId: record.messageId });
            fail(record.messageId, error);
            continue;
          }
          logger.error('ingest failed; the message returns to the queue and is retried', {
            messageId: record.messageId,
            receiveCount: record.attributes?.ApproximateReceiveCount,
            error,
          });
          fail(record.messageId, error);
        }
      }
    } catch (error) {
      // The table refuses this function's rules: every message waits (and, past its receives, goes to the DLQ).
      logger.error('ingest refused; every message of this batch is retried', { error });
      for (const record of event.Records ?? []) fail(record.messageId, error);
    } finally {
      publishMetrics(
        deps.metrics,
        outcomes,
        batchItemFailures.length,
        Math.round(performance.now() - started),
      );
    }
    return { batchItemFailures, outcomes, failureReasons };
  };
}
