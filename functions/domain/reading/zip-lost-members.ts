/*
 * Members the stream did not come to, read again from the local headers the central directory places them
 * at. A member whose local header gives too large a size reads on into the next member, whose header then
 * passes unseen as data: only the directory, last in the archive, shows it. The archive's bytes are read
 * again from its start (a stream cannot seek), each such member read from its header, so that no member a
 * user sent is lost to another's damaged header; the damaged one is still reported (zip-directory-check.ts).
 */
import type { DirectoryMatch, UnpairedRecord } from './zip-directory-match.js';
import type { EntryState } from './zip-entry-state.js';
import { type LocalMember, ZipLocalParser } from './zip-local-parser.js';
import type { MemberSink } from './zip-member-sink.js';

/** The archive's bytes again, from its start. */
export type ReopenArchive = () => AsyncIterable<Uint8Array> | Promise<AsyncIterable<Uint8Array>>;

/** A member to read from its local header, which nothing read so far covers. */
export interface LostMember {
  readonly unpaired: UnpairedRecord;
  readonly headerOffset: number;
  /** Where the next member found, or the directory, starts: the member's data stops there at the latest. */
  readonly end: number;
}

/**
 * The unpaired records whose local header lies where no member found is, as the directory sizes each (the
 * bytes a member read past its listed size, or bytes passed over between members), before the directory, in
 * archive order; one a header offset. So what is read again is disjoint from the members found, and a
 * directory listing many records inside one member (overlapping members, a ZIP bomb) reads nothing again.
 */
export function lostMembers(
  found: readonly EntryState[],
  listed: DirectoryMatch,
  directoryStart: number,
): LostMember[] {
  const places: { unpaired: UnpairedRecord; headerOffset: number; foundEnd: number }[] = [];
  const taken = new Set<number>();
  for (const unpaired of listed.unpaired) {
    const at = unpaired.record.headerOffset;
    if (at >= directoryStart || taken.has(at)) continue;
    const before = lastAtOrBefore(found, at);
    const covering = before === undefined ? undefined : found[before];
    if (covering !== undefined) {
      const size = listed.recordOf(before as number)?.compressedSize ?? covering.compressedBytes;
      if (at < covering.dataOffset + size) continue;
    }
    taken.add(at);
    const next = found[before === undefined ? 0 : before + 1];
    places.push({
      unpaired,
      headerOffset: at,
      foundEnd: next === undefined ? directoryStart : next.headerOffset,
    });
  }
  places.sort((a, b) => a.headerOffset - b.headerOffset);
  // Each stops at the next member's header at the latest, a lost one's too: what is read again is disjoint.
  return places.map(({ unpaired, headerOffset, foundEnd }, index) => ({
    unpaired,
    headerOffset,
    end: Math.min(foundEnd, places[index + 1]?.headerOffset ?? foundEnd),
  }));
}

/** The index of the last member found whose header starts at or before `offset` (found is in archive order). */
function lastAtOrBefore(found: readonly EntryState[], offset: number): number | undefined {
  let low = 0;
  let high = found.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if ((found[middle] as EntryState).headerOffset <= offset) low = middle + 1;
    else high = middle;
  }
  return low === 0 ? undefined : low - 1;
}

const EMPTY = new Uint8Array(0);
const IGNORED: MemberSink = { data: () => {}, end: () => {} };

interface Reading {
  readonly lost: LostMember;
  readonly parser: ZipLocalParser;
  /** The member was found at its header. */
  started: boolean;
  /** Something else was (no local header where the directory says): nothing is read there. */
  strayed: boolean;
}

/** Reads the lost members from the archive read again, one slice at a time, as the stream reader asks. */
export class LostMemberReader {
  private source: AsyncIterator<Uint8Array> | undefined;
  private pending: Uint8Array = EMPTY;
  /** Where in the archive `pending` starts. */
  private position = 0;
  private next = 0;
  private reading: Reading | undefined;

  constructor(
    private readonly reopen: ReopenArchive,
    private readonly lost: readonly LostMember[],
    private readonly onMember: (member: LocalMember, lost: LostMember) => MemberSink,
    private readonly sliceBytes: number,
  ) {}

  /** Feeds the next slice of a lost member to its parser; false once all were read, or the archive ended. */
  async feed(): Promise<boolean> {
    for (;;) {
      const reading = this.reading ?? this.start();
      if (reading === undefined) return false;
      if (this.pending.length === 0) {
        this.source ??= (await this.reopen())[Symbol.asyncIterator]();
        const chunk = await this.source.next();
        // Shorter than the first time (it changed): a member it ends inside is truncated, as the reader says.
        if (chunk.done) {
          this.next = this.lost.length;
          this.reading = undefined;
          return false;
        }
        this.pending = chunk.value;
      }
      const { lost, parser } = reading;
      if (this.position < lost.headerOffset) {
        const skipped = Math.min(this.pending.length, lost.headerOffset - this.position);
        this.advance(skipped);
        continue;
      }
      const slice = this.pending.subarray(0, Math.min(this.sliceBytes, lost.end - this.position));
      parser.push(slice);
      // The bytes after the member are the next one's.
      this.advance(slice.length - parser.unread);
      // One member from its header; its data stops where the next member starts.
      if (reading.strayed || parser.isDone() || this.position >= lost.end) {
        parser.cut();
        this.reading = undefined;
      }
      return true;
    }
  }

  async close(): Promise<void> {
    this.next = this.lost.length;
    this.reading = undefined;
    await this.source?.return?.();
  }

  private start(): Reading | undefined {
    for (let lost = this.lost[this.next]; lost !== undefined; lost = this.lost[++this.next]) {
      // Read as part of the member before it, which had no header of its own there.
      if (lost.headerOffset < this.position) continue;
      this.next++;
      const reading: Reading = {
        lost,
        started: false,
        strayed: false,
        parser: new ZipLocalParser(
          (member) => {
            if (reading.started || member.headerOffset !== lost.headerOffset) {
              reading.strayed = true;
              return IGNORED;
            }
            reading.started = true;
            return this.onMember(member, lost);
          },
          undefined,
          { start: lost.headerOffset },
        ),
      };
      this.reading = reading;
      return reading;
    }
    return undefined;
  }

  private advance(bytes: number): void {
    this.pending = this.pending.subarray(bytes);
    this.position += bytes;
  }
}
