/**
 * The ingest use case against DynamoDB Local: the daily export into an empty table, the same file
 * redelivered, the next day's export carrying late events for the day before (write units), and one large
 * file into a table of its own (peak memory). Each ingest runs in its own process (bench/ingest-child.ts).
 */

import { createLocalDynamoDbClient } from '../local/s3-client.js';
import { createSessionTable } from '../local/session-table.js';
import type { DailyExports, ExportFile } from './exports.js';
import type { IngestResult } from './ingest-child.js';
import { runChild } from './processes.js';
import type { IngestKind, IngestRow } from './report.js';
import { shortCount } from './report-format.js';
import { TARGETS } from './report-model.js';

let tables = 0;

/** A new, empty table, created as the CDK creates it. */
export async function freshTable(endpoint: string, purpose: string): Promise<string> {
  const tableName = `bench-${purpose}-${process.pid}-${++tables}`;
  const client = createLocalDynamoDbClient(endpoint);
  try {
    await createSessionTable(client, tableName);
  } finally {
    client.destroy();
  }
  return tableName;
}

async function ingest(
  endpoint: string,
  tableName: string,
  file: ExportFile,
  kind: IngestKind,
  label: string,
  log: (message: string) => void,
  timeoutSeconds?: number,
): Promise<IngestRow> {
  log(`ingest: ${label}`);
  const timeout = timeoutSeconds === undefined ? [] : [String(timeoutSeconds)];
  try {
    const result = await runChild<IngestResult>('ingest', [endpoint, tableName, file.path, ...timeout], {
      onProgress: (line) => log(`  ${line}`),
    });
    if (result.fileErrors.length > 0) throw new Error(`${file.path}: ${result.fileErrors.join('; ')}`);
    log(
      `  ${Math.round(result.ingestMs / 1000)} s, ${result.writeUnits} WCU, ${result.readUnits} RCU, ${Math.round(result.peakRssMiB)} MiB`,
    );
    return { kind, label, ...result };
  } catch (error) {
    log(`  failed: ${(error as Error).message}`);
    return { kind, label, error: (error as Error).message };
  }
}

export async function benchmarkDailyIngest(
  endpoint: string,
  files: DailyExports,
  log: (message: string) => void,
): Promise<IngestRow[]> {
  const table = await freshTable(endpoint, 'daily');
  const runs: [ExportFile, IngestKind, string][] = [
    [files.day1, 'daily', `Day 1 (${shortCount(files.day1.events)} events) into an empty table`],
    [files.day1, 'redelivery', 'Day 1 redelivered'],
    [files.day2WithLate, 'late', `Day 2 + ${shortCount(files.lateEvents)} late events for day 1`],
  ];
  const rows: IngestRow[] = [];
  for (const [file, kind, label] of runs) rows.push(await ingest(endpoint, table, file, kind, label, log));
  return rows;
}

/**
 * One large file into an empty table, in calls of the ingest function's timeout: does each call's memory fit
 * the function's, and does each call end in time?
 */
export async function benchmarkIngestMemory(
  endpoint: string,
  file: ExportFile,
  log: (message: string) => void,
): Promise<IngestRow> {
  const table = await freshTable(endpoint, 'memory');
  return ingest(
    endpoint,
    table,
    file,
    'memory',
    `${shortCount(file.events)} events (issue's kind of file)`,
    log,
    TARGETS.ingestTimeoutSeconds,
  );
}
