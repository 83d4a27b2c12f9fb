import { ContainerError, type ContainerIssueKind } from './container-error.js';
import { openExport } from './containers.js';
import { memberLimit } from './member-limit.js';
import { emptySummary } from './member-summary.js';
import type { ExportReadSink, FileSummary, ReadExportOptions } from './read-contract.js';
import { readMember } from './read-member.js';

export { NOT_AN_EXPORT, NOT_AN_EXPORT_HINT } from './member-summary.js';
export type {
  ExportReadSink,
  FileSummary,
  ReadExportOptions,
  RecordPosition,
} from './read-contract.js';
export type { Rejection } from './rejection.js';

/** A file that held no record at all, as the CLI's table and `npm start`'s log say it: no error, no events. */
export const NOTHING_TO_READ = 'holds nothing to read (no line or array element)';

/** Members whose content was there but not read: errors, where a directory or a README is skipped. */
const REFUSED_MEMBERS: ReadonlySet<ContainerIssueKind> = new Set([
  'too-large',
  'unsupported-compression',
  'too-deep',
  'tar-archive',
]);

/**
 * Reads one export file: each file inside it (the file itself, or each member of a ZIP archive) parsed,
 * validated and normalized in its format, accepted events and rejections handed to the sink as they come.
 * Never throws for bad input: a file that cannot be read to its end, or holds no JSON at all, is described
 * in its summary's `error`; only a failing byte source (a dropped download) throws.
 */
export async function readExport(
  name: string,
  bytes: AsyncIterable<Uint8Array>,
  options: ReadExportOptions,
  sink: ExportReadSink,
): Promise<FileSummary[]> {
  const summaries: FileSummary[] = [];
  const issues: FileSummary[] = [];
  // Where each member read without an error stopped: a break found past its end (a CRC-32 the directory
  // lists) says so. A member with an error keeps it, so its place is never asked for.
  const stopped = new Map<string, string>();
  // A file or member already read keeps its summary; the break is added to it.
  const broke = (file: string, reason: string, listIn: FileSummary[]) => {
    let summary = [...summaries, ...issues].find((entry) => entry.file === file);
    if (summary === undefined) {
      summary = emptySummary(file, options);
      listIn.push(summary);
    }
    const where = stopped.get(file);
    summary.error ??=
      where === undefined
        ? `${reason}; the complete records before it still count`
        : `${reason}; reading stopped ${where}`;
  };
  try {
    const members = openExport(name, bytes, {
      ...memberLimit(options),
      ...(options.reopen !== undefined && { reopen: options.reopen }),
      onIssue: (issue) => {
        if (issue.kind === 'broken-archive' || issue.kind === 'damaged-member') {
          return broke(issue.file, issue.reason, issues);
        }
        const summary = emptySummary(issue.file, options);
        if (issue.compression !== undefined) summary.compression = issue.compression;
        // Only a ZIP member may be skipped: the file itself, unreadable, is an error (a gzip of a gzip).
        const refused = REFUSED_MEMBERS.has(issue.kind);
        if (refused || issue.file === name) summary.error = issue.reason;
        else summary.skipped = issue.reason;
        issues.push(summary);
      },
    });
    for await (const member of members) {
      const read = await readMember(name, member, options, sink);
      if (read.summary.error === undefined) stopped.set(read.summary.file, read.stopped);
      summaries.push(...issues.splice(0), read.summary);
    }
  } catch (error) {
    if (!(error instanceof ContainerError)) throw error;
    broke(error.file, error.reason, summaries);
  }
  summaries.push(...issues);
  return summaries;
}
