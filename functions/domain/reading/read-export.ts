import type { InputFormat } from '../../../contract/index.js';
import type { EventRecord } from '../events/event.js';
import { DETECTION_PATHS, detectFormat, FORMATS, recognisedFormats } from '../events/formats/detect.js';
import type { ConcreteFormat, ExportFormat } from '../events/formats/format.js';
import { type BrowserOf, normalizeEvent } from '../events/normalize.js';
import {
  type ExportContainer,
  ExportFileError,
  type ExportShape,
  readExportItems,
} from '../export-reader.js';
import { ContainerError } from './container-error.js';
import { type ExportMember, openExport } from './containers.js';
import { HeldRejections } from './held-rejections.js';
import { ParsedFields } from './parsed-fields.js';

/** An event that was not accepted, with everything needed to find, understand and replay it. */
export interface Rejection {
  /** The file, or `<archive>!<member>`. */
  readonly file: string;
  /** 1-based line where the event starts. */
  readonly position: number;
  /** 1-based element index when the file is a JSON array. */
  readonly index?: number;
  readonly reason: string;
  /** The event's original text, so nothing the user sent is lost. */
  readonly raw: string;
}

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
  container: ExportContainer | undefined;
  compression: 'none' | 'gzip';
  /** Candidate events read: accepted + rejected. */
  records: number;
  accepted: number;
  rejected: number;
  /** Set when the file could not be read (to its end); the complete records before the break still count. */
  error?: string;
  /** Set for a ZIP member that holds no events of any format (a manifest, a directory): not an error. */
  skipped?: string;
}

export interface ReadExportOptions {
  /** `auto` detects per file from its first JSON object. */
  readonly format: InputFormat;
  readonly browserOf: BrowserOf;
  /** A ZIP member inflating past this many bytes is refused (ZIP bomb guard). */
  readonly maxMemberBytes?: number;
}

export const NOT_AN_EXPORT = 'no line is JSON';
const NO_EVENTS = 'holds no events of any export format';

function describeParseError(error: unknown): string {
  return `invalid JSON: ${error instanceof Error ? error.message : String(error)}`;
}

function describeRoot(value: unknown): string {
  if (Array.isArray(value)) return 'an array';
  const text = JSON.stringify(value) ?? String(value);
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
  try {
    const members = openExport(name, bytes, {
      ...(options.maxMemberBytes !== undefined && { maxMemberBytes: options.maxMemberBytes }),
      onIssue: (issue) => {
        const summary = emptySummary(issue.file, options);
        if (issue.kind === 'too-large' || issue.kind === 'unsupported-compression')
          summary.error = issue.reason;
        else summary.skipped = issue.reason;
        issues.push(summary);
      },
    });
    for await (const member of members) {
      summaries.push(...issues.splice(0), await readMember(member, options, sink));
    }
  } catch (error) {
    if (!(error instanceof ContainerError)) throw error;
    let summary = summaries.find((entry) => entry.file === error.file);
    if (summary === undefined) {
      summary = emptySummary(error.file, options);
      summaries.push(summary);
    }
    summary.error ??= `${error.reason}; the complete records before it still count`;
  }
  summaries.push(...issues);
  return summaries;
}

async function readMember(
  member: ExportMember,
  options: ReadExportOptions,
  sink: ExportReadSink,
): Promise<FileSummary> {
  const file = member.name;
  const shape: ExportShape = { container: undefined };
  const summary = emptySummary(file, options);
  let format: ExportFormat | undefined = options.format === 'auto' ? undefined : FORMATS[options.format];
  const fields = new ParsedFields(format?.paths ?? DETECTION_PATHS);
  // Rejections wait until the file shows it is an export (JSON at all; in a ZIP, an object of a format), so a
  // text file gives one clear error, and a manifest inside an archive nothing, instead of a rejection a line.
  const held = new HeldRejections(sink);
  const isExport = () => {
    held.release();
  };
  let lastLine = 0;
  const reject = (line: number, index: number | undefined, reason: string, raw: string) => {
    summary.rejected++;
    held.add({ file, position: line, ...(index !== undefined && { index }), reason, raw });
  };
  try {
    for await (const batch of readExportItems(member.bytes, shape)) {
      for (const item of batch) {
        if (item.structuralError !== undefined) {
          summary.error = `${item.structuralError}; reading stopped at line ${item.line}`;
          continue;
        }
        summary.records++;
        lastLine = item.line;
        let value: unknown;
        try {
          value = JSON.parse(item.text);
        } catch (error) {
          reject(item.line, item.index, describeParseError(error), item.text);
          continue;
        }
        if (!member.inZip) isExport();
        if (value === null || typeof value !== 'object' || Array.isArray(value)) {
          reject(item.line, item.index, `not a JSON object (got ${describeRoot(value)})`, item.text);
          continue;
        }
        const object = value as Record<string, unknown>;
        if (member.inZip && held.holding) {
          const formats = recognisedFormats(fields.reset(object, DETECTION_PATHS));
          if (options.format === 'auto' ? formats.length > 0 : formats.includes(options.format)) isExport();
        }
        if (format === undefined) {
          const detected = detectFormat(fields.reset(object, DETECTION_PATHS));
          format = FORMATS[detected];
          summary.format = detected;
        }
        const outcome = normalizeEvent(format, fields.reset(object, format.paths), options.browserOf);
        if (outcome.ok) {
          // An event accepted in the named format is an object of that format, whatever keys `auto` looks for.
          if (member.inZip) isExport();
          summary.accepted++;
          sink.event(outcome.event, {
            file,
            record: summary.records,
            line: item.line,
            ...(item.index !== undefined && { index: item.index }),
          });
        } else {
          reject(item.line, item.index, outcome.reason, item.text);
        }
      }
      await sink.pause?.();
    }
  } catch (error) {
    // A failing byte source (a dropped download) is not the file's fault: the caller retries.
    const stopped = `reading stopped ${lastLine === 0 ? 'before the first complete record' : `after line ${lastLine}`}`;
    // A file in another encoding is refused before anything is read: where reading stopped says nothing.
    if (error instanceof ContainerError)
      summary.error = error.kind === 'encoding' ? error.reason : `${error.reason}; ${stopped}`;
    else if (error instanceof ExportFileError) summary.error = `${error.message}; ${stopped}`;
    else throw error;
  }
  summary.container = shape.container;
  summary.compression = member.compression;
  if (held.holding) {
    if (member.inZip) {
      summary.skipped = NO_EVENTS;
    } else if (summary.records > 0 && summary.error === undefined) {
      summary.error = NOT_AN_EXPORT;
    } else {
      // Broken before any JSON showed up: what was read is still reported.
      held.release();
      return summary;
    }
    summary.rejected = 0;
    held.discard();
  }
  return summary;
}
