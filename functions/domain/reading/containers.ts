import { type BinaryFormat, binaryFormatOf, type TarHeader, tarHeaderOf } from './binary-formats.js';
import { ContainerError, type ContainerIssue } from './container-error.js';
import { gunzip, isGzip } from './gzip.js';
import { type PeekedBytes, peekBytes, skipBytes } from './peek.js';
import { ENCODING_SNIFF_BYTES, sniffTextEncoding, type WideEncodingGuess } from './text-encoding.js';
import { UniqueNames } from './unique-names.js';
import { isEmptyZip, isZip, readZipEntries } from './zip.js';
import type { ReopenArchive } from './zip-lost-members.js';

/** One file of an export: the export file itself, or one member of a ZIP archive. */
export interface ExportMember {
  /** The file's own name, or `<archive>!<member path>` for a ZIP member. */
  readonly name: string;
  /** How this member's bytes were stored (after ZIP extraction); `bytes` is already decompressed. */
  readonly compression: 'none' | 'gzip';
  readonly inZip: boolean;
  /**
   * The decompressed content, streamed, without a UTF-8 byte-order mark. Single use. Throws a
   * ContainerError where the content breaks (corrupt, truncated, too large), after every byte before the
   * break.
   */
  readonly bytes: AsyncIterable<Uint8Array>;
  /**
   * Set when the content starts like UTF-16 or UTF-32 text. It is still read as UTF-8, line by line like any
   * other, so that a JSON line after such a start counts: this only words the error of a file none of whose
   * lines is JSON.
   */
  readonly wideEncoding?: WideEncodingGuess;
  /** Set when the content starts like a binary format (zstd, Parquet…); like `wideEncoding`, for the error. */
  readonly binaryFormat?: BinaryFormat;
}

export interface OpenExportOptions {
  /** Decompressed size past which a ZIP member is refused (ZIP bomb guard); 4 GiB unless set. */
  readonly maxMemberBytes?: number;
  /**
   * Hears of each member that is not yielded at all, and why (directory, nested archive, …), and of each
   * archive inside an archive that breaks (the outer one reads on).
   */
  readonly onIssue?: (issue: ContainerIssue) => void;
  /**
   * The file's bytes again, from its start: a ZIP archive's members that a damaged local header hid from the
   * stream are read from where its central directory places them (zip-lost-members.ts). Without it they are
   * only named, in the archive's error. Members of an archive inside an archive are only named either way.
   */
  readonly reopen?: ReopenArchive;
}

export const DEFAULT_MAX_MEMBER_BYTES = 4 * 1024 ** 3;

/** ZIP archives read inside one another at most, the outermost included: a ZIP quine ends there. */
export const MAX_ARCHIVE_DEPTH = 4;

/**
 * Turns the bytes of one export file into the files inside it: the file itself (plain or gzipped, by magic
 * bytes whatever its name) or each member of a ZIP archive (members may be gzipped, or archives in turn).
 * Read each member's `bytes` to its end, or abandon them, before asking for the next member; sources are
 * closed either way. A ZIP archive that is itself broken throws a ContainerError once, from the member it
 * cuts short or at the end; one inside it is reported to `onIssue` instead, and reading goes on.
 */
export async function* openExport(
  name: string,
  source: AsyncIterable<Uint8Array>,
  options: OpenExportOptions = {},
): AsyncGenerator<ExportMember> {
  const maxMemberBytes = options.maxMemberBytes ?? DEFAULT_MAX_MEMBER_BYTES;
  if (!(maxMemberBytes > 0)) throw new RangeError(`maxMemberBytes must be positive, got ${maxMemberBytes}`);
  const onIssue = options.onIssue ?? (() => {});
  const file = await peekBytes(source[Symbol.asyncIterator](), ENCODING_SNIFF_BYTES);
  try {
    if (isEmptyZip(file.head)) {
      onIssue({
        kind: 'empty-archive',
        file: name,
        reason: 'an empty ZIP archive: it holds no files to read',
      });
      return;
    }
    if (!isZip(file.head)) {
      yield* openContent(name, file, { inZip: false, maxBytes: Number.POSITIVE_INFINITY, onIssue });
      return;
    }
    const context = { maxMemberBytes, onIssue, names: new UniqueNames() };
    yield* openArchive(name, file.bytes, 1, context, options.reopen);
  } finally {
    await file.close();
  }
}

interface ArchiveContext {
  readonly maxMemberBytes: number;
  readonly onIssue: (issue: ContainerIssue) => void;
  /** One for the whole export: an outer member's path may spell an inner archive's member (`a.zip!x.json`). */
  readonly names: UniqueNames;
}

/**
 * The members of a ZIP archive, and of the archives inside it: each member is a file of its own, so one that
 * is a ZIP archive is unpacked too, its members named `<archive>!<inner archive>!<path>`. An inner archive
 * that breaks is a file error of its own, and the members after it are still read.
 */
async function* openArchive(
  archive: string,
  bytes: AsyncIterator<Uint8Array>,
  depth: number,
  context: ArchiveContext,
  reopen?: ReopenArchive,
): AsyncGenerator<ExportMember> {
  const { maxMemberBytes, onIssue, names } = context;
  for await (const entry of readZipEntries(archive, bytes, {
    maxEntryBytes: maxMemberBytes,
    onIssue,
    names,
    ...(reopen !== undefined && { reopen }),
  })) {
    const member = entry.name;
    const content = await peekBytes(entry.bytes, ENCODING_SNIFF_BYTES);
    if (!isZip(content.head)) {
      yield* openContent(member, content, { inZip: true, maxBytes: maxMemberBytes, onIssue });
      continue;
    }
    try {
      if (depth >= MAX_ARCHIVE_DEPTH) {
        onIssue({
          kind: 'too-deep',
          file: member,
          reason: `ZIP archives nested more than ${MAX_ARCHIVE_DEPTH} deep; not unpacked`,
        });
      } else {
        yield* openArchive(member, content.bytes, depth + 1, context);
      }
    } catch (error) {
      if (!(error instanceof ContainerError)) throw error;
      onIssue({ kind: 'broken-archive', file: error.file, reason: error.reason });
    } finally {
      await content.close();
    }
  }
}

interface ContentContext {
  readonly inZip: boolean;
  readonly maxBytes: number;
  readonly onIssue: (issue: ContainerIssue) => void;
}

/** Yields the content as one member (gunzipped if need be), closing it once the caller moves on. */
async function* openContent(
  name: string,
  raw: PeekedBytes,
  { inZip, maxBytes, onIssue }: ContentContext,
): AsyncGenerator<ExportMember> {
  if (!isGzip(raw.head)) {
    try {
      const tar = tarHeaderOf(raw.head);
      if (tar) onIssue({ kind: 'tar-archive', file: name, reason: tarReason(tar, '') });
      else yield { name, compression: 'none', inZip, ...textContent(raw) };
    } finally {
      await raw.close();
    }
    return;
  }
  const inflated = await peekBytes(gunzip(name, raw.bytes, maxBytes), ENCODING_SNIFF_BYTES);
  try {
    if (isZip(inflated.head) || isGzip(inflated.head)) {
      const inner = isZip(inflated.head) ? 'a ZIP archive' : 'gzip data again';
      const reason = `the gzip data holds ${inner}; not unpacked`;
      onIssue({ kind: 'nested-archive', file: name, reason, compression: 'gzip' });
      return;
    }
    const tar = tarHeaderOf(inflated.head);
    if (tar) {
      onIssue({ kind: 'tar-archive', file: name, reason: tarReason(tar, 'gzip'), compression: 'gzip' });
      return;
    }
    yield { name, compression: 'gzip', inZip, ...textContent(inflated) };
  } finally {
    // Closing the inflated stream closes the gunzip and, through it, the raw bytes.
    await inflated.close();
    await raw.close();
  }
}

/**
 * Why a tar archive (plain or gzipped, a file or a ZIP member) is not read, and what to do instead: its files
 * would read as text with the headers glued on, so none of it is read (docs/rules.md, "Containers").
 */
function tarReason(header: TarHeader, compression: '' | 'gzip'): string {
  const told =
    header === 'ustar' ? 'magic "ustar" at byte 257' : 'a pre-POSIX V7 header, without "ustar" magic';
  const inGzip = header === 'ustar' ? ' of the gzip data' : ', in the gzip data';
  const what =
    compression === 'gzip' ? `a gzipped tar archive (${told}${inGzip})` : `a tar archive (${told})`;
  return `file is ${what}; exports are read as JSON text, plain, gzipped or in a ZIP archive: extract the tar and read or upload its files (or a ZIP of them) instead`;
}

/** The content without its UTF-8 byte-order mark, and the wide encoding or binary format it looks like. */
function textContent(content: PeekedBytes): Pick<ExportMember, 'bytes' | 'wideEncoding' | 'binaryFormat'> {
  const binaryFormat = binaryFormatOf(content.head);
  if (binaryFormat !== undefined) return { bytes: content.bytes, binaryFormat };
  const sniffed = sniffTextEncoding(content.head);
  if (sniffed.encoding !== 'UTF-8') return { bytes: content.bytes, wideEncoding: sniffed };
  return {
    bytes:
      sniffed.byteOrderMarkLength === 0
        ? content.bytes
        : skipBytes(content.bytes, sniffed.byteOrderMarkLength),
  };
}
