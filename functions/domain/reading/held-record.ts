import { MAX_RECORD_BYTES, type MembersWanted, TOO_LONG_PREFIX } from './byte-record.js';
import { MemberPresence } from './member-presence.js';
import { firstBytes } from './peek.js';

/** A record's bytes once it ends: whole, or past {@link MAX_RECORD_BYTES} only its first bytes and its length. */
export interface TakenRecord {
  readonly bytes: Buffer;
  readonly tooLong?: number;
  readonly members?: MemberPresence;
}

/**
 * A record still open at the end of a chunk, as views of the chunks it spans, joined once when it ends. It is
 * held to {@link MAX_RECORD_BYTES}: past that only its first {@link TOO_LONG_PREFIX} bytes are kept (copied,
 * so that the chunks can go) and the rest is counted as it streams past, so that one endless line or element
 * (a gzip bomb) cannot exhaust memory. The members asked for then are found in all of its bytes as they pass.
 */
export class HeldRecord {
  private readonly pieces: Buffer[] = [];
  private held = 0;
  private skipped:
    | { readonly prefix: Buffer; length: number; members: MemberPresence | undefined }
    | undefined;

  constructor(private readonly membersWanted?: MembersWanted) {}

  get isEmpty(): boolean {
    return this.held === 0 && this.skipped === undefined;
  }

  /** Past the limit: its bytes are no longer all here. */
  get isTooLong(): boolean {
    return this.skipped !== undefined;
  }

  /** Holds the next piece of the record, or only counts it once the record is too long. */
  add(piece: Buffer): void {
    if (this.skipped !== undefined) {
      this.skipped.length += piece.length;
      this.skipped.members?.push(piece);
    } else if (this.held + piece.length <= MAX_RECORD_BYTES) {
      this.pieces.push(piece);
      this.held += piece.length;
    } else {
      const members = presenceOf(this.membersWanted, [...this.pieces, piece]);
      this.pieces.push(piece.subarray(0, TOO_LONG_PREFIX));
      // Copied: the chunks the pieces view can go.
      const prefix = Buffer.from(firstBytes(this.pieces, TOO_LONG_PREFIX));
      this.skipped = { prefix, length: this.held + piece.length, members };
      this.pieces.length = 0;
      this.held = 0;
    }
  }

  /** Ends the record, with `last` after what is held when given; it is empty again. */
  take(last?: Buffer): TakenRecord {
    if (last !== undefined) this.add(last);
    const skipped = this.skipped;
    if (skipped !== undefined) {
      this.skipped = undefined;
      return { bytes: skipped.prefix, tooLong: skipped.length, members: skipped.members };
    }
    const bytes = this.pieces.length === 1 ? (this.pieces[0] as Buffer) : Buffer.concat(this.pieces);
    this.pieces.length = 0;
    this.held = 0;
    return { bytes };
  }
}

/** The members asked for, if any, in the pieces of a record too long to hold. */
export function presenceOf(
  membersWanted: MembersWanted | undefined,
  pieces: readonly Buffer[],
): MemberPresence | undefined {
  const paths = membersWanted?.();
  if (paths === undefined) return undefined;
  const members = new MemberPresence(paths);
  for (const piece of pieces) members.push(piece);
  return members;
}
