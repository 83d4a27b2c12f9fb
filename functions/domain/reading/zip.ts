/*
 * ZIP archives are read with fflate's streaming `Unzip` (MIT, no dependencies, actively released). The
 * candidates compared:
 * - fflate `Unzip`: parses local headers as bytes arrive, so it works on a non-seekable stream (an S3
 *   GetObject body, stdin) and never holds the archive; stored and deflated members, data descriptors,
 *   zip64 sizes; pluggable decoders, which lets a refused member be skipped without inflating it.
 * - yauzl, @zip.js/zip.js, node-stream-zip: read the central directory first, so they need random access
 *   (zip.js buffers a plain stream whole into a Blob).
 * - unzipper `Parse`, unzip-stream: stream too, but stop the whole archive at the first corrupt member,
 *   and pull in old dependencies (bluebird, fs-extra; binary, mkdirp).
 * fflate's gaps, covered here: it neither checks that the archive is complete (a truncated central
 * directory goes unnoticed) nor that its member count is right, so the end-of-central-directory record is
 * checked below. Its known limits: it finds the end of a member written with a data descriptor by scanning
 * for the next record signature, and it does not verify CRC-32s.
 */
import {
  type AsyncFlateStreamHandler,
  type FlateError,
  Inflate,
  Unzip,
  type UnzipDecoder,
  type UnzipFile,
} from 'fflate';
import { ContainerError, type ContainerIssue, formatByteCount } from './container-error.js';
import { startsWith } from './peek.js';

const LOCAL_FILE_HEADER = [0x50, 0x4b, 0x03, 0x04] as const;
// An empty archive is nothing but its end-of-central-directory record.
const END_OF_CENTRAL_DIRECTORY = [0x50, 0x4b, 0x05, 0x06] as const;

export function isZip(head: Uint8Array): boolean {
  return startsWith(head, LOCAL_FILE_HEADER) || startsWith(head, END_OF_CENTRAL_DIRECTORY);
}

/** One member of an archive, as it is found; `bytes` must be read (or abandoned) before the next. */
export interface ZipEntry {
  readonly path: string;
  /** The member's content after ZIP extraction (a gzipped member stays gzipped). */
  readonly bytes: AsyncGenerator<Uint8Array>;
}

export interface ZipReadOptions {
  /** Inflated size past which a member is refused. */
  readonly maxEntryBytes: number;
  readonly onIssue: (issue: ContainerIssue) => void;
}

/**
 * Streams the members of a ZIP archive in archive order. Directories, members of unsupported compression
 * and members declaring more than the size limit are reported and skipped. A member that is corrupt or
 * inflates past the limit throws a ContainerError from its `bytes`, and the next members are still read. A
 * broken archive (truncated, or a member count that disagrees with its directory) throws a ContainerError
 * once, from the member it cuts short or else at the end.
 */
export async function* readZipEntries(
  archive: string,
  source: AsyncIterator<Uint8Array>,
  options: ZipReadOptions,
): AsyncGenerator<ZipEntry> {
  const reader = new ZipStreamReader(archive, source, options.maxEntryBytes);
  try {
    for (;;) {
      const entry = reader.discovered.shift();
      if (entry === undefined) {
        if (await reader.feed()) continue;
        reader.throwUnreportedFailure();
        return;
      }
      if (entry.skipped) {
        options.onIssue(entry.skipped);
        continue;
      }
      const bytes = entryBytes(reader, entry);
      try {
        yield { path: entry.path, bytes };
      } finally {
        await bytes.return(undefined);
        reader.discard(entry);
      }
    }
  } finally {
    await reader.close();
  }
}

async function* entryBytes(reader: ZipStreamReader, entry: EntryState): AsyncGenerator<Uint8Array> {
  try {
    for (;;) {
      const chunk = entry.chunks.shift();
      if (chunk) {
        yield chunk;
        continue;
      }
      if (entry.finished) {
        if (entry.failure) reader.throwFailure(entry.failure);
        return;
      }
      if (!(await reader.feed()) && !entry.finished) reader.endInside(entry);
    }
  } finally {
    reader.discard(entry);
  }
}

interface EntryState {
  readonly path: string;
  readonly name: string;
  readonly file: UnzipFile;
  /** Inflated chunks not yet handed to the reader of `bytes`. */
  readonly chunks: Uint8Array[];
  inflatedBytes: number;
  finished: boolean;
  failure: ContainerError | undefined;
  /** Nobody reads this member (any more): its data is dropped and, where possible, not even inflated. */
  discarded: boolean;
  skipped: ContainerIssue | undefined;
}

const STORED = 0;
const DEFLATED = 8;
/** The archive is fed to fflate in slices so one slice of a ZIP bomb inflates to at most ~16 MiB. */
const FEED_SLICE_BYTES = 16 * 1024;
const EMPTY = new Uint8Array(0);

/** Drives fflate's push parser from a pulled stream, one slice at a time, on demand. */
class ZipStreamReader {
  readonly discovered: EntryState[] = [];
  private readonly unzip = new Unzip();
  private readonly tail = new TailWindow(END_OF_CENTRAL_DIRECTORY_SEARCH_BYTES);
  private pending: Uint8Array = EMPTY;
  private sourceOpen = true;
  private allFed = false;
  private fedBytes = 0;
  private entriesFound = 0;
  /** The member fflate is in the middle of, if the input ends now. */
  private current: EntryState | undefined;
  private failure: ContainerError | undefined;
  private failureReported = false;

  constructor(
    private readonly archive: string,
    private readonly source: AsyncIterator<Uint8Array>,
    private readonly maxEntryBytes: number,
  ) {
    this.unzip.register(StoppableInflate);
    this.unzip.onfile = (file) => this.discover(file);
  }

  /** Feeds the next slice of the archive to fflate; false once the whole archive has been fed. */
  async feed(): Promise<boolean> {
    if (this.allFed) return false;
    if (this.pending.length === 0) {
      const next = await this.source.next().catch((error: unknown) => {
        this.sourceOpen = false;
        this.allFed = true;
        throw error;
      });
      if (next.done) {
        this.sourceOpen = false;
        this.allFed = true;
        this.checkEnd();
        return false;
      }
      this.pending = next.value;
      this.tail.push(next.value);
    }
    const slice = this.pending.subarray(0, FEED_SLICE_BYTES);
    this.pending = this.pending.subarray(slice.length);
    this.unzip.push(slice);
    this.fedBytes += slice.length;
    return true;
  }

  discard(entry: EntryState): void {
    if (entry.discarded) return;
    entry.discarded = true;
    entry.chunks.length = 0;
    if (!entry.finished) entry.file.terminate();
  }

  /** Throws a failure, remembering that the archive's own failure no longer needs reporting. */
  throwFailure(failure: ContainerError): never {
    if (failure === this.failure) this.failureReported = true;
    throw failure;
  }

  throwUnreportedFailure(): void {
    if (this.failure && !this.failureReported) this.throwFailure(this.failure);
  }

  /** The input ran out while `entry` was unfinished. */
  endInside(entry: EntryState): never {
    entry.finished = true;
    entry.failure = this.truncatedInside(entry);
    this.failure ??= entry.failure;
    this.throwFailure(entry.failure);
  }

  async close(): Promise<void> {
    for (const entry of this.discovered) this.discard(entry);
    if (!this.sourceOpen) return;
    this.sourceOpen = false;
    await this.source.return?.();
  }

  private discover(file: UnzipFile): void {
    this.entriesFound++;
    const name = `${this.archive}!${file.name}`;
    const entry: EntryState = {
      path: file.name,
      name,
      file,
      chunks: [],
      inflatedBytes: 0,
      finished: false,
      failure: undefined,
      discarded: false,
      skipped: this.skipReason(file, name),
    };
    this.current = entry;
    if (file.compression !== STORED && file.compression !== DEFLATED) {
      // fflate's start() throws for a method it has no decoder for; this one reads past the member.
      this.unzip.register(discardingDecoder(file.compression));
    }
    file.ondata = (error, data, final) => this.receive(entry, error, data, final);
    file.start();
    if (entry.skipped) this.discard(entry);
    this.discovered.push(entry);
  }

  private skipReason(file: UnzipFile, name: string): ContainerIssue | undefined {
    if (file.name.endsWith('/')) return { kind: 'directory', file: name, reason: 'directory; skipped' };
    if (file.compression !== STORED && file.compression !== DEFLATED) {
      return {
        kind: 'unsupported-compression',
        file: name,
        reason: `${describeMethod(file.compression)}; only stored and deflated members can be read; skipped`,
      };
    }
    if (file.originalSize !== undefined && file.originalSize > this.maxEntryBytes) {
      return {
        kind: 'too-large',
        file: name,
        reason: this.tooLargeReason(`declares ${file.originalSize} bytes`),
      };
    }
    return undefined;
  }

  private receive(entry: EntryState, error: FlateError | null, data: Uint8Array, final: boolean): void {
    if (entry.finished) return;
    if (error) {
      entry.finished = true;
      entry.failure = new ContainerError('corrupt', entry.name, `corrupt deflate data (${error.message})`, {
        deliveredBytes: entry.inflatedBytes,
        compressedOffset: this.fedBytes,
      });
      return;
    }
    if (!entry.discarded && data.length > 0) {
      if (entry.inflatedBytes + data.length > this.maxEntryBytes) {
        entry.finished = true;
        entry.failure = new ContainerError('too-large', entry.name, this.tooLargeReason('inflates'), {
          deliveredBytes: entry.inflatedBytes,
        });
        entry.file.terminate();
        return;
      }
      entry.inflatedBytes += data.length;
      entry.chunks.push(data);
    }
    if (final) entry.finished = true;
  }

  private tooLargeReason(what: string): string {
    return `${what} past the ${formatByteCount(this.maxEntryBytes)} limit; refused`;
  }

  private checkEnd(): void {
    try {
      this.unzip.push(EMPTY, true);
    } catch {
      // fflate throws when the input ends inside a member's data.
      const entry = this.current;
      if (entry && !entry.finished) {
        entry.finished = true;
        entry.failure = this.truncatedInside(entry);
        this.failure = entry.failure;
        return;
      }
    }
    const directory = readEndOfCentralDirectory(this.tail.bytes(), this.fedBytes);
    if (directory === undefined) {
      this.failure = new ContainerError(
        'truncated',
        this.archive,
        `the archive ends without its central directory (truncated file); ${this.entriesFound} members were found before`,
        { deliveredBytes: 0, compressedOffset: this.fedBytes },
      );
    } else if (directory.entryCount !== undefined && directory.entryCount !== this.entriesFound) {
      this.failure = new ContainerError(
        'corrupt',
        this.archive,
        `the central directory lists ${directory.entryCount} members, but ${this.entriesFound} were found reading the archive (damaged archive)`,
      );
    }
  }

  private truncatedInside(entry: EntryState): ContainerError {
    return new ContainerError(
      'truncated',
      entry.name,
      'the archive ends inside this member (truncated file)',
      {
        deliveredBytes: entry.inflatedBytes,
        compressedOffset: this.fedBytes,
      },
    );
  }
}

/** fflate's inflater made stoppable, so that a refused or abandoned member is skipped without inflating it. */
class StoppableInflate implements UnzipDecoder {
  static readonly compression = DEFLATED;
  ondata: AsyncFlateStreamHandler = () => {};
  private stopped = false;
  private readonly inflate = new Inflate((data, final) => this.ondata(null, data, final));

  push(chunk: Uint8Array, final: boolean): void {
    if (this.stopped) return;
    try {
      this.inflate.push(chunk, final);
    } catch (error) {
      this.stopped = true;
      this.ondata(error as FlateError, new Uint8Array(0), true);
    }
  }

  terminate(): void {
    this.stopped = true;
  }
}

function discardingDecoder(compression: number) {
  return class DiscardingDecoder implements UnzipDecoder {
    static readonly compression = compression;
    ondata: AsyncFlateStreamHandler = () => {};
    push(_chunk: Uint8Array, final: boolean): void {
      if (final) this.ondata(null, new Uint8Array(0), true);
    }
  };
}

const METHOD_NAMES: Readonly<Record<number, string>> = {
  9: 'deflate64',
  12: 'bzip2',
  14: 'LZMA',
  93: 'Zstandard',
  95: 'xz',
  98: 'PPMd',
  99: 'AES encryption',
};

function describeMethod(method: number): string {
  const name = METHOD_NAMES[method];
  return `compression method ${method}${name ? ` (${name})` : ''}`;
}

const END_OF_CENTRAL_DIRECTORY_LENGTH = 22;
const MAX_COMMENT_LENGTH = 0xffff;
const ZIP64_LOCATOR_LENGTH = 20;
const ZIP64_END_OF_CENTRAL_DIRECTORY_LENGTH = 56;
/** The record, its longest comment and the zip64 record and locator before it. */
const END_OF_CENTRAL_DIRECTORY_SEARCH_BYTES =
  END_OF_CENTRAL_DIRECTORY_LENGTH +
  MAX_COMMENT_LENGTH +
  ZIP64_LOCATOR_LENGTH +
  ZIP64_END_OF_CENTRAL_DIRECTORY_LENGTH;

/**
 * Finds the end-of-central-directory record in the last bytes of an archive; `entryCount` is undefined
 * when the archive does not say (a zip64 count the tail does not reach).
 */
export function readEndOfCentralDirectory(
  tail: Uint8Array,
  archiveLength: number,
): { entryCount: number | undefined } | undefined {
  const view = new DataView(tail.buffer, tail.byteOffset, tail.byteLength);
  const tailOffset = archiveLength - tail.length;
  const lowest = Math.max(0, tail.length - END_OF_CENTRAL_DIRECTORY_LENGTH - MAX_COMMENT_LENGTH);
  for (let at = tail.length - END_OF_CENTRAL_DIRECTORY_LENGTH; at >= lowest; at--) {
    if (view.getUint32(at, true) !== 0x06054b50) continue;
    // Writers that pad after the comment exist, so the record need not end the file exactly.
    if (at + END_OF_CENTRAL_DIRECTORY_LENGTH + view.getUint16(at + 20, true) > tail.length) continue;
    const entryCount = view.getUint16(at + 10, true);
    if (entryCount !== 0xffff) return { entryCount };
    return { entryCount: readZip64EntryCount(view, at - ZIP64_LOCATOR_LENGTH, tailOffset) };
  }
  return undefined;
}

function readZip64EntryCount(view: DataView, locator: number, tailOffset: number): number | undefined {
  if (locator < 0 || view.getUint32(locator, true) !== 0x07064b50) return undefined;
  const record = Number(view.getBigUint64(locator + 8, true)) - tailOffset;
  if (record < 0 || record + ZIP64_END_OF_CENTRAL_DIRECTORY_LENGTH > locator) return undefined;
  if (view.getUint32(record, true) !== 0x06064b50) return undefined;
  return Number(view.getBigUint64(record + 32, true));
}

/** The last `capacity` bytes of a stream, copied into a ring so that a long run of tiny chunks stays cheap. */
class TailWindow {
  private readonly ring: Uint8Array;
  private end = 0;
  private filled = 0;

  constructor(capacity: number) {
    this.ring = new Uint8Array(capacity);
  }

  push(chunk: Uint8Array): void {
    const capacity = this.ring.length;
    const part = chunk.length > capacity ? chunk.subarray(chunk.length - capacity) : chunk;
    const untilWrap = Math.min(part.length, capacity - this.end);
    this.ring.set(part.subarray(0, untilWrap), this.end);
    this.ring.set(part.subarray(untilWrap), 0);
    this.end = (this.end + part.length) % capacity;
    this.filled = Math.min(capacity, this.filled + part.length);
  }

  bytes(): Uint8Array {
    if (this.filled < this.ring.length) return this.ring.subarray(0, this.filled);
    const ordered = new Uint8Array(this.ring.length);
    ordered.set(this.ring.subarray(this.end));
    ordered.set(this.ring.subarray(0, this.end), this.ring.length - this.end);
    return ordered;
  }
}
