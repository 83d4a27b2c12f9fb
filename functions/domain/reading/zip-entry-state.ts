// What is known of one archive member while it is read: filled in by the stream reader, checked at the end
// against the central directory.
import type { ContainerError, ContainerIssue } from './container-error.js';
import type { MemberDecoder } from './zip-member-decoders.js';
import type { DescriptorValues } from './zip-member-sink.js';

/** What is known of one archive member while it is read. */
export interface EntryState {
  readonly path: string;
  /** Where its local header and its data start in the archive. */
  readonly headerOffset: number;
  readonly dataOffset: number;
  /** `<archive>!<path>`, made unique in the export when the member is taken. */
  name: string;
  readonly decoder: MemberDecoder;
  /** Inflated chunks not yet handed to the reader of `bytes`. */
  readonly chunks: Uint8Array[];
  inflatedBytes: number;
  /** The member's stored (compressed) bytes read so far. */
  compressedBytes: number;
  /**
   * The CRC-32 and inflated size its local header gives, or, when it is written with a data descriptor, the
   * descriptor (once read): compared with the central directory's and the content at the end.
   */
  declared: DeclaredRecord | undefined;
  /** CRC-32 of the content so far; undefined once some of it went unseen (the member was abandoned). */
  crc: number | undefined;
  finished: boolean;
  failure: ContainerError | undefined;
  /** Nobody reads this member (any more): its data is dropped and, where possible, not even inflated. */
  discarded: boolean;
  /** Why the member is skipped; its `file` is filled in when it is named. */
  skipped: ContainerIssue | undefined;
}

/** What a record beside a member's data says of it, and which record that is (named in the error). */
export interface DeclaredRecord extends DescriptorValues {
  readonly record: 'local header' | 'data descriptor';
}

/** A member's name, and the file of its issues, until it is taken ({@link ZipStreamReader.take}). */
export const UNNAMED = '';
