import type { InputFormat } from '../../../contract/index.js';
import type { EventRecord } from '../events/event.js';
import { DETECTION_PATHS, detectFormat, FORMATS } from '../events/formats/detect.js';
import type { ConcreteFormat, ExportFormat } from '../events/formats/format.js';
import { type BrowserOf, normalizeEvent } from '../events/normalize.js';
import { type ExportContainer, ExportFileError, type ExportShape, readExportItems } from '../export-reader.js';
import { ParsedFields } from './parsed-fields.js';

/** An event that was not accepted, with everything needed to find, understand and replay it. */
export interface Rejection {
  readonly file: string;
  /** 1-based line where the event starts. */
  readonly position: number;
  /** 1-based element index when the file is a JSON array. */
  readonly index?: number;
  readonly reason: string;
  /** The event's original text, so nothing the user sent is lost. */
  readonly raw: string;
}

export interface ExportReadSink {
  /** An accepted event; `record` is its 1-based position among the file's records. */
  event(event: EventRecord, record: number): void;
  rejected(rejection: Rejection): void;
  /** Withdraws the rejections reported for `file`: it turned out to hold no JSON at all (a file error instead). */
  withdrawRejections(file: string): void;
}

export interface FileSummary {
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
}

export interface ReadExportOptions {
  /** `auto` detects per file from its first JSON object. */
  readonly format: InputFormat;
  readonly browserOf: BrowserOf;
}

function describeParseError(error: unknown): string {
  return `invalid JSON: ${error instanceof Error ? error.message : String(error)}`;
}

function describeRoot(value: unknown): string {
  if (Array.isArray(value)) return 'an array';
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

export const NOT_AN_EXPORT = 'no line is JSON';

/**
 * Reads one export file: every record parsed, validated and normalized in the file's format, accepted
 * events and rejections handed to the sink as they come. Never throws for bad input: a file that cannot be
 * read to its end, or holds no JSON at all, is described in the summary's `error`.
 */
export async function readExport(
  file: string,
  bytes: AsyncIterable<Uint8Array>,
  options: ReadExportOptions,
  sink: ExportReadSink,
): Promise<FileSummary> {
  const shape: ExportShape = { container: undefined, gzip: false };
  const summary: FileSummary = {
    file,
    format: options.format === 'auto' ? undefined : options.format,
    container: undefined,
    compression: 'none',
    records: 0,
    accepted: 0,
    rejected: 0,
  };
  let format: ExportFormat | undefined = options.format === 'auto' ? undefined : FORMATS[options.format];
  const fields = new ParsedFields(format?.paths ?? DETECTION_PATHS);
  let sawJson = false;
  let lastLine = 0;
  const reject = (line: number, index: number | undefined, reason: string, raw: string) => {
    summary.rejected++;
    sink.rejected({ file, position: line, ...(index !== undefined && { index }), reason, raw });
  };
  try {
    for await (const batch of readExportItems(bytes, shape)) {
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
        sawJson = true;
        if (value === null || typeof value !== 'object' || Array.isArray(value)) {
          reject(item.line, item.index, `not a JSON object (got ${describeRoot(value)})`, item.text);
          continue;
        }
        const object = value as Record<string, unknown>;
        if (format === undefined) {
          const detected = detectFormat(fields.reset(object, DETECTION_PATHS));
          format = FORMATS[detected];
          summary.format = detected;
        }
        const outcome = normalizeEvent(format, fields.reset(object, format.paths), options.browserOf);
        if (outcome.ok) {
          summary.accepted++;
          sink.event(outcome.event, summary.records);
        } else {
          reject(item.line, item.index, outcome.reason, item.text);
        }
      }
    }
  } catch (error) {
    // A failing byte source (a dropped download) is not the file's fault: the caller retries.
    if (!(error instanceof ExportFileError)) throw error;
    summary.error = `${error.message}; reading stopped after line ${lastLine}`;
  }
  summary.container = shape.container;
  summary.compression = shape.gzip ? 'gzip' : 'none';
  if (!sawJson && summary.records > 0 && summary.error === undefined) {
    sink.withdrawRejections(file);
    summary.rejected = 0;
    summary.error = NOT_AN_EXPORT;
  }
  return summary;
}
