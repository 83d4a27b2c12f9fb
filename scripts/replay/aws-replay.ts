// The AWS half of `npm run replay -- --stage STAGE`: enqueues S3-notification-shaped messages for objects
// already in the stage's bucket, or moves the dead-letter queue back to the ingest queue.
import { ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import {
  GetQueueAttributesCommand,
  ListMessageMoveTasksCommand,
  SendMessageBatchCommand,
  type SendMessageBatchCommandOutput,
  type SendMessageBatchRequestEntry,
  type SQSClient,
  StartMessageMoveTaskCommand,
} from '@aws-sdk/client-sqs';
import { quoted } from '../../cli/terminal-text.js';
import type { SourceDefinition } from '../../contract/index.js';
import { type SkippedObject, whyNotIngested } from '../../functions/ingest/sources.js';
import { notificationBody, objectCreatedRecord, type SourceObject } from '../../local/source-objects.js';
import { LateUsageError } from '../command-status.js';
import { listObjectVersions } from './object-versions.js';

/** Where a stage's replay goes: its CloudFormation outputs and the sources its ingest reads. */
export interface ReplayTarget {
  readonly bucket: string;
  readonly ingestQueueUrl: string;
  readonly ingestQueueArn: string;
  readonly deadLetterQueueUrl: string;
  readonly sources: readonly SourceDefinition[];
  readonly region: string | undefined;
}

export interface ObjectReplayRequest {
  /** Default: every source prefix. */
  readonly prefix?: string | undefined;
  /** Versions written on or after this instant. */
  readonly since?: Date | undefined;
  readonly dryRun: boolean;
}

export interface ObjectReplayResult {
  /** Enqueued (or, on a dry run, to be): every version, each its own message naming it. */
  readonly objects: SourceObject[];
  /**
   * Listed but not for the ingest, once a key: outside the source prefixes, a report, not an export by name;
   * or a null version a later version hides, which no message can name.
   */
  readonly skipped: SkippedObject[];
  /** Versions written before `since`. */
  readonly older: number;
  /** A version listed had an id: the bucket keeps versions, and a key may be listed more than once. */
  readonly versioned?: boolean;
  /** When nothing at all was listed: what the bucket holds instead. */
  readonly bucketTop?: BucketTopLevel;
}

/** The top level of a bucket, from one listing page: the folders that hold objects. */
export interface BucketTopLevel {
  readonly folders: string[];
  /** The bucket holds no object at all. */
  readonly empty: boolean;
  /** The page was not the last: more folders may hold objects. */
  readonly more: boolean;
}

/**
 * One ListObjectsV2 with Delimiter '/': S3 names each top-level folder once, however many objects it holds,
 * so a page tells an empty bucket from one whose objects lie elsewhere. (s3rver leaves out folders whose
 * objects all lie in subfolders, which is why the local stack reads its whole listing instead.)
 */
export async function bucketTopLevel(s3: Pick<S3Client, 'send'>, bucket: string): Promise<BucketTopLevel> {
  const page = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Delimiter: '/' }));
  const folders = (page.CommonPrefixes ?? []).flatMap((folder) =>
    folder.Prefix === undefined ? [] : [folder.Prefix],
  );
  return {
    folders,
    empty: folders.length === 0 && (page.Contents ?? []).length === 0,
    more: page.IsTruncated === true,
  };
}

export const HIDDEN_NULL_VERSION =
  'its null version, from while versioning was suspended, is hidden by a later version: a message cannot name it';

/** SQS takes at most ten messages per SendMessageBatch. */
export const SEND_BATCH_SIZE = 10;
const MAX_SEND_ATTEMPTS = 5;

/** A prefix selects objects of some source when it lies inside one, or one lies inside it. */
function reachesASource(prefix: string, sources: readonly SourceDefinition[]): boolean {
  return sources.some((source) => prefix.startsWith(source.prefix) || source.prefix.startsWith(prefix));
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** What a replay cut short says: how far it got, and that running it again is safe. */
const AGAIN = 'run the replay again: the ingest is idempotent, so a version enqueued twice adds nothing';

/**
 * SendMessageBatch in tens; entries SQS failed on its side are sent again, a few times, with backoff. A
 * failure says how many were enqueued before it, and that the replay can be run again.
 */
export async function sendInBatches(
  sqs: Pick<SQSClient, 'send'>,
  queueUrl: string,
  bodies: readonly string[],
  baseDelayMs = 200,
): Promise<void> {
  for (let offset = 0; offset < bodies.length; offset += SEND_BATCH_SIZE) {
    let pending: SendMessageBatchRequestEntry[] = bodies
      .slice(offset, offset + SEND_BATCH_SIZE)
      .map((body, index) => ({ Id: String(offset + index), MessageBody: body }));
    const sofar = `${offset} were enqueued before this batch; ${AGAIN}`;
    for (let attempt = 1; pending.length > 0; attempt++) {
      let output: SendMessageBatchCommandOutput;
      try {
        output = await sqs.send(new SendMessageBatchCommand({ QueueUrl: queueUrl, Entries: pending }));
      } catch (error) {
        // Expired credentials or a network gone mid-replay: the SDK's own message says nothing of the rest.
        const why = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
        throw new Error(`sending to the ingest queue failed (${why}); ${sofar}`, { cause: error });
      }
      const failed = output.Failed ?? [];
      const refused = failed.find((entry) => entry.SenderFault === true);
      if (refused !== undefined) {
        throw new Error(
          `SQS refused message ${Number(refused.Id) + 1} of ${bodies.length} (${refused.Code}: ${refused.Message}); ${sofar}`,
        );
      }
      const retry = new Set(failed.map((entry) => entry.Id));
      pending = pending.filter((entry) => retry.has(entry.Id));
      if (pending.length === 0) break;
      if (attempt >= MAX_SEND_ATTEMPTS) {
        throw new Error(
          `SQS kept failing ${pending.length} messages after ${attempt} attempts (${failed[0]?.Code}: ${failed[0]?.Message}); ${sofar}`,
        );
      }
      await sleep(baseDelayMs * 2 ** attempt);
    }
  }
}

/**
 * Lists the versions under the prefix (every source prefix by default) in the stage's bucket, keeps those of
 * objects the ingest would read that were written since the day, and enqueues one notification per version,
 * naming it, as S3 sends on an upload: the ingest reads the version listed, whatever was uploaded since, and
 * stores its events as the upload's own notification would have. In a bucket that keeps no versions each
 * object is its null version, and its message names none, as S3's does. The ingest queue's consumer paces the
 * work: its event source mapping's concurrency.
 */
export async function replayObjects(
  clients: { readonly s3: S3Client; readonly sqs: Pick<SQSClient, 'send'> },
  target: ReplayTarget,
  request: ObjectReplayRequest,
  options: { readonly baseDelayMs?: number } = {},
): Promise<ObjectReplayResult> {
  if (request.prefix !== undefined && !reachesASource(request.prefix, target.sources)) {
    const prefixes = target.sources.map((source) => source.prefix).join(', ');
    throw new LateUsageError(
      `--prefix ${quoted(request.prefix)} selects no source of this stage; its sources are ${prefixes}`,
    );
  }
  const prefixes =
    request.prefix === undefined ? target.sources.map((source) => source.prefix) : [request.prefix];
  const objects: SourceObject[] = [];
  const skipped: SkippedObject[] = [];
  let older = 0;
  const skippedKeys = new Set<string>();
  const skip = (key: string, reason: string) => {
    if (skippedKeys.has(key)) return;
    skippedKeys.add(key);
    skipped.push({ key, reason });
  };
  let versioned = false;
  for (const prefix of prefixes) {
    for await (const { hiddenNullVersion, ...object } of listObjectVersions(
      clients.s3,
      target.bucket,
      prefix,
    )) {
      if (object.versionId !== undefined) versioned = true;
      const reason = whyNotIngested(object.key, target.sources);
      if (reason !== undefined) {
        skip(object.key, reason);
      } else if (request.since !== undefined && (object.lastModified ?? new Date(0)) < request.since) {
        older++;
      } else if (hiddenNullVersion) {
        // The ingest reads a message naming the null version as naming none: the key's current content.
        skip(object.key, HIDDEN_NULL_VERSION);
      } else {
        objects.push(object);
      }
    }
  }
  if (!request.dryRun) {
    const bodies = objects.map((object) =>
      notificationBody(objectCreatedRecord(target.bucket, object, 'sessionizer-replay', target.region)),
    );
    await sendInBatches(clients.sqs, target.ingestQueueUrl, bodies, options.baseDelayMs);
  }
  // A typo in --prefix, or exports uploaded elsewhere: what the bucket holds says which.
  if (objects.length + skipped.length + older === 0)
    return { objects, skipped, older, bucketTop: await bucketTopLevel(clients.s3, target.bucket) };
  return { objects, skipped, older, ...(versioned && { versioned }) };
}

export interface DeadLetterRedrive {
  /** ApproximateNumberOfMessages of the dead-letter queue when asked. */
  readonly deadLetters: number;
  /**
   * ApproximateNumberOfMessagesNotVisible, when some: dead letters received and not yet back (an operator
   * looking at them in the console, say), which no move task moves until their visibility timeout ends.
   */
  readonly inFlight?: number;
  readonly deadLetterQueueArn: string;
  /** The move task started; absent on a dry run or with nothing to move. */
  readonly taskHandle?: string;
  /** The latest move task of the dead-letter queue, as SQS reports it. */
  readonly lastTask?: { readonly status: string; readonly moved: number; readonly toMove?: number };
}

/**
 * Moves the dead-letter queue's messages back to the ingest queue with SQS's own redrive (one
 * StartMessageMoveTask, none while a move task runs); a dry run reports how many are waiting and the latest
 * move task.
 */
export async function redriveDeadLetters(
  sqs: Pick<SQSClient, 'send'>,
  target: Pick<ReplayTarget, 'deadLetterQueueUrl' | 'ingestQueueArn'>,
  dryRun: boolean,
): Promise<DeadLetterRedrive> {
  const attributes = await sqs.send(
    new GetQueueAttributesCommand({
      QueueUrl: target.deadLetterQueueUrl,
      AttributeNames: ['QueueArn', 'ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
    }),
  );
  const deadLetterQueueArn = attributes.Attributes?.QueueArn;
  if (deadLetterQueueArn === undefined) {
    throw new Error(`SQS did not report the ARN of the dead-letter queue ${target.deadLetterQueueUrl}`);
  }
  const deadLetters = Number(attributes.Attributes?.ApproximateNumberOfMessages ?? '0');
  const tasks = await sqs.send(
    new ListMessageMoveTasksCommand({ SourceArn: deadLetterQueueArn, MaxResults: 1 }),
  );
  const latest = tasks.Results?.[0];
  const lastTask =
    latest?.Status === undefined
      ? undefined
      : {
          status: latest.Status,
          moved: latest.ApproximateNumberOfMessagesMoved ?? 0,
          ...(latest.ApproximateNumberOfMessagesToMove !== undefined && {
            toMove: latest.ApproximateNumberOfMessagesToMove,
          }),
        };
  const inFlight = Number(attributes.Attributes?.ApproximateNumberOfMessagesNotVisible ?? '0');
  const report = {
    deadLetters,
    deadLetterQueueArn,
    ...(inFlight > 0 && { inFlight }),
    ...(lastTask !== undefined && { lastTask }),
  };
  // SQS runs one move task per queue at a time: the running one moves these too.
  if (dryRun || deadLetters === 0 || lastTask?.status === 'RUNNING') return report;
  const started = await sqs.send(
    new StartMessageMoveTaskCommand({ SourceArn: deadLetterQueueArn, DestinationArn: target.ingestQueueArn }),
  );
  return { ...report, ...(started.TaskHandle !== undefined && { taskHandle: started.TaskHandle }) };
}
