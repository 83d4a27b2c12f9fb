/**
 * Splits a streamed ZIP archive into its members by their local headers: the central directory comes last,
 * and a stream cannot seek to it, so members are found without it. A member that says its size up front ends
 * there; one written with a data descriptor ends where zip-data-descriptor.ts finds it. The directory's
 * records, as they stream past, go to a listener that checks the members against them.
 */
import { centralRecordExtent, type DirectoryEntry, readCentralRecord } from './zip-central-record.js';
import { DESCRIPTOR_DECIDED_AFTER, DescribedMember, type DescriptorEnd } from './zip-data-descriptor.js';
import type { MemberSink } from './zip-member-sink.js';
import { decodeZipName } from './zip-names.js';
import { CENTRAL_FILE_HEADER, LOCAL_FILE_HEADER, nextRecord, viewOf } from './zip-signatures.js';
import { readZip64Extra } from './zip64-extra.js';

/** A member as its local header declares it. */
export interface LocalMember {
  readonly name: string;
  readonly compression: number;
  /** The declared sizes; undefined when the member is written with a data descriptor. */
  readonly compressedSize: number | undefined;
  readonly originalSize: number | undefined;
  /** The CRC-32 the header gives; undefined when the member is written with a data descriptor. */
  readonly crc: number | undefined;
  /** Encrypted (flag bit 0): its data cannot be read without a password. */
  readonly encrypted: boolean;
  /** Where its local header and its data start in the archive. */
  readonly headerOffset: number;
  readonly dataOffset: number;
}

/**
 * Hears of the central directory's records as they stream past, so that a directory the archive's tail does
 * not hold (a long or zip64 one) is read all the same.
 */
export interface DirectoryListener {
  /** One record, its name copied; false to hear of no more (and of no end). */
  listed(entry: DirectoryEntry): boolean;
  /** The records end: they were at `[start, end)` of the archive. */
  ended(start: number, end: number): void;
}

const LOCAL_HEADER_LENGTH = 30;
const FLAG_ENCRYPTED = 1;
const FLAG_DATA_DESCRIPTOR = 8;
const EMPTY = new Uint8Array(0);

type State =
  | { readonly kind: 'between' }
  | { readonly kind: 'sized'; readonly sink: MemberSink; remaining: number }
  | { readonly kind: 'described'; readonly member: DescribedMember }
  /** In the central directory: `skip`, the rest of a record's comment. */
  | { readonly kind: 'directory'; readonly start: number; skip: number }
  /** Past the directory's records, or no longer listening to them: the tail is read at the end instead. */
  | { readonly kind: 'done' };

/** A push parser: give it the archive's bytes in order; it announces each member and hands on its bytes. */
export class ZipLocalParser {
  private state: State = { kind: 'between' };
  /** Bytes received but not yet handed on: a partial header, or a possible data descriptor's start. */
  private held: Uint8Array = EMPTY;
  /** Bytes pushed so far: the end of the bytes being stepped through, as an offset in the archive. */
  private pushed: number;

  /** Bytes of the last push left unread once its member was read (`once`). */
  unread = 0;

  /**
   * `once`, to read one member from its header, the first byte pushed `start` bytes into the archive (a
   * member read again from where the central directory places it): nothing after it is read.
   */
  constructor(
    private readonly onMember: (member: LocalMember) => MemberSink,
    private readonly directory?: DirectoryListener,
    private readonly once?: { readonly start: number },
  ) {
    this.pushed = once?.start ?? 0;
  }

  /** Whether nothing more is read (`once`'s member was, or the central directory starts). */
  isDone(): boolean {
    return this.state.kind === 'done';
  }

  /** The member being read, if one is, ends here (the next member starts); nothing more is read. */
  cut(): void {
    const state = this.state;
    // A data descriptor just before the cut still ends its member, as at the end of the input.
    if (this.end()) {
      if (state.kind === 'sized') state.sink.end();
      if (state.kind === 'described') state.member.sink.end();
    }
    this.held = EMPTY;
    this.state = { kind: 'done' };
  }

  push(chunk: Uint8Array): void {
    this.pushed += chunk.length;
    this.unread = 0;
    let rest = chunk;
    if (this.state.kind === 'described' && this.held.length > 0 && chunk.length >= DESCRIPTOR_DECIDED_AFTER) {
      rest = this.settleHeld(this.state.member, chunk);
    }
    let bytes = this.held.length === 0 ? rest : Buffer.concat([this.held, rest]);
    this.held = EMPTY;
    while (bytes.length > 0) {
      const left = this.step(bytes);
      if (left === undefined) return;
      bytes = left;
    }
  }

  /**
   * The input ended. True when it ended inside a member's data, whose bytes so far were all handed on (the
   * member's sink is not ended); false after a header, between members or in the central directory.
   */
  end(): boolean {
    const state = this.state;
    if (state.kind === 'sized') return true;
    if (state.kind !== 'described') return false;
    const held = this.held;
    this.held = EMPTY;
    // A descriptor that ends the input (a truncated archive) still ends its member.
    const end = state.member.findEnd(held, { atEnd: true });
    state.member.deliver(end === undefined ? held : held.subarray(0, end.at));
    if (end === undefined) return true;
    this.endMember(state.member, end);
    return false;
  }

  /** Consumes from the front of `bytes`; returns what is left, or undefined once the rest is held. */
  private step(bytes: Uint8Array): Uint8Array | undefined {
    const state = this.state;
    switch (state.kind) {
      case 'directory':
        return this.stepDirectory(state, bytes);
      case 'done':
        this.unread = bytes.length;
        return undefined;
      case 'sized': {
        const part = bytes.subarray(0, state.remaining);
        state.remaining -= part.length;
        if (part.length > 0) state.sink.data(part);
        if (state.remaining > 0) return undefined;
        state.sink.end();
        this.state = this.once ? { kind: 'done' } : { kind: 'between' };
        return bytes.subarray(part.length);
      }
      case 'described':
        return this.stepDescribed(state.member, bytes);
      case 'between':
        return this.stepBetween(bytes);
    }
  }

  private stepBetween(bytes: Uint8Array): Uint8Array | undefined {
    const at = nextRecord(bytes);
    if (at === undefined) {
      // Bytes that are no record (a damaged archive, or a descriptor the member did not announce) are
      // passed over; the last three may start a signature.
      return this.hold(bytes.subarray(Math.max(0, bytes.length - 3)));
    }
    if (viewOf(bytes).getUint32(at, true) !== LOCAL_FILE_HEADER) {
      this.state = { kind: 'directory', start: this.pushed - bytes.length + at, skip: 0 };
      return bytes.subarray(at);
    }
    const header = bytes.subarray(at);
    if (header.length < LOCAL_HEADER_LENGTH) return this.hold(header);
    const headerView = viewOf(header);
    const nameLength = headerView.getUint16(26, true);
    const headerLength = LOCAL_HEADER_LENGTH + nameLength + headerView.getUint16(28, true);
    if (header.length < headerLength) return this.hold(header);
    this.startMember(header.subarray(0, headerLength), nameLength, this.pushed - header.length);
    return header.subarray(headerLength);
  }

  private stepDirectory(state: { start: number; skip: number }, bytes: Uint8Array): Uint8Array | undefined {
    if (state.skip > 0) {
      const skipped = Math.min(state.skip, bytes.length);
      state.skip -= skipped;
      return bytes.subarray(skipped);
    }
    const view = viewOf(bytes);
    if (bytes.length < 4) return this.hold(bytes);
    if (view.getUint32(0, true) !== CENTRAL_FILE_HEADER) {
      this.directory?.ended(state.start, this.pushed - bytes.length);
      this.state = { kind: 'done' };
      return undefined;
    }
    const extent = centralRecordExtent(view, 0);
    // The comment is passed over as it comes, so at most the record's name and extra field are held.
    if (extent === undefined || extent.read > bytes.length) return this.hold(bytes);
    if (this.directory?.listed(readCentralRecord(view, 0, true)) !== true) {
      this.state = { kind: 'done' };
      return undefined;
    }
    state.skip = extent.whole - extent.read;
    return bytes.subarray(extent.read);
  }

  private startMember(header: Uint8Array, nameLength: number, headerOffset: number): void {
    const view = viewOf(header);
    const flags = view.getUint16(6, true);
    const compression = view.getUint16(8, true);
    const declared = { compressedSize: view.getUint32(18, true), originalSize: view.getUint32(22, true) };
    const zip64 = readZip64Extra(view, LOCAL_HEADER_LENGTH + nameLength, header.length, declared);
    // With a data descriptor, the header's sizes are zeros (or, from some writers, wrong).
    const described = (flags & FLAG_DATA_DESCRIPTOR) !== 0;
    const { compressedSize, originalSize } = described
      ? { compressedSize: undefined, originalSize: undefined }
      : (zip64 ?? declared);
    const sink = this.onMember({
      name: decodeZipName(header.subarray(LOCAL_HEADER_LENGTH, LOCAL_HEADER_LENGTH + nameLength), flags),
      compression,
      compressedSize,
      originalSize,
      crc: described ? undefined : view.getUint32(14, true),
      encrypted: (flags & FLAG_ENCRYPTED) !== 0,
      headerOffset,
      dataOffset: headerOffset + header.length,
    });
    this.state =
      compressedSize === undefined
        ? { kind: 'described', member: new DescribedMember(sink, zip64 !== undefined) }
        : { kind: 'sized', sink, remaining: compressedSize };
  }

  private stepDescribed(member: DescribedMember, bytes: Uint8Array): Uint8Array | undefined {
    const end = member.findEnd(bytes);
    if (end === undefined) {
      // A descriptor starting too near the end is decided by the next chunk.
      const decided = Math.max(0, bytes.length - DESCRIPTOR_DECIDED_AFTER + 1);
      member.deliver(bytes.subarray(0, decided));
      return this.hold(bytes.subarray(decided));
    }
    member.deliver(bytes.subarray(0, end.at));
    this.endMember(member, end);
    return bytes.subarray(end.at + end.length);
  }

  /**
   * Decides the bytes held back from a member of unknown size by the start of the next chunk, so that the
   * chunk is not copied to join them (each of a member's bytes would be copied once more).
   */
  private settleHeld(member: DescribedMember, chunk: Uint8Array): Uint8Array {
    const held = this.held;
    const joined = Buffer.concat([held, chunk.subarray(0, DESCRIPTOR_DECIDED_AFTER)]);
    const end = member.findEnd(joined, { startsBefore: held.length });
    if (end === undefined) {
      member.deliver(held);
      this.held = EMPTY;
      return chunk;
    }
    member.deliver(held.subarray(0, end.at));
    this.endMember(member, end);
    const after = end.at + end.length;
    this.held = after < held.length ? held.subarray(after) : EMPTY;
    return chunk.subarray(Math.max(0, after - held.length));
  }

  private endMember(member: DescribedMember, end: DescriptorEnd): void {
    member.sink.end(end.says);
    this.state = this.once ? { kind: 'done' } : { kind: 'between' };
  }

  private hold(bytes: Uint8Array): undefined {
    this.held = bytes.slice();
    return undefined;
  }
}
