/**
 * End-to-end ingest against DynamoDB Local: a daily export, the same file redelivered, then the next
 * day's export carrying late events for the day before; optionally a large file for peak memory.
 * Each ingest runs in its own process (bench/ingest-child.ts) so its peak RSS is its own.
 */
import { createSessionTable } from '../functions/adapters/dynamodb-session-store.js';
import { createLocalDynamoDbClient } from '../local/s3-client.js';
import { runChild } from './child.js';
import type { ExportFile, IngestExports } from './exports.js';
import type { IngestSample } from './ingest-child.js';
import type { IngestKind, IngestRow } from './report.js';
import { shortCount } from './report.js';

export async function createTable(endpoint: string, tableName: string): Promise<void> {
  const client = createLocalDynamoDbClient(endpoint);
  try {
    await createSessionTable(client, tableName);
  } finally {
    client.destroy();
  }
}

async function ingestRow(
  endpoint: string,
  tableName: string,
  file: ExportFile,
  kind: IngestKind,
  label: string,
): Promise<IngestRow> {
  const sample = await runChild<IngestSample>('ingest', [endpoint, tableName, file.path]);
  return {
    kind,
    label,
    eventsRead: sample.eventsRead,
    newEvents: sample.newEvents,
    usersTouched: sample.usersTouched,
    sessionsWritten: sample.sessionsWritten,
    ms: sample.ms,
    readUnits: sample.readUnits,
    writeUnits: sample.writeUnits,
    peakRssMiB: sample.peakRssMiB,
  };
}

export async function benchmarkIngest(
  endpoint: string,
  files: IngestExports,
  log: (message: string) => void,
): Promise<IngestRow[]> {
  const table = `bench-ingest-${Date.now()}`;
  await createTable(endpoint, table);
  const size = shortCount(files.day1.events);
  const runs: Array<[ExportFile, IngestKind, string]> = [
    [files.day1, 'daily', `Daily export (${size} events, 1 day)`],
    [files.day1, 'redelivery', 'Same file redelivered'],
    [files.day2WithLate, 'late', `Next day + ${shortCount(files.lateEvents)} late events for day 1`],
  ];
  const rows: IngestRow[] = [];
  for (const [file, kind, label] of runs) {
    log(`ingest: ${label}`);
    rows.push(await ingestRow(endpoint, table, file, kind, label));
  }
  return rows;
}

/** A large file into a fresh table: does one invocation's memory fit the ingest Lambda? */
export async function benchmarkIngestMemory(
  endpoint: string,
  file: ExportFile,
  log: (message: string) => void,
): Promise<IngestRow> {
  const table = `bench-ingest-memory-${Date.now()}`;
  await createTable(endpoint, table);
  const label = `${shortCount(file.events)}-event export (memory)`;
  log(`ingest: ${label}`);
  return ingestRow(endpoint, table, file, 'memory', label);
}
