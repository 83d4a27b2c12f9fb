import { Readable } from 'node:stream';
import { deflateRawSync } from 'node:zlib';
import { strToU8, Zip, ZipPassThrough, zipSync } from 'fflate';
import * as yazl from 'yazl';
import { ContainerError, type ContainerIssue } from '../../../functions/domain/reading/container-error.js';
import { type OpenExportOptions, openExport } from '../../../functions/domain/reading/containers.js';
import type { WideEncodingGuess } from '../../../functions/domain/reading/text-encoding.js';

/** Test helpers: archives built in memory by two writers, chunked streams, and a consumer that records. */

export interface ArchiveMember {
  readonly path: string;
  readonly content: Uint8Array;
  /** Deflated unless false. */
  readonly deflate?: boolean;
}

export const bytesOf = (text: string): Uint8Array => strToU8(text);
export const textOf = (bytes: Uint8Array): string => Buffer.from(bytes).toString('utf8');

/** `count` NDJSON lines of track events tagged `tag`, numbered. */
export const trackLines = (count: number, tag: string): string =>
  Array.from({ length: count }, (_, index) => JSON.stringify({ type: 'track', event: tag, index })).join(
    '\n',
  );

/** Where a member's data starts: its name is the last thing in its local header. */
export function dataOffset(archive: Uint8Array, path: string): number {
  const at = Buffer.from(archive).indexOf(Buffer.from(path));
  if (at === -1) throw new Error(`no ${path} in the archive`);
  return at + path.length;
}

/** A local header's fixed part, before the member's name; its compressed size sits at byte 18 of it. */
export const LOCAL_HEADER_BYTES = 30;
export const COMPRESSED_SIZE_AT = 18;

/** Where `path`'s local header starts (with no extra field: the name is the last thing in the header). */
export function localHeaderOffset(archive: Uint8Array, path: string): number {
  return dataOffset(archive, path) - path.length - LOCAL_HEADER_BYTES;
}

/** Where the archive's central directory starts: its first record's signature. */
export function directoryOffset(archive: Uint8Array): number {
  const at = Buffer.from(archive).indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]));
  if (at === -1) throw new Error('no central directory in the archive');
  return at;
}

/** fflate's one-shot writer: sizes and CRCs in every local header. */
export function zipWithSizes(members: readonly ArchiveMember[]): Uint8Array {
  return zipSync(
    Object.fromEntries(
      members.map((member) => [member.path, [member.content, { level: member.deflate === false ? 0 : 6 }]]),
    ),
  );
}

/**
 * A member for fflate's streaming writer, deflated by zlib: fflate's own streaming `Deflate` writes invalid
 * back-references for some inputs (fflate issue 260, open in 0.8.3), which made archives unreadable at random.
 * Takes its content in one push.
 */
class ZlibZipDeflate extends ZipPassThrough {
  constructor(path: string) {
    super(path);
    this.compression = 8;
  }

  protected override process(chunk: Uint8Array, final: boolean): void {
    if (!final) throw new Error('ZlibZipDeflate takes a member in one push');
    this.ondata(null, deflateRawSync(chunk), final);
  }
}

/** fflate's streaming writer: every member followed by a data descriptor, as streaming zippers write. */
export function zipWithDataDescriptors(members: readonly ArchiveMember[]): Uint8Array {
  const parts: Uint8Array[] = [];
  const zip = new Zip((error, data) => {
    if (error) throw error;
    parts.push(data);
  });
  for (const member of members) {
    const file = member.deflate === false ? new ZipPassThrough(member.path) : new ZlibZipDeflate(member.path);
    zip.add(file);
    file.push(member.content, true);
  }
  zip.end();
  return Buffer.concat(parts);
}

export interface YazlOptions {
  /** Adds members as streams, so yazl writes data descriptors. */
  readonly streamed?: boolean;
  readonly zip64?: boolean;
  readonly directories?: readonly string[];
}

/** yazl, a second, independent writer. */
export async function zipWithYazl(
  members: readonly ArchiveMember[],
  options: YazlOptions = {},
): Promise<Uint8Array> {
  const zip = new yazl.ZipFile();
  for (const directory of options.directories ?? []) zip.addEmptyDirectory(directory);
  for (const member of members) {
    const fileOptions = { compress: member.deflate !== false, forceZip64Format: options.zip64 ?? false };
    if (options.streamed)
      zip.addReadStream(Readable.from([Buffer.from(member.content)]), member.path, fileOptions);
    else zip.addBuffer(Buffer.from(member.content), member.path, fileOptions);
  }
  zip.end({ forceZip64Format: options.zip64 ?? false, comment: '' });
  const chunks: Buffer[] = [];
  for await (const chunk of zip.outputStream as AsyncIterable<Buffer>) chunks.push(chunk);
  return Buffer.concat(chunks);
}

/** Yields the bytes in pieces of the given sizes, cycling through them, as a network stream would. */
export async function* chunked(
  bytes: Uint8Array,
  sizes: readonly number[] = [64 * 1024],
): AsyncGenerator<Uint8Array> {
  let offset = 0;
  for (let turn = 0; offset < bytes.length; turn++) {
    const size = Math.max(1, sizes[turn % sizes.length] ?? 1);
    yield bytes.subarray(offset, offset + size);
    offset += size;
  }
}

/** A source that records whether it was closed before its end. */
export function trackedSource(bytes: Uint8Array, chunkSize = 1024) {
  const state = { closed: false, pulled: 0 };
  async function* generate(): AsyncGenerator<Uint8Array> {
    try {
      for await (const chunk of chunked(bytes, [chunkSize])) {
        state.pulled += chunk.length;
        yield chunk;
      }
    } finally {
      state.closed = true;
    }
  }
  return { state, source: generate() };
}

export async function concatBytes(source: AsyncIterable<Uint8Array>): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  for await (const chunk of source) chunks.push(chunk);
  return Buffer.concat(chunks);
}

export interface ReadMember {
  readonly name: string;
  readonly compression: 'none' | 'gzip';
  readonly inZip: boolean;
  readonly text: string;
  /** Set when the member's bytes broke; `text` holds what came before. */
  readonly error?: ContainerError;
  readonly wideEncoding?: WideEncodingGuess;
}

export interface ReadOutcome {
  readonly members: ReadMember[];
  readonly issues: ContainerIssue[];
  /** A ContainerError thrown by openExport itself (a broken archive). */
  readonly error?: ContainerError;
}

/** Reads every member to its end as the sessionizer will, keeping what came before any break. */
export async function readExport(
  name: string,
  source: AsyncIterable<Uint8Array>,
  options: Omit<OpenExportOptions, 'onIssue'> = {},
): Promise<ReadOutcome> {
  const members: ReadMember[] = [];
  const issues: ContainerIssue[] = [];
  try {
    for await (const member of openExport(name, source, {
      ...options,
      onIssue: (issue) => issues.push(issue),
    })) {
      const chunks: Uint8Array[] = [];
      let error: ContainerError | undefined;
      try {
        for await (const chunk of member.bytes) chunks.push(chunk);
      } catch (caught) {
        if (!(caught instanceof ContainerError)) throw caught;
        error = caught;
      }
      const { name: memberName, compression, inZip, wideEncoding } = member;
      const text = textOf(Buffer.concat(chunks));
      members.push({
        name: memberName,
        compression,
        inZip,
        text,
        ...(error && { error }),
        ...(wideEncoding && { wideEncoding }),
      });
    }
  } catch (caught) {
    if (!(caught instanceof ContainerError)) throw caught;
    return { members, issues, error: caught };
  }
  return { members, issues };
}

/** A tar archive as `tar cf` writes it: a 512-byte header a file (GNU's `ustar  ` magic, POSIX's, or none in
 * a pre-POSIX V7 header, as `tar --format=v7` writes), its data padded to 512 bytes, and two zero blocks at
 * the end. */
export function tarOf(
  files: Readonly<Record<string, string>>,
  magic: 'gnu' | 'posix' | 'v7' = 'gnu',
): Uint8Array {
  const blocks: Buffer[] = [];
  for (const [path, text] of Object.entries(files)) {
    const data = Buffer.from(text, 'utf8');
    const header = Buffer.alloc(512);
    header.write(path, 0, 'utf8');
    header.write('0000644\0', 100, 'latin1');
    header.write('0000000\0', 108, 'latin1');
    header.write('0000000\0', 116, 'latin1');
    header.write(`${data.length.toString(8).padStart(11, '0')}\0`, 124, 'latin1');
    header.write('15304535740\0', 136, 'latin1');
    if (magic !== 'v7') header.write('0', 156, 'latin1');
    if (magic !== 'v7') header.write(magic === 'gnu' ? 'ustar  \0' : 'ustar\x0000', 257, 'latin1');
    // The checksum sums the header with its own field read as spaces.
    header.fill(0x20, 148, 156);
    const sum = header.reduce((total, byte) => total + byte, 0);
    header.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 'latin1');
    blocks.push(header, data, Buffer.alloc((512 - (data.length % 512)) % 512));
  }
  return Buffer.concat([...blocks, Buffer.alloc(1024)]);
}
