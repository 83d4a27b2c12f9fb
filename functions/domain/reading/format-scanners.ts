/**
 * The scanners of record fields, one per export format and one for detecting the format, each made once per
 * process: a scanner compiles its paths, and every record of a file goes through the same one.
 */
import { DETECTION_PATHS } from '../events/formats/detect.js';
import type { ConcreteFormat, ExportFormat, RecordFields } from '../events/formats/format.js';
import type { PlainEvent } from './plain-event.js';
import { readPlainSegment } from './plain-segment.js';
import type { ScanResult } from './scan-result.js';
import { ScannedFields } from './scanned-fields.js';

/** The fields of one format and the detecting members, read in one scan. */
export interface FormatScanner {
  readonly format: ExportFormat;
  readonly fields: ScannedFields;
  /** The detecting members, at their own indexes. */
  readonly detection: RecordFields;
  /** Reads a record of the common form without objects, when the format has such a reader. */
  readonly plain: ((result: ScanResult, out: PlainEvent) => boolean) | undefined;
}

const PLAIN_READERS: Partial<Record<ConcreteFormat, (result: ScanResult, out: PlainEvent) => boolean>> = {
  segment: readPlainSegment,
};

const scanners = new Map<string, FormatScanner>();

export function scannerFor(format: ExportFormat): FormatScanner {
  let scanner = scanners.get(format.name);
  if (scanner === undefined) {
    const fields = ScannedFields.forPaths([...format.paths, ...DETECTION_PATHS]);
    scanner = {
      format,
      fields,
      detection: offsetFields(fields, format.paths.length),
      plain: PLAIN_READERS[format.name],
    };
    scanners.set(format.name, scanner);
  }
  return scanner;
}

/** A view of `fields` whose path indexes start at `offset`. */
function offsetFields(fields: RecordFields, offset: number): RecordFields {
  return {
    has: (path) => fields.has(path + offset),
    isObject: (path) => fields.isObject(path + offset),
    value: (path) => fields.value(path + offset),
    parsed: () => fields.parsed(),
  };
}

let detectionOnly: ScannedFields | undefined;
export function detectionFields(): ScannedFields {
  detectionOnly ??= ScannedFields.forPaths(DETECTION_PATHS);
  return detectionOnly;
}
