import type { SessionView } from '../domain/session-view.js';
import type { BatchResult } from './batch.js';

export const OUTPUT_FORMATS = ['table', 'json', 'csv'] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

type Write = (text: string) => void;

/** Streams `{"sessions":[...],"rejected":[...],"errors":[...]}` one entry per line, never one giant string. */
export function writeJson(result: BatchResult, views: Iterable<SessionView>, write: Write): void {
  const writeArray = (name: string, items: Iterable<unknown>, last: boolean) => {
    write(`  ${JSON.stringify(name)}: [`);
    let first = true;
    for (const item of items) {
      write(`${first ? '\n' : ',\n'}    ${JSON.stringify(item)}`);
      first = false;
    }
    write(`${first ? '' : '\n  '}]${last ? '\n' : ',\n'}`);
  };
  write('{\n');
  writeArray('sessions', views, false);
  writeArray('rejected', result.rejected, false);
  writeArray('errors', result.errors, true);
  write('}\n');
}

const CSV_COLUMNS = [
  'userId',
  'sessionNumber',
  'sessionId',
  'startedAt',
  'endedAt',
  'durationSeconds',
  'eventCount',
  'firstEvent',
  'lastEvent',
] as const satisfies readonly (keyof SessionView)[];

function csvField(value: string | number): string {
  const text = String(value);
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function writeCsv(views: Iterable<SessionView>, write: Write): void {
  write(`${CSV_COLUMNS.join(',')}\n`);
  for (const view of views) write(`${CSV_COLUMNS.map((column) => csvField(view[column])).join(',')}\n`);
}

const TABLE_COLUMNS = [
  'userId',
  'sessionNumber',
  'startedAt',
  'endedAt',
  'eventCount',
  'durationSeconds',
  'firstEvent',
  'lastEvent',
] as const satisfies readonly (keyof SessionView)[];

/** A readable fixed-width table, like the reference analysis prints its sessions frame. */
export function writeTable(result: BatchResult, views: readonly SessionView[], write: Write): void {
  const cells = views.map((view) => TABLE_COLUMNS.map((column) => String(view[column])));
  const widths = TABLE_COLUMNS.map((column, i) =>
    Math.max(column.length, ...cells.map((row) => (row[i] ?? '').length)),
  );
  const numeric = new Set<string>(['sessionNumber', 'eventCount', 'durationSeconds']);
  const line = (row: readonly string[]) =>
    row
      .map((cell, i) => {
        const width = widths[i] ?? 0;
        return numeric.has(TABLE_COLUMNS[i] ?? '') ? cell.padStart(width) : cell.padEnd(width);
      })
      .join('  ')
      .trimEnd();
  write(`${line(TABLE_COLUMNS)}\n`);
  for (const row of cells) write(`${line(row)}\n`);
  const users = new Set(views.map((view) => view.userId)).size;
  write(
    `\n${views.length} session(s) of ${users} user(s) from ${result.accepted} accepted event(s) in ${result.files} file(s); ${result.rejected.length} rejected.\n`,
  );
  if (result.rejected.length > 0) {
    write('\nRejected events:\n');
    for (const rejection of result.rejected) {
      write(`  ${rejection.file}:${rejection.position}: ${rejection.reason}\n`);
    }
  }
}
