import { crc32 } from 'node:zlib';
import type { FlateError } from 'fflate';
import { ContainerError } from './container-error.js';
import type { UniqueNames } from './unique-names.js';
import { archiveFailure, damagedMembers, ranOver, readArchiveEnd } from './zip-directory-check.js';
import type { DirectoryMatch } from './zip-directory-match.js';
import {
  END_OF_CENTRAL_DIRECTORY_SEARCH_BYTES,
  type EndOfCentralDirectory,
  TailWindow,
} from './zip-end-record.js';
import { type EntryState, UNNAMED } from './zip-entry-state.js';
import { type LocalMember, ZipLocalParser } from './zip-local-parser.js';
import { type LostMember, LostMemberReader, lostMembers, type ReopenArchive } from './zip-lost-members.js';
import { skipReason, tooLargeReason } from './zip-member-admission.js';
import { DiscardingDecoder, decoderFor } from './zip-member-decoders.js';
import type { MemberSink } from './zip-member-sink.js';
import { StreamedDirectory } from './zip-streamed-directory.js';

/** The archive is parsed in slices so one slice of a ZIP bomb inflates to at most ~16 MiB. */
const FEED_SLICE_BYTES = 16 * 1024;
const EMPTY = new Uint8Array(0);

/** Drives the push parser from a pulled stream, one slice at a time, on demand. */
export class ZipStreamReader {
  /** Members parsed and not yet taken, in archive order: unnamed (see {@link take}). */
  private readonly discovered: EntryState[] = [];
  /** Every member found, in archive order, for the central directory's checks at the end. */
  private readonly found: EntryState[] = [];
  /** The directory as it streams past, for when the tail does not hold it. */
  private readonly streamed = new StreamedDirectory(this.found);
  private readonly parser = new ZipLocalParser((member) => this.discover(member), this.streamed);
  private readonly tail = new TailWindow(END_OF_CENTRAL_DIRECTORY_SEARCH_BYTES);
  private pending: Uint8Array = EMPTY;
  private sourceOpen = true;
  private allFed = false;
  private fedBytes = 0;
  /** The member the parser is in the middle of, if the input ends now. */
  private current: EntryState | undefined;
  private failure: ContainerError | undefined;
  private failureReported = false;
  /** The central directory's records paired with the members found, once read whole: each is checked against its own. */
  private listed: DirectoryMatch | undefined;
  private directory: EndOfCentralDirectory | undefined;
  /** Reads the members the stream did not come to, once it has ended, when the archive can be read again. */
  private lost: LostMemberReader | undefined;

  /**
   * `names`, the export's: a path the archive holds twice (ZIP allows it), two decoding to one text, or one
   * spelling an inner archive's member, are named apart as each member is taken, a skipped one too: every
   * issue then names the member it is about (a CRC-32 mismatch found at the end, a refusal).
   */
  constructor(
    private readonly archive: string,
    private readonly source: AsyncIterator<Uint8Array>,
    private readonly maxEntryBytes: number,
    private readonly names: UniqueNames,
    private readonly reopen?: ReopenArchive,
  ) {}

  /**
   * Feeds the next slice of the archive to the parser, then of the members it did not come to; false once
   * all have been fed.
   */
  async feed(): Promise<boolean> {
    if (this.allFed) return this.feedLost();
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
        return this.feedLost();
      }
      this.pending = next.value;
      this.tail.push(next.value);
    }
    const slice = this.pending.subarray(0, FEED_SLICE_BYTES);
    this.pending = this.pending.subarray(slice.length);
    this.parser.push(slice);
    this.fedBytes += slice.length;
    return true;
  }

  /**
   * The next member in archive order, named now: the parser runs ahead (the chunk ending a member may hold the
   * next header), and named when parsed a member took its name before the members of an inner archive read
   * earlier, so names, by which a copy is read again, depended on the chunks. Taking waits for the member
   * before to be done with, an inner archive's members included.
   */
  take(): EntryState | undefined {
    const entry = this.discovered.shift();
    if (entry === undefined) return undefined;
    entry.name = this.names.unique(`${this.archive}!${entry.path}`);
    if (entry.skipped !== undefined) entry.skipped = { ...entry.skipped, file: entry.name };
    const early = entry.failure;
    if (early !== undefined) {
      // A break found while the member's data streamed past ahead of the reader: it names the member now.
      entry.failure = new ContainerError(early.kind, entry.name, early.reason, early.progress);
      if (this.failure === early) this.failure = entry.failure;
    }
    return entry;
  }

  /** Members whose content does not match the directory's CRC-32, in archive order: each named on its own. */
  damaged(): ContainerError[] {
    return this.listed === undefined ? [] : damagedMembers(this.found, this.listed);
  }

  discard(entry: EntryState): void {
    if (entry.discarded) return;
    entry.discarded = true;
    entry.chunks.length = 0;
    if (!entry.finished) {
      entry.crc = undefined;
      entry.decoder.terminate();
    }
  }

  /** Throws a failure, remembering that the archive's own failure no longer needs reporting. */
  throwFailure(failure: ContainerError): never {
    if (failure === this.failure) this.failureReported = true;
    throw failure;
  }

  /** Whether the archive broke in a way not yet thrown: that, not a damaged member, is its error. */
  hasUnreportedFailure(): boolean {
    return this.failure !== undefined && !this.failureReported;
  }

  throwUnreportedFailure(): void {
    if (this.failure && !this.failureReported) this.throwFailure(this.failure);
  }

  /** The input ran out while `entry` was unfinished. */
  endInside(entry: EntryState): never {
    // What the decoder still holds is decoded first: it comes before the end, or shows damage before it.
    if (!entry.finished) entry.decoder.flush();
    entry.finished = true;
    entry.failure ??= this.truncatedInside(entry);
    this.failure ??= entry.failure;
    this.throwFailure(entry.failure);
  }

  async close(): Promise<void> {
    for (const entry of this.discovered) this.discard(entry);
    await this.lost?.close();
    if (!this.sourceOpen) return;
    this.sourceOpen = false;
    await this.source.return?.();
  }

  private async feedLost(): Promise<boolean> {
    const lost = this.lost;
    if (lost === undefined) return false;
    if (await lost.feed()) return true;
    this.lost = undefined;
    await lost.close();
    this.finishArchive();
    return false;
  }

  private discoverLost(member: LocalMember, lost: LostMember): MemberSink {
    const sink = this.discover(member);
    this.listed?.pairRecovered(this.found.length - 1, lost.unpaired);
    return sink;
  }

  private discover(member: LocalMember): MemberSink {
    const skipped = skipReason(member, this.maxEntryBytes);
    const decoder = skipped ? new DiscardingDecoder() : decoderFor(member.compression);
    const entry: EntryState = {
      path: member.name,
      headerOffset: member.headerOffset,
      dataOffset: member.dataOffset,
      name: UNNAMED,
      decoder,
      chunks: [],
      inflatedBytes: 0,
      compressedBytes: 0,
      declared:
        member.crc === undefined || member.originalSize === undefined
          ? undefined
          : { record: 'local header', crc: member.crc, originalSize: member.originalSize },
      crc: 0,
      finished: false,
      failure: undefined,
      discarded: false,
      skipped,
    };
    this.current = entry;
    this.found.push(entry);
    decoder.ondata = (error, data, final) => this.receive(entry, error, data, final);
    if (entry.skipped) this.discard(entry);
    this.discovered.push(entry);
    // Counted for the central directory's sizes, checked at the end.
    return {
      data: (chunk) => {
        entry.compressedBytes += chunk.length;
        decoder.data(chunk);
      },
      end: (descriptor) => {
        if (descriptor) entry.declared = { record: 'data descriptor', ...descriptor };
        decoder.end();
      },
    };
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
        entry.failure = new ContainerError(
          'too-large',
          entry.name,
          tooLargeReason('inflates', this.maxEntryBytes),
          {
            deliveredBytes: entry.inflatedBytes,
          },
        );
        entry.decoder.terminate();
        return;
      }
      entry.inflatedBytes += data.length;
      if (entry.crc !== undefined) entry.crc = crc32(data, entry.crc);
      entry.chunks.push(data);
    }
    if (final) entry.finished = true;
  }

  private checkEnd(): void {
    const inside = this.parser.end() ? this.current : undefined;
    const end = readArchiveEnd(this.archive, this.tail.bytes(), this.fedBytes, this.found, this.streamed);
    if (inside && !inside.finished) {
      if (!ranOver(inside, end.listed?.recordOf(this.found.length - 1))) {
        inside.decoder.flush();
        inside.finished = true;
        inside.failure ??= this.truncatedInside(inside);
        this.failure = inside.failure;
        return;
      }
      // Its local header's size ran on past the archive's end, the directory read as its data: it ends here,
      // and the directory, read from the tail, places the members it ran over.
      this.parser.cut();
    }
    this.failure ??= end.failure;
    this.listed = end.listed;
    this.directory = end.directory;
    const lost =
      this.reopen === undefined || end.listed === undefined || end.directory === undefined
        ? []
        : lostMembers(this.found, end.listed, end.directory.span?.offset ?? this.fedBytes);
    if (this.reopen === undefined || lost.length === 0) {
      this.finishArchive();
      return;
    }
    this.lost = new LostMemberReader(
      this.reopen,
      lost,
      (member, of) => this.discoverLost(member, of),
      FEED_SLICE_BYTES,
    );
  }

  /** Every member was read: what the end record says of the archive as a whole. */
  private finishArchive(): void {
    if (this.directory === undefined) return;
    this.failure ??= archiveFailure(this.archive, this.directory, this.found.length, this.listed);
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
