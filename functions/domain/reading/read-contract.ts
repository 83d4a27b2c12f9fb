/** What reading an export takes (options, a sink for its events and rejections) and gives (a summary per file). */

import type { InputFormat } from '../../../contract/index.js';
import type { EventRecord } from '../events/event.js';
import type { ConcreteFormat } from '../events/formats/format.js';
import type { BrowserOf } from '../events/normalize.js';
import type { PlainEvent } from './plain-event.js';
import type { RecordContainer } from './records.js';
import type { Rejection } from './rejection.js';

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
  /**
   * An accepted event of the common form, not made into an {@link EventRecord}, with its position
   * (plain-event.ts): read it before the call returns, since the next record overwrites it. Without it,
   * every event comes to `event`.
   */
  plainEvent?(event: PlainEvent): void;
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
  /**
   * Why the file was skipped unread, not an error: a ZIP member that holds no events of any format (a manifest,
   * a directory), or, in the CLI, an AWS Lambda test event found in a folder. Not counted among files read.
   */
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
   * held. A ZIP archive's members a damaged local header hid from the stream are read with it too
   * (zip-lost-members.ts); without it, they are only named in the archive's error.
   */
  readonly reopen?: () => AsyncIterable<Uint8Array> | Promise<AsyncIterable<Uint8Array>>;
}
