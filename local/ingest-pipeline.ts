// From the bucket to the ingest function: S3's notifications for the source prefixes go to the ingest
// queue (reports under rejected/ never do), the ledger notes what was ingested for good, and on start
// every source object neither ingested nor waiting in the queue or the dead-letter queue is enqueued
// again, so a crash at any point converges on the next start. Replays and redrives enqueue on request.
import { join } from 'node:path';
import { HeadObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { S3Event, S3EventRecord } from 'aws-lambda';
import { decodeS3EventKey, type SourceDefinition } from '../contract/index.js';
import { type SkippedObject, whyNotIngested } from '../functions/ingest/sources.js';
import { IngestLedger } from './ingest-ledger.js';
import { IngestQueue, type QueueActivity, type SqsBatchHandler } from './ingest-queue.js';
import {
  bucketOutline,
  listObjects,
  notificationBody,
  objectCreatedRecord,
  objectsInBody,
  type ReplaySender,
  type SourceObject,
  sourceOf,
} from './source-objects.js';
import { LocalSqsQueue, type StoredMessage } from './sqs-queue.js';
import type { IngestQueueSettings } from './stack-config.js';

export interface IngestPipelineOptions {
  dataDir: string;
  bucket: string;
  sources: readonly SourceDefinition[];
  settings: IngestQueueSettings;
  /** `keys` are the objects the message names. */
  onActivity?: (activity: QueueActivity, keys: string[]) => void;
  warn?: (message: string, error?: unknown) => void;
}

export interface ReplayRequest {
  /** Default: every source prefix. Only objects under a source prefix, and exports by name, are enqueued. */
  prefix?: string;
  /** Objects modified on or after this instant; not for the dead-letter queue. */
  since?: Date;
  dryRun: boolean;
  fromDeadLetterQueue: boolean;
}

/** A message as `npm run replay` and the DLQ listing show it. */
export interface MessageView {
  messageId: string;
  keys: string[];
  receiveCount: number;
  sentAt: string;
  deadLetteredAt?: string;
  lastError?: string;
}

export interface ReplayResult {
  /** Objects enqueued (or, on a dry run, that would be). */
  objects?: SourceObject[];
  /** Objects listed that the ingest does not read, with why. */
  skipped?: SkippedObject[];
  /** Objects modified before `since`. */
  older?: number;
  /**
   * When the replay's prefix (or, without one, every source prefix) holds no object at all: the bucket's
   * top-level folders that do, to spot a typo.
   */
  bucketPrefixes?: string[];
  /** With bucketPrefixes: how many objects the bucket holds in all (0: it is empty). */
  bucketObjects?: number;
  /** With bucketPrefixes: the source prefixes, where an upload goes to be ingested. */
  sourcePrefixes?: string[];
  /** Dead letters redriven (or, on a dry run, that would be). */
  messages?: MessageView[];
}

const objectId = (key: string, eTag: string) => `${key}\u0000${eTag.replace(/"/g, '')}`;

function messageView(message: StoredMessage): MessageView {
  return {
    messageId: message.messageId,
    keys: objectsInBody(message.body).map((object) => object.key),
    receiveCount: message.receiveCount,
    sentAt: new Date(message.sentAt).toISOString(),
    ...(message.deadLetteredAt !== undefined && {
      deadLetteredAt: new Date(message.deadLetteredAt).toISOString(),
    }),
    ...(message.lastError !== undefined && { lastError: message.lastError }),
  };
}

export class IngestPipeline {
  readonly ingestQueue: IngestQueue;
  private readonly ledger: IngestLedger;
  private s3: S3Client | undefined;
  /** Notifications waiting for their ETag (see onObjectCreated). */
  private readonly pendingSends = new Set<Promise<void>>();
  /**
   * Keys of a done message whose object was deleted before the ingest read it, by message id: read nothing,
   * so not in the ledger, where they would keep the same bytes uploaded again out of a start's recovery.
   */
  private readonly goneKeys = new Map<string, Set<string>>();

  /** Opens the queue left in the data dir; nothing is delivered before start(). */
  constructor(private readonly options: IngestPipelineOptions) {
    this.ledger = new IngestLedger(join(options.dataDir, 'ingest-ledger.ndjson'));
    this.ingestQueue = new IngestQueue({
      queue: new LocalSqsQueue({
        dir: join(options.dataDir, 'ingest-queue'),
        visibilityTimeoutMs: options.settings.visibilityTimeoutMs,
        maxReceiveCount: options.settings.maxReceiveCount,
        onUnreadable: (path, problem) =>
          options.warn?.(`ingest queue: ignoring ${path}, not a message (${problem})`),
      }),
      batchSize: options.settings.batchSize,
      maxConcurrency: options.settings.maxConcurrency,
      onActivity: (activity) => this.onActivity(activity),
    });
  }

  /** What S3 notifies: one message per record under a source prefix. */
  readonly onObjectCreated = (event: S3Event): void => {
    for (const record of event.Records) {
      let key: string;
      try {
        key = decodeS3EventKey(record.s3.object.key);
      } catch {
        continue;
      }
      if (sourceOf(key, this.options.sources) === undefined) continue;
      if (record.s3.object.eTag) {
        this.ingestQueue.send(notificationBody(record));
        continue;
      }
      // s3rver leaves the ETag out of copy events (S3 includes it); without it the ledger cannot tell
      // that the object was ingested and it would be enqueued again on every start.
      const pending = this.withETag(record, key).then((filled) => {
        this.ingestQueue.send(notificationBody(filled));
      });
      this.pendingSends.add(pending);
      void pending.finally(() => this.pendingSends.delete(pending));
    }
  };

  /** Starts delivering to `handler`; `s3` lists objects for recovery and replays. */
  start(handler: SqsBatchHandler, s3: S3Client): void {
    this.s3 = s3;
    this.ingestQueue.start((event, onMessageDone) =>
      handler(event, (messageId, outcomes) => {
        const gone = outcomes.flatMap((outcome) =>
          outcome.status === 'gone' && outcome.key !== undefined ? [outcome.key] : [],
        );
        if (gone.length > 0) this.goneKeys.set(messageId, new Set(gone));
        onMessageDone?.(messageId, outcomes);
      }),
    );
  }

  /** Resolves once every notification so far was enqueued and the queue is empty. */
  async idle(): Promise<void> {
    while (this.pendingSends.size > 0) await Promise.allSettled([...this.pendingSends]);
    await this.ingestQueue.idle();
  }

  /** Enqueues every source object neither ingested nor waiting; returns their keys. */
  async enqueueUnfinished(): Promise<string[]> {
    const waiting = new Set<string>();
    for (const message of [...this.ingestQueue.sqs.list(), ...this.ingestQueue.sqs.listDeadLetters()]) {
      for (const { key, eTag } of objectsInBody(message.body)) waiting.add(objectId(key, eTag));
    }
    const enqueued: string[] = [];
    for (const source of this.options.sources) {
      for await (const object of listObjects(this.requireS3(), this.options.bucket, source.prefix)) {
        if (this.ledger.isDone(object.key, object.eTag) || waiting.has(objectId(object.key, object.eTag)))
          continue;
        this.send(object, 'sessionizer-local-recovery');
        enqueued.push(object.key);
      }
    }
    return enqueued;
  }

  async replay(request: ReplayRequest): Promise<ReplayResult> {
    const { prefix } = request;
    if (request.fromDeadLetterQueue) {
      const picked = (message: StoredMessage) =>
        prefix === undefined || objectsInBody(message.body).some(({ key }) => key.startsWith(prefix));
      const deadLetters = this.ingestQueue.sqs.listDeadLetters().filter(picked);
      if (!request.dryRun) this.ingestQueue.redrive(picked);
      return { messages: deadLetters.map(messageView) };
    }
    const sourcePrefixes = this.options.sources.map((source) => source.prefix);
    const prefixes = prefix === undefined ? sourcePrefixes : [prefix];
    const objects: SourceObject[] = [];
    const skipped: SkippedObject[] = [];
    let older = 0;
    for (const listed of prefixes) {
      for await (const object of listObjects(this.requireS3(), this.options.bucket, listed)) {
        const reason = whyNotIngested(object.key, this.options.sources);
        if (reason !== undefined) skipped.push({ key: object.key, reason });
        else if (request.since !== undefined && (object.lastModified ?? new Date(0)) < request.since) older++;
        else objects.push(object);
      }
    }
    if (!request.dryRun) for (const object of objects) this.send(object, 'sessionizer-local-replay');
    if (objects.length + skipped.length + older === 0) {
      const outline = await bucketOutline(this.requireS3(), this.options.bucket);
      return {
        objects,
        skipped,
        older,
        bucketPrefixes: outline.folders,
        bucketObjects: outline.objects,
        sourcePrefixes,
      };
    }
    return { objects, skipped, older };
  }

  private send(object: SourceObject, sender: ReplaySender): void {
    this.ingestQueue.send(notificationBody(objectCreatedRecord(this.options.bucket, object, sender)));
  }

  private onActivity(activity: QueueActivity): void {
    const objects = objectsInBody(activity.message.body);
    const gone = this.goneKeys.get(activity.message.messageId);
    this.goneKeys.delete(activity.message.messageId);
    if (activity.type === 'succeeded') {
      for (const { key, eTag } of objects)
        if (eTag !== '' && gone?.has(key) !== true) this.ledger.record(key, eTag);
    }
    this.options.onActivity?.(
      activity,
      objects.map(({ key }) => key),
    );
  }

  private async withETag(record: S3EventRecord, key: string): Promise<S3EventRecord> {
    if (this.s3 === undefined) return record;
    try {
      const head = await this.s3.send(new HeadObjectCommand({ Bucket: record.s3.bucket.name, Key: key }));
      const eTag = head.ETag?.replace(/"/g, '') ?? '';
      return { ...record, s3: { ...record.s3, object: { ...record.s3.object, eTag } } };
    } catch {
      return record; // Gone already: the handler reports that.
    }
  }

  private requireS3(): S3Client {
    if (this.s3 === undefined) throw new Error('the ingest pipeline lists objects only once started');
    return this.s3;
  }
}
