// The whole pipeline on one machine: DynamoDB Local and a local S3 (s3rver) persisted under the data
// dir, S3 notifications for every source prefix going through a local SQS queue to the real ingest
// handler, the real lookup and admin (erasure) handlers behind a local stand-in for API Gateway, and a
// drop folder.
import { join } from 'node:path';
import { DEFAULT_SOURCES, type SourceDefinition } from '../contract/index.js';
import { DynamoDbEraser } from '../functions/adapters/dynamodb/eraser.js';
import { readTableRules } from '../functions/adapters/dynamodb/rules-record.js';
import { DynamoDbSessionReader } from '../functions/adapters/dynamodb/session-reader.js';
import { Transport } from '../functions/adapters/dynamodb/transport.js';
import { compileRules } from '../functions/domain/rules/session-rules.js';
import { acquireDataDirLock } from './data-dir-lock.js';
import type { DropFolder } from './drop-folder.js';
import { type DropFolderLog, lockDropFolder, startDropFolder } from './drop-uploads.js';
import { type DynamoDbFaults, injectDynamoDbFaults, type ThrottleForm } from './dynamodb-faults.js';
import { DEFAULT_SESSION_RULES, type SessionRules } from './ingest-env.js';
import { createLocalIngestHandler, type HandlerLogSink } from './ingest-handler.js';
import { IngestPipeline } from './ingest-pipeline.js';
import type { QueueActivity } from './ingest-queue.js';
import { assertJavaAvailable } from './java-runtime.js';
import { startRules } from './rules-mismatch.js';
import { createLocalDynamoDbClient, createLocalS3Client, LOCAL_BUCKET, LOCAL_TABLE } from './s3-client.js';
import { assertPortsFree, type StackPorts, startCommand, startGiven, startServers } from './servers.js';
import { createSessionTable } from './session-table.js';
import { type LocalApiLog, type LocalApiOptions, loadOrCreateSigningKey, startApi } from './stack-api.js';
import { DEFAULT_QUEUE_SETTINGS, type IngestQueueSettings } from './stack-config.js';

export { PortInUseError, PortsInUseError } from './servers.js';

export interface LocalStackOptions extends LocalApiOptions {
  s3Port: number;
  dynamoDbPort: number;
  dataDir: string;
  /** Default DEFAULT_SOURCES. */
  sources?: readonly SourceDefinition[];
  sessionRules?: SessionRules;
  queue?: Partial<IngestQueueSettings>;
  /** Default `${dataDir}/drop`; false disables the drop folder. */
  dropDir?: string | false;
  /** Default: generated once and kept in `${dataDir}/cursor-signing-key`. */
  cursorSigningKey?: string;
  /** Faults injected into the stack's DynamoDB calls (SESSIONIZER_LOCAL_FAULTS); none by default. */
  faults?: DynamoDbFaults;
  log?: LocalStackLog;
}

/** Where the stack reports what happens; main.ts prints it. */
export interface LocalStackLog extends DropFolderLog, LocalApiLog {
  /** The ingest handler's structured log. */
  handler?: HandlerLogSink;
  /** Deliveries: `keys` are the objects the message names. */
  queue?(activity: QueueActivity, keys: string[]): void;
  /** Objects enqueued at start because no earlier run finished them. */
  recovered?(keys: string[]): void;
  /** A DynamoDB call failed on purpose (`faults`). */
  throttled?(operation: string, form: ThrottleForm): void;
}

export interface LocalStack {
  apiUrl: string;
  s3Endpoint: string;
  dynamoDbEndpoint: string;
  bucket: string;
  tableName: string;
  dataDir: string;
  sources: readonly SourceDefinition[];
  /** The rules its ingest cuts sessions under. */
  sessionRules: SessionRules;
  /** Whether the data dir held the table of an earlier run (its sessions are served as they were). */
  keptData: boolean;
  /** Undefined when disabled. */
  dropDir: string | undefined;
  /** Uploads into the drop folder go under this prefix (the first source's). */
  dropPrefix: string;
  /** Resolves when the ingest queue is empty: everything delivered so far was ingested or dead-lettered. */
  ingestIdle(): Promise<void>;
  /** Resolves, saying which and how, if DynamoDB Local or s3rver exits other than by stop(). */
  serverExited: Promise<string>;
  /** The `npm start` that starts this stack again: its data dir, ports and rules, as a message tells it. */
  startCommand: string;
  stop(): Promise<void>;
}

/** Stop steps, run last-registered first: inputs stop before what they feed, the lock goes last. */
class Teardown {
  private readonly steps: [string, () => Promise<void> | void][] = [];
  private running: Promise<void> | undefined;

  constructor(private readonly log: LocalStackLog) {}

  add(what: string, step: () => Promise<void> | void): void {
    this.steps.push([what, step]);
  }

  run(): Promise<void> {
    this.running ??= (async () => {
      for (const [what, step] of this.steps.reverse()) {
        try {
          await step();
        } catch (error) {
          this.log.warn?.(`${what} did not stop cleanly`, error);
        }
      }
    })();
    return this.running;
  }
}

/**
 * Starts everything and resolves once the API is listening and uploads under the source prefixes reach
 * the ingest (messages left by an earlier run are delivered, and objects it never finished enqueued).
 * On failure whatever was started is stopped again. stop() stops the drop folder, the API, the ingest
 * queue (letting running invocations finish for a few seconds), s3rver and DynamoDB Local, waits for the
 * child processes and releases the data dir.
 */
export async function startLocalStack(options: LocalStackOptions): Promise<LocalStack> {
  const log = options.log ?? {};
  const { dataDir } = options;
  const sources = options.sources ?? DEFAULT_SOURCES;
  const sessionRules = options.sessionRules ?? DEFAULT_SESSION_RULES;
  const compiledRules = compileRules(sessionRules);
  // Before the data dir is made or locked: a start refused for want of Java leaves it as it was (or absent),
  // not holding a signing key and an empty queue folder.
  assertJavaAvailable();
  const lock = acquireDataDirLock(dataDir);
  const teardown = new Teardown(log);
  teardown.add('data dir lock', () => lock.release());
  try {
    if (
      options.dropDir !== undefined &&
      options.dropDir !== false &&
      options.dropDir !== join(dataDir, 'drop')
    ) {
      const dropLock = lockDropFolder(options.dropDir);
      teardown.add('drop folder lock', () => dropLock.release());
    }
    const askedPorts: StackPorts = {
      apiPort: options.port,
      s3Port: options.s3Port,
      dynamoDbPort: options.dynamoDbPort,
    };
    const given = startGiven(askedPorts, dataDir, compiledRules);
    // Before anything is written to the data dir: a start refused for its ports leaves it as it was.
    await assertPortsFree(askedPorts, given);
    const cursorSigningKey = options.cursorSigningKey ?? loadOrCreateSigningKey(dataDir);
    /** Set once the stack is ready: a failed ingest may be one refused by rules a rebuild begun since set. */
    let ingestFailed: (() => void) | undefined;
    // Opened before S3 starts, so no notification finds it missing; it delivers once start() is called.
    const pipeline = new IngestPipeline({
      dataDir,
      bucket: LOCAL_BUCKET,
      sources,
      settings: { ...DEFAULT_QUEUE_SETTINGS, ...options.queue },
      onActivity: (activity, keys) => {
        log.queue?.(activity, keys);
        if (activity.type === 'failed') ingestFailed?.();
      },
      ...(log.warn !== undefined && { warn: log.warn }),
    });

    const servers = await startServers({
      ...askedPorts,
      dataDir,
      given,
      bucket: LOCAL_BUCKET,
      onObjectCreated: pipeline.onObjectCreated,
    });
    teardown.add('DynamoDB Local', servers.dynamoDb.stop);
    teardown.add('local S3', servers.s3.stop);
    const dynamo = createLocalDynamoDbClient(servers.dynamoDb.endpoint);
    if (options.faults !== undefined) {
      injectDynamoDbFaults(dynamo, options.faults, {
        ...(log.throttled !== undefined && { onThrottle: log.throttled }),
      });
    }
    const s3 = createLocalS3Client(servers.s3.endpoint);
    teardown.add('SDK clients', () => {
      dynamo.destroy();
      s3.destroy();
    });
    const keptData = !(await createSessionTable(dynamo, LOCAL_TABLE));

    pipeline.start(
      createLocalIngestHandler({
        s3,
        dynamo,
        tableName: LOCAL_TABLE,
        bucket: LOCAL_BUCKET,
        sources,
        sessionRules,
        log: log.handler ?? (() => undefined),
      }),
      s3,
    );
    teardown.add('ingest queue', () => pipeline.ingestQueue.close());

    const transport = new Transport({ client: dynamo, tableName: LOCAL_TABLE });
    const rules = startRules(await readTableRules(transport), compiledRules, dataDir, options);
    if (rules.warning !== undefined) log.warn?.(rules.warning);
    const api = await startApi(options, log, {
      reader: new DynamoDbSessionReader(transport),
      eraser: new DynamoDbEraser({ transport }),
      cursorSigningKey,
      pipeline,
      given,
    });
    teardown.add('HTTP API', api.close);

    log.recovered?.(await pipeline.enqueueUnfinished());

    const dropPrefix = (sources[0] as SourceDefinition).prefix;
    let drop: DropFolder | undefined;
    if (options.dropDir !== false) {
      drop = startDropFolder(options.dropDir ?? join(dataDir, 'drop'), s3, sources, log);
      teardown.add('drop folder', drop.stop);
    }

    lock.update({
      apiUrl: api.url,
      s3Endpoint: servers.s3.endpoint,
      dynamoDbEndpoint: servers.dynamoDb.endpoint,
      sources: [...sources],
      rulesFingerprint: compiledRules.fingerprint,
      // Said again by `npm run upload`, which reads it from the lock.
      ...(rules.uploadsRefused !== undefined && { rulesRefusal: rules.uploadsRefused }),
    });
    // A refusal that arises later (a rebuild to other rules begun beside the running stack) is recorded too,
    // read again from the table once an ingest fails; the lock's fields merge, so one recorded stays.
    let recorded = rules.uploadsRefused;
    ingestFailed = () => {
      void readTableRules(transport)
        .then((table) => {
          const now = startRules(table, compiledRules, dataDir, options).uploadsRefused;
          if (now === undefined || now === recorded) return;
          recorded = now;
          lock.update({ rulesRefusal: now });
        })
        // The table unreadable (the stack stopping): the failure itself is logged already.
        .catch(() => undefined);
    };
    return {
      apiUrl: api.url,
      s3Endpoint: servers.s3.endpoint,
      dynamoDbEndpoint: servers.dynamoDb.endpoint,
      bucket: LOCAL_BUCKET,
      tableName: LOCAL_TABLE,
      dataDir,
      keptData,
      sources,
      sessionRules,
      dropDir: drop?.dir,
      dropPrefix,
      ingestIdle: () => pipeline.idle(),
      serverExited: Promise.race([
        servers.dynamoDb.unexpectedExit.then((how) => `DynamoDB Local exited unexpectedly (${how})`),
        servers.s3.unexpectedExit.then((how) => `the local S3 (s3rver) exited unexpectedly (${how})`),
      ]),
      startCommand: startCommand(given),
      stop: () => teardown.run(),
    };
  } catch (error) {
    await teardown.run();
    throw error;
  }
}
