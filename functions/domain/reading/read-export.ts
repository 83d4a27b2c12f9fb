import type { InputFormat } from '../../../contract/index.js';
import type { EventRecord } from '../events/event.js';
import { detectFormat, FORMATS, recognisedFormats } from '../events/formats/detect.js';
import type { ConcreteFormat } from '../events/formats/format.js';
import { type BrowserOf, normalizeEvent } from '../events/normalize.js';
import { jsonText } from '../rules/json-text.js';
import { arrayBreak } from './array-break.js';
import type { ByteRecord } from './byte-record.js';
import { ContainerError, type ContainerIssueKind } from './container-error.js';
import { type ExportMember, openExport } from './containers.js';
import { detectionFields, type FormatScanner, scannerFor } from './format-scanners.js';
import { HeldRejections } from './held-rejections.js';
import { type RecordContainer, readRecords } from './records.js';
import type { Rejection } from './rejection.js';
import type { ScannedFields } from './scanned-fields.js';

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
}

export const NOT_AN_EXPORT = 'no line is JSON';
/**
 * Objects and arrays nested deeper than this reject their event. Content ids and output walk values
 * recursively, and a stack overflow there would stop the whole file; no export nests anywhere near this.
 */
const NO_EVENTS = 'holds no events of any export format';

function describeRoot(value: unknown): string {
  if (Array.isArray(value)) return 'an array';
  const text = jsonText(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

function emptySummary(file: string, options: ReadExportOptions): FileSummary {
  return {
    file,
    format: options.format === 'auto' ? undefined : options.format,
    container: undefined,
    compression: 'none',
    records: 0,
    accepted: 0,
    rejected: 0,
  };
}

/** Members whose content was there but not read: errors, where a directory or a README is skipped. */
const REFUSED_MEMBERS: ReadonlySet<ContainerIssueKind> = new Set([
  'too-large',
  'unsupported-compression',
  'too-deep',
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
      summaries.push(...issues.splice(0), await readMember(member, options, sink));
    }
  } catch (error) {
    if (!(error instanceof ContainerError)) throw error;
    broke(error.file, error.reason, summaries);
  }
  summaries.push(...issues);
  return summaries;
}

function describeRootOf(fields: ScannedFields): string {
  return describeRoot(JSON.parse(fields.text()));
}

/** A record spans lines in a pretty-printed array: its element, and the line it starts on, say where. */
function afterRecord(line: number, index: number | undefined): string {
  if (line === 0) return 'before the first complete record';
  if (index === undefined) return `after line ${line}`;
  return `after element ${index} (which starts on line ${line})`;
}

/** Why a file none of whose lines is JSON is not an export: the encoding it seems to be in, if not UTF-8. */
function notAnExport({ wideEncoding }: ExportMember): string {
  if (wideEncoding === undefined) return NOT_AN_EXPORT;
  return `file is ${wideEncoding.encoding} encoded (${wideEncoding.evidence}); exports must be UTF-8`;
}

async function readMember(
  member: ExportMember,
  options: ReadExportOptions,
  sink: ExportReadSink,
): Promise<FileSummary> {
  const file = member.name;
  const summary = emptySummary(file, options);
  let scanner: FormatScanner | undefined =
    options.format === 'auto' ? undefined : scannerFor(FORMATS[options.format]);
  // Rejections wait until the file shows it is an export (JSON at all; in a ZIP, an object of a format), so a
  // text file gives one clear error, and a manifest inside an archive nothing, instead of a rejection a line.
  const held = new HeldRejections(sink);
  // The last record read whole: where a break in the bytes is said to be.
  let lastLine = 0;
  let lastIndex: number | undefined;
  /** With a named format, the format the first object rejected in it shows instead, if another. */
  let rejectedObjectShows: ConcreteFormat | undefined;
  let rejectedObjectSeen = false;
  /** Where the member's JSON structure broke: no error of a ZIP member skipped as holding no events. */
  let structureError: string | undefined;
  /** Where the member's bytes broke (a truncated or corrupt archive or gzip): a file error even in a ZIP. */
  let bytesBroke = false;
  const reject = (line: number, index: number | undefined, reason: string, raw: string) => {
    summary.rejected++;
    held.add({ file, position: line, ...(index !== undefined && { index }), reason, raw });
  };
  /** One record whose scan succeeded: a rejection or an event of the member's format. */
  const readScanned = (record: ByteRecord, fields: ScannedFields) => {
    const index = record.index;
    summary.records++;
    if (!member.inZip) held.release();
    if (!fields.rootIsObject) {
      reject(record.line, index, `not a JSON object (got ${describeRootOf(fields)})`, fields.text());
      return;
    }
    const detection = scanner?.detection ?? fields;
    // A member holding an object of any format is read, in the named format when one is named.
    if (member.inZip && held.holding && recognisedFormats(detection).length > 0) held.release();
    if (scanner === undefined) {
      const detected = detectFormat(detection);
      scanner = scannerFor(FORMATS[detected]);
      summary.format = detected;
      scanner.fields.scan(record.bytes, record.start, record.end);
    }
    const outcome = normalizeEvent(scanner.format, scanner.fields, options.browserOf);
    if (outcome.ok) {
      // An event accepted in the named format is an object of that format, whatever keys `auto` looks for.
      if (member.inZip) held.release();
      summary.accepted++;
      sink.event(outcome.event, {
        file,
        record: summary.records,
        line: record.line,
        ...(index !== undefined && { index }),
      });
    } else {
      if (options.format !== 'auto' && !rejectedObjectSeen) {
        rejectedObjectSeen = true;
        const shown = recognisedFormats(detection);
        if (!shown.includes(options.format)) rejectedObjectShows = shown[0];
      }
      reject(record.line, index, outcome.reason, scanner.fields.text());
    }
  };
  try {
    reading: for await (const batch of readRecords(member.bytes)) {
      summary.container = batch.container;
      for (const record of batch.records) {
        const fields = scanner?.fields ?? detectionFields();
        const scanned = fields.scan(record.bytes, record.start, record.end);
        // A last line the break may have cut short, or an array element whose value may have gone on: neither
        // an event nor a rejection.
        if (record.cut !== undefined && (record.index === undefined ? !scanned : scanned)) continue;
        if (record.index === undefined || record.cut === undefined) {
          lastLine = record.line;
          lastIndex = record.index;
        }
        if (scanned) {
          readScanned(record, fields);
          continue;
        }
        if (record.index === undefined) {
          summary.records++;
          reject(record.line, undefined, fields.result.failureReason(), fields.text());
          continue;
        }
        // An array element that is not JSON breaks the array: past it there is no telling elements apart. One
        // the file ends inside counts only as a complete value that text after it breaks.
        const broken = arrayBreak(record, fields);
        if (broken.complete === undefined && record.cut !== undefined) continue;
        if (broken.complete !== undefined) readScanned(broken.complete, fields);
        structureError = broken.error;
        break reading;
      }
      if (batch.failure !== undefined) {
        structureError = `${batch.failure.reason}; reading stopped at line ${batch.failure.line}`;
      }
      await sink.pause?.();
    }
  } catch (error) {
    // A failing byte source (a dropped download) is not the file's fault: the caller retries.
    if (!(error instanceof ContainerError)) throw error;
    summary.error = `${error.reason}; reading stopped ${afterRecord(lastLine, lastIndex)}`;
    bytesBroke = true;
  }
  summary.compression = member.compression;
  if (rejectedObjectShows !== undefined && summary.accepted === 0) summary.looksLike = rejectedObjectShows;
  // A member of a ZIP that shows no object of any format is skipped (a README, in any encoding), unless
  // its bytes broke: then the archive is damaged, which is a file error whatever the member held.
  const skipped = held.holding && member.inZip && !bytesBroke;
  if (structureError !== undefined && !skipped) summary.error ??= structureError;
  if (held.holding) {
    if (skipped) {
      summary.skipped = NO_EVENTS;
      delete summary.error;
    } else if (!member.inZip && (summary.records > 0 || member.wideEncoding !== undefined)) {
      // Cut short too, its lines read are no more an export's than a whole file's would be.
      const why = notAnExport(member);
      summary.error = summary.error === undefined ? why : `${summary.error}; ${why}`;
    }
    // Nothing of it showed it is an export (a broken ZIP member too): its lines are not rejected events.
    summary.rejected = 0;
    // Nor candidate events: counted, a README's lines would add to the run's records, and under a named
    // format look like records that format rejected.
    if (skipped) summary.records = 0;
    held.discard();
  }
  return summary;
}
