import type { FileSummary } from '../domain/reading/read-export.js';

/**
 * What the files of one object may take in its log entry, as JSON. Lambda cuts a log line at 64 KB and 256 KB
 * into events of their own, none of which parses, so an archive of thousands of members (an Amplitude export
 * of a year holds one per hour) would leave its `ingested` entry, counts and all, unreadable to log queries.
 */
export const LOGGED_FILES_BYTES = 32 * 1024;

/** A file as its object's log entry names it. */
export interface LoggedFile {
  readonly file: string;
  readonly format: FileSummary['format'];
  readonly error: string | undefined;
  readonly skipped: string | undefined;
  readonly looksLike: FileSummary['looksLike'];
}

const hasNews = (file: LoggedFile) =>
  file.error !== undefined || file.skipped !== undefined || file.looksLike !== undefined;

/**
 * The log entry's attributes for `files`: each with its format and what went wrong, in file order while they
 * fit {@link LOGGED_FILES_BYTES}; past it, those with an error, a skip or another format's look first, as many
 * as fit, then how many are left out and every format read (which the listed ones may not all show).
 */
export function filesLog(files: readonly FileSummary[]): {
  files: LoggedFile[];
  filesNotListed?: number;
  formats?: string[];
} {
  const all = files.map(
    (file): LoggedFile => ({
      file: file.file,
      format: file.format,
      error: file.error,
      skipped: file.skipped,
      looksLike: file.looksLike,
    }),
  );
  const sizeOf = (file: LoggedFile) => Buffer.byteLength(JSON.stringify(file)) + 1;
  if (all.reduce((total, file) => total + sizeOf(file), 0) <= LOGGED_FILES_BYTES) return { files: all };
  const listed: LoggedFile[] = [];
  let bytes = 0;
  for (const file of [...all.filter(hasNews), ...all.filter((file) => !hasNews(file))]) {
    bytes += sizeOf(file);
    if (bytes > LOGGED_FILES_BYTES) break;
    listed.push(file);
  }
  const formats = [...new Set(files.flatMap((file) => (file.format === undefined ? [] : [file.format])))];
  return { files: listed, filesNotListed: all.length - listed.length, formats };
}
