/**
 * Ingests one export file into a DynamoDB Local table the way the ingest function does (its configuration
 * defaults, writer and stitching writer, the table's rules check, `ingestObject` with its default chunk and
 * concurrency), reading the file from disk instead of S3. Rejection reports are counted, not uploaded.
 * Prints the ingest's counts, the capacity units the store consumed and the bytes it asked to write.
 * With a timeout, it ingests the file in calls as Lambda would run them: each stops when the function's
 * handler would (`deadlineOf`), saves its progress in the table, and the next call resumes from it.
 *
 *   node bench/out/bin/ingest.mjs <endpoint> <table> <file> [timeout seconds]
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { DynamoDbIngestProgress } from '../functions/adapters/dynamodb/ingest-progress.js';
import { ensureTableRules } from '../functions/adapters/dynamodb/rules-record.js';
import { DynamoDbSessionWriter } from '../functions/adapters/dynamodb/session-writer.js';
import { DynamoDbStitchingWriter } from '../functions/adapters/dynamodb/stitching-writer.js';
import { Transport } from '../functions/adapters/dynamodb/transport.js';
import { copyTextReader } from '../functions/adapters/s3/copy-texts.js';
import { createBrowserOf } from '../functions/domain/events/browser.js';
import { loadIngestConfig } from '../functions/ingest/config.js';
import { type IngestCheckpoint, type IngestStats, ingestObject } from '../functions/ingest/ingest-object.js';
import { IngestStopped, type ProgressKey } from '../functions/ingest/progress.js';
import type { RejectionReport } from '../functions/ingest/rejection-report.js';
import { sourceOf } from '../functions/ingest/sources.js';
import { deadlineOf } from '../functions/shared/deadline.js';
import { fileObjectSource } from '../local/file-object-source.js';
import { createLocalDynamoDbClient } from '../local/s3-client.js';
import { meterWrittenBytes } from './written-bytes.js';

export interface IngestResult extends Omit<IngestStats, 'files'> {
  /** The ingest alone, without process start and module loading. */
  ingestMs: number;
  readUnits: number;
  writeUnits: number;
  writtenBytes: number;
  fileErrors: string[];
  calls?: { timeoutSeconds: number; count: number; longestMs: number };
}

const PROGRESS_EVERY_MS = 60_000;

/** Reports every minute on stderr how far through the file the ingest is: a large file takes hours. */
function progressReporter(label: string, path: string, size: number) {
  let read = 0;
  let call = 1;
  let opened = false;
  const started = performance.now();
  const timer = setInterval(() => {
    const minutes = Math.round((performance.now() - started) / 60_000);
    const rss = Math.round(process.memoryUsage.rss() / 1024 ** 2);
    const peak = Math.round(process.resourceUsage().maxRSS / 1024);
    process.stderr.write(
      `progress: ${minutes} min, call ${call}, ${((read / size) * 100).toFixed(1)} % of ${label} read, RSS ${rss} MiB (peak ${peak} MiB)\n`,
    );
  }, PROGRESS_EVERY_MS);
  timer.unref();
  async function* counted(bytes: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
    for await (const chunk of bytes) {
      read += chunk.length;
      yield chunk;
    }
  }
  return {
    /** Opens the file; progress follows a call's first reading (a tie-break reads it again from its start). */
    open(): AsyncIterable<Buffer> {
      if (opened) return createReadStream(path);
      opened = true;
      return counted(createReadStream(path));
    },
    /** A new call reads the file from its start again. */
    nextCall(): void {
      call++;
      read = 0;
      opened = false;
    },
    stop: () => clearInterval(timer),
  };
}

/** Counts what would go to the rejection report in S3. */
function countingReport(): RejectionReport {
  let lines = 0;
  return {
    key: 'rejected/bench',
    get lines() {
      return lines;
    },
    write: () => {
      lines++;
    },
    ready: async () => undefined,
    close: async () => undefined,
    abort: async () => undefined,
  };
}

async function main(argv: readonly string[]): Promise<void> {
  const [endpoint, tableName, file, timeoutText] = argv;
  if (endpoint === undefined || tableName === undefined || file === undefined) {
    throw new Error('usage: ingest.mjs <endpoint> <table> <file> [timeout seconds]');
  }
  const timeoutSeconds = timeoutText === undefined ? undefined : Number(timeoutText);
  const config = loadIngestConfig({ TABLE_NAME: tableName, BUCKET_NAME: 'bench' });
  const key = `incoming/${file.split('/').pop()}`;
  const source = sourceOf(key, config.sources);
  if (source === undefined) throw new Error(`${key} is under no source prefix of the default configuration`);
  const client = createLocalDynamoDbClient(endpoint);
  const written = meterWrittenBytes(client);
  const transport = new Transport({ client, tableName });
  const writer = new DynamoDbSessionWriter({ transport, rules: config.rules });
  const progress = progressReporter(key, file, (await stat(file)).size);
  const store = new DynamoDbIngestProgress(transport);
  const object: ProgressKey = { bucket: 'bench', key, version: file, reading: 'bench' };
  const started = performance.now();
  await ensureTableRules(transport, config.rules);
  const call = async (checkpoint: IngestCheckpoint | undefined) =>
    ingestObject({
      file: key,
      format: source.format,
      open: async () => progress.open(),
      // As on AWS: events carry where they were read (what the store pays for rule 3's tie-break).
      version: 'e:bench',
      readCopies: copyTextReader(fileObjectSource(key, file, 'bench'), 'bench'),
      writer,
      identity: new DynamoDbStitchingWriter(writer),
      rules: config.rules,
      report: countingReport(),
      browserOf: createBrowserOf(),
      maxMemberBytes: config.maxMemberBytes,
      resume: checkpoint === undefined ? undefined : await store.load(object),
      checkpoint,
    });
  let stats: IngestStats | undefined;
  const calls = { timeoutSeconds: timeoutSeconds ?? 0, count: 0, longestMs: 0 };
  while (stats === undefined) {
    const callStarted = performance.now();
    const deadline =
      timeoutSeconds === undefined
        ? undefined
        : deadlineOf({ getRemainingTimeInMillis: () => timeoutSeconds * 1000 });
    try {
      stats = await call(
        deadline === undefined
          ? undefined
          : { save: (saved) => store.save(object, saved), timeUp: () => Date.now() >= deadline },
      );
    } catch (error) {
      if (!(error instanceof IngestStopped)) throw error;
      process.stderr.write(`progress: call ${calls.count + 1} ${error.message}\n`);
      progress.nextCall();
    }
    calls.count++;
    calls.longestMs = Math.max(calls.longestMs, performance.now() - callStarted);
  }
  const ingestMs = performance.now() - started;
  progress.stop();
  client.destroy();
  const { files, ...counts } = stats;
  const result: IngestResult = {
    ...counts,
    ingestMs,
    ...transport.usage,
    writtenBytes: written.bytes,
    fileErrors: files.flatMap((summary) => (summary.error === undefined ? [] : [summary.error])),
    ...(timeoutSeconds !== undefined && { calls }),
  };
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

await main(process.argv.slice(2));
