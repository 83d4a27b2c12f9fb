import type { FieldPath, RecordFields } from '../events/formats/format.js';
import { type CompiledPaths, compilePaths, ScanResult, scan, ValueKind } from './json-scan.js';

/**
 * {@link RecordFields} over one scan of a record's bytes: values are decoded only when a format reads them,
 * and the whole record is parsed only for the rare content id or tie-break that needs it.
 */
export class ScannedFields implements RecordFields {
  readonly result: ScanResult;
  private parsedRecord: Record<string, unknown> | undefined;

  constructor(readonly compiled: CompiledPaths) {
    this.result = new ScanResult(compiled);
  }

  static forPaths(paths: readonly FieldPath[]): ScannedFields {
    return new ScannedFields(compilePaths(paths));
  }

  /** Scans `bytes[start, end)`; false when the text is not JSON. */
  scan(bytes: Buffer, start: number, end: number): boolean {
    this.parsedRecord = undefined;
    return scan(bytes, start, end, this.compiled, this.result);
  }

  get rootIsObject(): boolean {
    return this.result.rootKind === ValueKind.Object;
  }

  has(path: number): boolean {
    return this.result.kind(path) !== ValueKind.None;
  }

  isObject(path: number): boolean {
    return this.result.kind(path) === ValueKind.Object;
  }

  isoInstant(path: number): number | undefined {
    return this.result.isoInstant(path);
  }

  value(path: number): unknown {
    switch (this.result.kind(path)) {
      case ValueKind.None:
        return undefined;
      case ValueKind.String:
        return this.result.string(path);
      case ValueKind.Number:
        return this.result.number(path);
      case ValueKind.True:
        return true;
      case ValueKind.False:
        return false;
      case ValueKind.Null:
        return null;
      default:
        return JSON.parse(this.result.raw(path) as string);
    }
  }

  /** The record's text, as the file holds it. */
  text(): string {
    return this.result.bytes.toString('utf8', this.result.start, this.result.end);
  }

  parsed(): Record<string, unknown> {
    this.parsedRecord ??= JSON.parse(this.text()) as Record<string, unknown>;
    return this.parsedRecord;
  }
}
