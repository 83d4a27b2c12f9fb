import type { InputFormat } from '../../../contract/index.js';
import type { EventRecord } from '../events/event.js';
import type { ConcreteFormat } from '../events/formats/format.js';
import type { BrowserOf } from '../events/normalize.js';
import { ContainerError, type ContainerIssueKind } from './container-error.js';
import { openExport } from './containers.js';
import { emptySummary, readMember } from './read-member.js';
import type { RecordContainer } from './records.js';
import type { Rejection } from './rejection.js';

export { NOT_AN_EXPORT } from './read-member.js';
export type { Rejection } from './rejection.js';

/** Where an accepted event is in its file: to report it, and to read it again for a tie-break. */
export interface RecordPosition {
  /** The file, or `<archive>!<member>`. */
  readonly file: string;
  /** 1-based position among the file's records. */
  readonly record: number;
  readonly line: number;
  readonly index?: number;
}

export interface ExportReadSink {
  event(event: EventRecord, position: RecordPosition): void;
  rejected(rejection: Rejection): void;
  /** Awaited between batches of records: the place to flush work or wait for a slow consumer. */
  pause?(): Promise<void> | undefined;
}

export interface FileSummary {
  /** The file, or `<archive>!<member path>` for a member of a ZIP archive. */
  readonly file: string;
  format: ConcreteFormat | undefined;
  container: RecordContainer | undefined;
  compression: 'none' | 'gzip';
  /**
   * Candidate events read (non-blank lines, or array elements): accepted + rejected. A ZIP member skipped as
   * holding no events counts none: its lines were never candidates.
   */
  records: number;
  accepted: number;
  rejected: number;
  /** Set when the file could not be read (to its end); the complete records before the break still count. */
  error?: string;
  /** Set for a ZIP member that holds no events of any format (a manifest, a directory): not an error. */
  skipped?: string;
  /**
   * Set when a format was named, every record was rejected in it, and they show another format's keys: the
   * format the file is likely in (a wrong --input-format, a file under another source's prefix).
   */
  looksLike?: ConcreteFormat;
}

export interface ReadExportOptions {
  /** `auto` detects per file from its first JSON object. */
  readonly format: InputFormat;
  readonly browserOf: BrowserOf;
  /** A ZIP member inflating past this many bytes is refused (ZIP bomb guard). */
  readonly maxMemberBytes?: number;
  /**
   * The export's bytes again, from its start: rejections held back until a file shows it is an export are
   * then kept in memory only up to a bound and the rest read again (held-rejections.ts). Without it, all are
   * held.
   */
  readonly reopen?: () => AsyncIterable<Uint8Array> | Promise<AsyncIterable<Uint8Array>>;
}
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
  // A file or member already read keeps its summary; the break is added to it.
  const broke = (file: string, reason: string, listIn: FileSummary[]) => {
    let summary = [...summaries, ...issues].find((entry) => entry.file === file);
    if (summary === undefined) {
      summary = emptySummary(file, options);
      listIn.push(summary);
    }
    summary.error ??= `${reason}; the complete records before it still count`;
  };
  try {
    const members = openExport(name, bytes, {
      ...(options.maxMemberBytes !== undefined && { maxMemberBytes: options.maxMemberBytes }),
      onIssue: (issue) => {
        if (issue.kind === 'broken-archive') return broke(issue.file, issue.reason, issues);
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
      summaries.push(...issues.splice(0), await readMember(name, member, options, sink));
    }
  } catch (error) {
    if (!(error instanceof ContainerError)) throw error;
    broke(error.file, error.reason, summaries);
  }
  summaries.push(...issues);
  return summaries;
}
