/**
 * Child script: ingests one export file into DynamoDB Local through the ingest use case, in a fresh
 * process so its peak RSS is the ingest's own.
 *
 *   node bench/out/bin/ingest.mjs <endpoint> <table> <file>
 */
import { createReadStream } from 'node:fs';
import { DynamoDbSessionStore } from '../functions/adapters/dynamodb-session-store.js';
import { DEFAULT_GAP_MINUTES, minutesToMs } from '../functions/domain/sessionize.js';
import { type IngestStats, ingestObject, type RejectionSink } from '../functions/ingest/ingest-object.js';
import { createLocalDynamoDbClient } from '../local/s3-client.js';
import { peakRssMiB, printResult } from './child-io.js';

export interface IngestSample extends IngestStats {
  ms: number;
  readUnits: number;
  writeUnits: number;
  peakRssMiB: number;
}

/** Rejections are only counted: the benchmark measures the store, not S3 report uploads. */
const countingSink: RejectionSink = {
  rejected: () => undefined,
  fileFailed: (file, reason) => {
    throw new Error(`${file} is not an export: ${reason}`);
  },
  ready: async () => undefined,
  close: async () => undefined,
  abort: async () => undefined,
};

async function main(): Promise<void> {
  const [endpoint, tableName, file] = process.argv.slice(2);
  if (endpoint === undefined || tableName === undefined || file === undefined) {
    throw new Error('usage: ingest.mjs <endpoint> <table> <file>');
  }
  const client = createLocalDynamoDbClient(endpoint);
  const store = new DynamoDbSessionStore({ client, tableName, gapMs: minutesToMs(DEFAULT_GAP_MINUTES) });
  const started = performance.now();
  const stats = await ingestObject({
    file,
    source: createReadStream(file),
    writer: store,
    rejections: countingSink,
  });
  const ms = performance.now() - started;
  client.destroy();
  printResult({ ...stats, ms, ...store.usage, peakRssMiB: peakRssMiB() } satisfies IngestSample);
}

await main();
