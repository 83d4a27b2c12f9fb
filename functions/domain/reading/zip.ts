/*
 * ZIP archives are read as a stream, by their local headers (zip-local-parser.ts), so that an S3 GetObject
 * body or stdin works and the archive is never held; members are inflated by fflate's `Inflate` (MIT, no
 * dependencies). The central directory, last in the archive, is read from a tail kept while streaming (or, a
 * longer or zip64 one, as its records stream past: zip-streamed-directory.ts) and checks what streaming
 * cannot: that the archive is complete, its member count, and each member's CRC-32 and sizes, and the CRC-32
 * and inflated size its local header or data descriptor gives.
 *
 * Libraries compared: yauzl, @zip.js/zip.js and node-stream-zip read the central directory first, so they
 * need random access (zip.js buffers a plain stream whole); unzipper `Parse` and unzip-stream stop the whole
 * archive at the first corrupt member; fflate's `Unzip`, used until it was found to end a member written
 * with a data descriptor at the first record signature in its data (an archive inside it, or chance).
 */
import type { ContainerIssue } from './container-error.js';
import { startsWith } from './peek.js';
import type { UniqueNames } from './unique-names.js';
import type { EntryState } from './zip-entry-state.js';
import type { ReopenArchive } from './zip-lost-members.js';
import type { ZipStreamReader } from './zip-stream-reader.js';

const LOCAL_FILE_HEADER = [0x50, 0x4b, 0x03, 0x04] as const;
// An empty archive is nothing but its end-of-central-directory record.
const END_OF_CENTRAL_DIRECTORY = [0x50, 0x4b, 0x05, 0x06] as const;

export function isZip(head: Uint8Array): boolean {
  return startsWith(head, LOCAL_FILE_HEADER);
}

/** An archive without members: not a ZIP of exports (whose magic is a local header), and no text either. */
export function isEmptyZip(head: Uint8Array): boolean {
  return startsWith(head, END_OF_CENTRAL_DIRECTORY);
}

/** One member of an archive, as it is found; `bytes` must be read (or abandoned) before the next. */
export interface ZipEntry {
  readonly path: string;
  /** `<archive>!<path>`, ` (2)`… added when a file read earlier in the export (an inner archive's too) has that name. */
  readonly name: string;
  /** The member's content after ZIP extraction (a gzipped member stays gzipped). */
  readonly bytes: AsyncGenerator<Uint8Array>;
}

export interface ZipReadOptions {
  /** Inflated size past which a member is refused. */
  readonly maxEntryBytes: number;
  readonly onIssue: (issue: ContainerIssue) => void;
  /** The names already given in this export, nested archives' included. */
  readonly names: UniqueNames;
  /** The archive's bytes again, from its start: to read the members a damaged header hid from the stream. */
  readonly reopen?: ReopenArchive;
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
  // Loaded with the first archive: at import fflate builds its Huffman tables and loads worker_threads,
  // 7-10 ms of every ingest cold start that most exports (gzip or plain JSON) never need.
  const { ZipStreamReader } = await import('./zip-stream-reader.js');
  const reader = new ZipStreamReader(archive, source, options.maxEntryBytes, options.names, options.reopen);
  try {
    for (;;) {
      const entry = reader.take();
      if (entry === undefined) {
        if (await reader.feed()) continue;
        // The first damaged member is the archive's error, thrown after the others are named; a broken
        // archive's own failure is thrown instead, every damaged member named before it.
        const damaged = reader.damaged();
        const thrown = reader.hasUnreportedFailure() ? undefined : damaged.shift();
        for (const { file, reason } of damaged) options.onIssue({ kind: 'damaged-member', file, reason });
        reader.throwUnreportedFailure();
        if (thrown) throw thrown;
        return;
      }
      if (entry.skipped) {
        options.onIssue(entry.skipped);
        continue;
      }
      const bytes = entryBytes(reader, entry);
      try {
        yield { path: entry.path, name: entry.name, bytes };
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
