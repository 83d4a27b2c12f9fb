// The whole pipeline on one machine: DynamoDB Local and a local S3 (s3rver) persisted under the data
// dir, the real ingest handler triggered by every object created under `incoming/`, the real lookup
// handler behind a local stand-in for API Gateway, and a drop folder.
import { randomBytes } from 'node:crypto';
import { createReadStream, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { HeadObjectCommand, ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import type { S3Event, S3EventRecord } from 'aws-lambda';
import { createSessionTable, DynamoDbSessionStore } from '../functions/adapters/dynamodb-session-store.js';
import { createApiHandler } from '../functions/api/app.js';
import { minutesToMs } from '../functions/domain/sessionize.js';
import {
  createIngestHandler,
  type IngestLogger,
  type IngestMetrics,
} from '../functions/ingest/create-ingest-handler.js';
import { decodeS3EventKey } from '../functions/shared/s3-event-key.js';
import { type DropFolder, watchDropFolder } from './drop-folder.js';
import { type DynamoDbLocal, startDynamoDbLocal } from './dynamodb-local.js';
import { type HttpApi, startHttpApi } from './http-api.js';
import { IngestLedger, type IngestOutcome, IngestQueue } from './ingest-queue.js';
import { createLocalDynamoDbClient, createLocalS3Client } from './s3-client.js';
import { toRealS3Event } from './s3-event.js';
import { type S3Local, startS3Local } from './s3-local.js';
import type { LocalStackEnvVar } from './stack-config.js';

export const LOCAL_BUCKET = 'sessionizer-local';
export const LOCAL_TABLE = 'sessionizer-sessions';
export const INCOMING_PREFIX = 'incoming/';
export const REJECTED_PREFIX = 'rejected/';

export interface LocalStackOptions {
  /** HTTP API port; 0 picks a free one. */
  port: number;
  s3Port: number;
  dynamoDbPort: number;
  gapMinutes: number;
  dataDir: string;
  /** Default `${dataDir}/drop`; false disables the drop folder. */
  dropDir?: string | false;
  /** Default: generated once and kept in `${dataDir}/cursor-signing-key`. */
  cursorSigningKey?: string;
  corsAllowedOrigins?: string[];
  log?: LocalStackLog;
  /** Lambda retries a failed asynchronous invocation after about a minute; tests want less. */
  retryDelayMs?: (retry: number) => number;
}

/** Where the stack reports what happens; main.ts prints it. */
export interface LocalStackLog {
  ingest?(outcome: IngestOutcome): void;
  ingestRetry?(key: string, attempt: number, error: unknown, delayMs: number): void;
  dropped?(name: string, key: string, movedTo: string): void;
  warn?(message: string, error?: unknown): void;
}

export interface LocalStack {
  apiUrl: string;
  s3Endpoint: string;
  dynamoDbEndpoint: string;
  bucket: string;
  tableName: string;
  dataDir: string;
  /** Undefined when disabled. */
  dropDir: string | undefined;
  /** Resolves when every object-created event delivered so far has been ingested (or given up on). */
  ingestIdle(): Promise<void>;
  stop(): Promise<void>;
}

/** A port the stack cannot bind; names the variable to change. */
export class PortInUseError extends Error {
  constructor(
    readonly envVar: LocalStackEnvVar,
    readonly port: number,
    what: string,
  ) {
    super(
      `port ${port} (${what}) is already in use; stop whatever holds it (another \`npm start\`?) ` +
        `or choose another port, e.g. ${envVar}=${port + 1} npm start`,
    );
    this.name = 'PortInUseError';
  }
}

function isAddressInUse(error: unknown): boolean {
  return (
    (error as NodeJS.ErrnoException | undefined)?.code === 'EADDRINUSE' ||
    (error instanceof Error && /Address already in use|BindException/i.test(error.message))
  );
}

/** Fails fast, before a JVM is started, when a fixed port is taken. */
async function assertPortFree(port: number, host: string, envVar: LocalStackEnvVar, what: string) {
  if (port === 0) return;
  await new Promise<void>((resolve, reject) => {
    const server = createServer();
    server.once('error', (error) =>
      reject(isAddressInUse(error) ? new PortInUseError(envVar, port, what) : error),
    );
    server.listen({ port, host, exclusive: true }, () => server.close(() => resolve()));
  });
}

function loadOrCreateSigningKey(dataDir: string): string {
  const path = join(dataDir, 'cursor-signing-key');
  if (existsSync(path)) {
    const key = readFileSync(path, 'utf8').trim();
    if (key.length >= 32) return key;
  }
  const key = randomBytes(32).toString('base64url');
  writeFileSync(path, `${key}\n`, { mode: 0o600 });
  return key;
}

const noMetrics: IngestMetrics = {
  addMetric: () => undefined,
  publishStoredMetrics: () => undefined,
};

function describeError(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return String(error);
}

/**
 * The handler's own log lines, minus those the stack's one-line outcome per object already says: `info`,
 * and errors about one object (those carry its `key`: the file was no export, or the invocation threw and
 * is retried).
 */
function ingestLogger(log: LocalStackLog): IngestLogger {
  const line = (level: string, message: string, attributes: Record<string, unknown>) => {
    const key = typeof attributes.key === 'string' ? ` ${attributes.key}` : '';
    const error = attributes.error === undefined ? '' : ` (${describeError(attributes.error)})`;
    log.warn?.(`ingest ${level}:${key} ${message}${error}`);
  };
  return {
    addContext: () => undefined,
    info: () => undefined,
    warn: (message, attributes) => line('warning', message, attributes),
    error: (message, attributes) => {
      if (attributes.key === undefined) line('error', message, attributes);
    },
  };
}

/** Objects under `incoming/` not in the ledger: uploaded while the stack was down or stopped mid-ingest. */
async function findUningested(s3: S3Client, ledger: IngestLedger): Promise<S3Event[]> {
  const events: S3Event[] = [];
  let token: string | undefined;
  do {
    const page = await s3.send(
      new ListObjectsV2Command({ Bucket: LOCAL_BUCKET, Prefix: INCOMING_PREFIX, ContinuationToken: token }),
    );
    for (const object of page.Contents ?? []) {
      if (object.Key === undefined || object.ETag === undefined || ledger.isDone(object.Key, object.ETag))
        continue;
      events.push(
        toRealS3Event({
          Records: [
            {
              eventName: 'ObjectCreated:Put',
              s3: {
                bucket: { name: LOCAL_BUCKET },
                object: { key: object.Key, size: object.Size ?? 0, eTag: object.ETag.replace(/"/g, '') },
              },
            },
          ],
        }),
      );
    }
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token !== undefined);
  return events;
}

/**
 * Starts everything and resolves once the API is listening and uploads under `incoming/` trigger the
 * ingest (objects left un-ingested by an earlier run are queued first). On failure whatever was started
 * is stopped again. stop() stops the drop folder, the API, the ingest queue (letting a running
 * invocation finish for a few seconds), s3rver and DynamoDB Local, and waits for the child processes.
 */
export async function startLocalStack(options: LocalStackOptions): Promise<LocalStack> {
  const log = options.log ?? {};
  const dataDir = options.dataDir;
  mkdirSync(dataDir, { recursive: true });
  const cursorSigningKey = options.cursorSigningKey ?? loadOrCreateSigningKey(dataDir);

  await assertPortFree(options.port, '127.0.0.1', 'PORT', 'lookup API');
  await assertPortFree(options.s3Port, '127.0.0.1', 'S3_PORT', 'local S3');
  // DynamoDB Local has no bind-address option and listens on every interface.
  await assertPortFree(options.dynamoDbPort, '0.0.0.0', 'DYNAMODB_PORT', 'DynamoDB Local');

  // Events can only arrive once S3 is up, but S3 and DynamoDB start in parallel: invocations wait here.
  let resolveHandler!: (handler: ReturnType<typeof createIngestHandler>) => void;
  const handlerReady = new Promise<ReturnType<typeof createIngestHandler>>((resolve) => {
    resolveHandler = resolve;
  });
  const ledger = new IngestLedger(join(dataDir, 'ingest-ledger.ndjson'));
  const ingestQueue = new IngestQueue({
    invoke: async (event) => (await handlerReady)(event),
    ledger,
    ...(options.retryDelayMs !== undefined && { retryDelayMs: options.retryDelayMs }),
    ...(log.ingest !== undefined && { onOutcome: (outcome) => log.ingest?.(outcome) }),
    ...(log.ingestRetry !== undefined && {
      onRetry: (key, attempt, error, delayMs) => log.ingestRetry?.(key, attempt, error, delayMs),
    }),
  });

  let dynamoDb: DynamoDbLocal | undefined;
  let s3: S3Local | undefined;
  let clients: { dynamo: DynamoDBClient; s3: S3Client } | undefined;
  let api: HttpApi | undefined;
  let drop: DropFolder | undefined;

  // Inputs first (drop folder, API), then let running invocations finish while their servers are still
  // up; whatever is cut short is found again by the ledger on the next start.
  const stopAll = async (): Promise<void> => {
    const steps: [string, (() => Promise<void>) | undefined][] = [
      ['drop folder', drop?.stop],
      ['HTTP API', api?.close],
      ['ingest queue', () => ingestQueue.close()],
      ['local S3', s3?.stop],
      ['DynamoDB Local', dynamoDb?.stop],
    ];
    for (const [what, step] of steps) {
      try {
        await step?.();
      } catch (error) {
        log.warn?.(`${what} did not stop cleanly`, error);
      }
    }
    clients?.dynamo.destroy();
    clients?.s3.destroy();
  };

  // Like the S3 trigger's prefix filter: reports written under rejected/ must not reach the handler.
  const onObjectCreated = (event: S3Event): void => {
    const records = event.Records.filter((record) => {
      try {
        return decodeS3EventKey(record.s3.object.key).startsWith(INCOMING_PREFIX);
      } catch {
        return false;
      }
    });
    if (records.length === 0) return;
    if (records.every((record) => record.s3.object.eTag)) {
      ingestQueue.enqueue({ Records: records });
      return;
    }
    // s3rver leaves the ETag out of copy events (S3 includes it); without it the ledger cannot tell
    // that the object was ingested and would have it ingested again on every start.
    void withETags(records).then((filled) => ingestQueue.enqueue({ Records: filled }));
  };
  const withETags = (records: S3EventRecord[]): Promise<S3EventRecord[]> =>
    Promise.all(
      records.map(async (record) => {
        if (record.s3.object.eTag || clients === undefined) return record;
        try {
          const head = await clients.s3.send(
            new HeadObjectCommand({
              Bucket: record.s3.bucket.name,
              Key: decodeS3EventKey(record.s3.object.key),
            }),
          );
          const eTag = head.ETag?.replace(/"/g, '') ?? '';
          return { ...record, s3: { ...record.s3, object: { ...record.s3.object, eTag } } };
        } catch {
          return record; // Gone already: the handler reports that.
        }
      }),
    );

  try {
    const [dynamoDbResult, s3Result] = await Promise.allSettled([
      startDynamoDbLocal({ port: options.dynamoDbPort, dataDir: join(dataDir, 'dynamodb') }),
      startS3Local({
        port: options.s3Port,
        dataDir: join(dataDir, 's3'),
        bucket: LOCAL_BUCKET,
        onObjectCreated,
      }),
    ]);
    if (dynamoDbResult.status === 'fulfilled') dynamoDb = dynamoDbResult.value;
    if (s3Result.status === 'fulfilled') s3 = s3Result.value;
    if (dynamoDbResult.status === 'rejected') {
      throw isAddressInUse(dynamoDbResult.reason)
        ? new PortInUseError('DYNAMODB_PORT', options.dynamoDbPort, 'DynamoDB Local')
        : dynamoDbResult.reason;
    }
    if (s3Result.status === 'rejected') {
      throw isAddressInUse(s3Result.reason)
        ? new PortInUseError('S3_PORT', options.s3Port, 'local S3')
        : s3Result.reason;
    }
    if (dynamoDb === undefined || s3 === undefined) throw new Error('unreachable');

    const dynamo = createLocalDynamoDbClient(dynamoDb.endpoint);
    const s3c = createLocalS3Client(s3.endpoint);
    clients = { dynamo, s3: s3c };
    await createSessionTable(dynamo, LOCAL_TABLE);
    const store = new DynamoDbSessionStore({
      client: dynamo,
      tableName: LOCAL_TABLE,
      gapMs: minutesToMs(options.gapMinutes),
    });

    resolveHandler(
      createIngestHandler({
        s3: s3c,
        writer: store,
        config: {
          bucketName: LOCAL_BUCKET,
          incomingPrefix: INCOMING_PREFIX,
          rejectedPrefix: REJECTED_PREFIX,
        },
        logger: ingestLogger(log),
        metrics: noMetrics,
      }),
    );

    const apiHandler = createApiHandler({
      reader: store,
      config: { cursorSigningKey, corsAllowedOrigins: options.corsAllowedOrigins ?? [] },
      logger: {
        error: (message: unknown, ...extra: unknown[]) =>
          log.warn?.(`api error: ${String(message)}`, (extra[0] as { error?: unknown } | undefined)?.error),
      },
    });
    try {
      api = await startHttpApi({
        port: options.port,
        handler: apiHandler,
        onError: (error) => log.warn?.('api handler threw', error),
      });
    } catch (error) {
      throw isAddressInUse(error) ? new PortInUseError('PORT', options.port, 'lookup API') : error;
    }

    for (const event of await findUningested(s3c, ledger)) {
      ingestQueue.enqueue(event);
    }

    if (options.dropDir !== false) {
      const dropDir = options.dropDir ?? join(dataDir, 'drop');
      const folder = watchDropFolder({
        dir: dropDir,
        upload: async (path, name) => {
          await new Upload({
            client: s3c,
            params: { Bucket: LOCAL_BUCKET, Key: `${INCOMING_PREFIX}${name}`, Body: createReadStream(path) },
          }).done();
        },
        onUploaded: (name, movedTo) => log.dropped?.(name, `${INCOMING_PREFIX}${name}`, movedTo),
        onError: (name, error) => log.warn?.(`drop folder: ${name} not uploaded yet`, error),
      });
      drop = folder;
    }
  } catch (error) {
    await stopAll();
    throw error;
  }

  let stopping: Promise<void> | undefined;
  return {
    apiUrl: api.url,
    s3Endpoint: s3.endpoint,
    dynamoDbEndpoint: dynamoDb.endpoint,
    bucket: LOCAL_BUCKET,
    tableName: LOCAL_TABLE,
    dataDir,
    dropDir: drop?.dir,
    ingestIdle: () => ingestQueue.idle(),
    stop: () => {
      stopping ??= stopAll();
      return stopping;
    },
  };
}
