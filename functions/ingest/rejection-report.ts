import type { Rejection } from '../domain/reading/read-export.js';
import type { ErasedPosition } from './progress.js';

/** One line of a rejection report. */
export type ReportLine =
  | Rejection
  /** A file (or ZIP member) that could not be read to its end, or holds no JSON: position 0, no raw text. */
  | { readonly file: string; readonly position: 0; readonly reason: string };

/**
 * Where a file's rejected events go (port), in file order but for `erased` lines, which merges write as they
 * refuse events, and the position-0 lines of the file or its ZIP members that broke, written last, once the
 * object is read (docs/deploy.md); an NDJSON object in S3 in Lambda.
 */
export interface RejectionReport {
  readonly key: string;
  readonly lines: number;
  write(line: ReportLine): void;
  /** Resolves when the report can take more; reading waits on it so lines never pile up in memory. */
  ready(): Promise<void>;
  /** Everything is written: persist it; with no line, remove an earlier report of the same key. */
  close(): Promise<void>;
  /** Reading failed (the invocation is retried): discard what was written. */
  abort(): Promise<void>;
}

/** Events of an erased user are reported without their text: the erasure must not copy them again. */
export const ERASED_REASON = 'erased';

export function erasedPosition({ file, line, index }: ErasedPosition): ErasedPosition {
  return { file, line, ...(index !== undefined && { index }) };
}

/** The report line of an erased user's event. */
export function erasedLine(position: ErasedPosition) {
  return {
    file: position.file,
    position: position.line,
    ...(position.index !== undefined && { index: position.index }),
    reason: ERASED_REASON,
    raw: '',
  };
}
