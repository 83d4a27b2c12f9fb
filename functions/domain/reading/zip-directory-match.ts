// The central directory's records paired with the members found, one record at a time, so that a directory of
// any length is checked while only the members found and a few names are held.
import type { DirectoryEntry } from './zip-central-record.js';
import type { EntryState } from './zip-entry-state.js';
import { decodeZipName, FLAG_UTF8_NAME } from './zip-names.js';

/** Names of records no member found answers to that an error lists; the rest are counted. */
const NAMED_NOT_FOUND = 3;
const NONE = -1;
/**
 * Records paired with no member found that are kept, so that their members can be read from their local
 * headers (zip-lost-members.ts), and their names' bytes in all: a crafted directory's are only counted.
 */
const KEPT_UNPAIRED = 100_000;
const KEPT_UNPAIRED_NAME_BYTES = 4 * 1024 * 1024;

/** A record no member found was paired with, in directory order. */
export interface UnpairedRecord {
  readonly record: DirectoryEntry;
  /** No member found has its name (read either way): an error names it among those not found. */
  readonly notFound: boolean;
  /** Its member was read after all, from its local header. */
  recovered: boolean;
}

/**
 * The members found by path, built once for the directory's readings (the tail's and the streamed one): the
 * first member of each path, and from each member the next one of its path, in archive order.
 */
export class FoundPaths {
  private readonly first = new Map<string, number>();
  private readonly after: Int32Array;

  constructor(readonly found: readonly EntryState[]) {
    this.after = new Int32Array(found.length);
    for (let index = found.length - 1; index >= 0; index--) {
      const path = (found[index] as EntryState).path;
      this.after[index] = this.first.get(path) ?? NONE;
      this.first.set(path, index);
    }
  }

  firstOf(path: string): number | undefined {
    return this.first.get(path);
  }

  nextOf(index: number): number {
    return this.after[index] as number;
  }
}

export class DirectoryMatch {
  /** The record each member found is checked against, by the member's index in `found`. */
  private readonly records: (DirectoryEntry | undefined)[];
  /** For each path records named so far, the next member of it without a record (NONE when all have one). */
  private readonly waiting = new Map<string, number>();
  /** Records read. */
  count = 0;
  /** Records whose name (read either way) no member found has, counted. */
  notFoundCount = 0;
  /** Records paired with no member, as far as kept. */
  readonly unpaired: UnpairedRecord[] = [];
  private unpairedNameBytes = 0;

  constructor(private readonly paths: FoundPaths) {
    this.records = new Array(paths.found.length);
  }

  /**
   * One record, in directory order: it is the record of the first member found by its name (read either
   * way) that has none yet, so that a member missing from the ones found (a damaged header) leaves the others
   * checked against their own records. Only records paired with a member are kept.
   */
  add(record: DirectoryEntry): void {
    this.count++;
    const names = new Set([decodeZipName(record.name, 0), decodeZipName(record.name, FLAG_UTF8_NAME)]);
    let chosen: { name: string; member: number } | undefined;
    let known = false;
    for (const name of names) {
      const member = this.waiting.get(name) ?? this.paths.firstOf(name);
      if (member === undefined) continue;
      known = true;
      if (member !== NONE && (chosen === undefined || member < chosen.member)) chosen = { name, member };
    }
    if (chosen !== undefined) {
      this.records[chosen.member] = record;
      this.waiting.set(chosen.name, this.paths.nextOf(chosen.member));
      return;
    }
    if (!known) this.notFoundCount++;
    if (this.unpaired.length >= KEPT_UNPAIRED) return;
    this.unpairedNameBytes += record.name.length;
    if (this.unpairedNameBytes > KEPT_UNPAIRED_NAME_BYTES) return;
    this.unpaired.push({ record, notFound: !known, recovered: false });
  }

  /** The first few records no member found answers to, named (those read after all left out). */
  get notFoundNames(): string[] {
    const names: string[] = [];
    for (const { record, notFound, recovered } of this.unpaired) {
      if (names.length === NAMED_NOT_FOUND) break;
      if (notFound && !recovered) names.push(decodeZipName(record.name, 0));
    }
    return names;
  }

  /** The member found at `index` was read from the local header of an unpaired record: it is that record's. */
  pairRecovered(index: number, unpaired: UnpairedRecord): void {
    this.records[index] = unpaired.record;
    unpaired.recovered = true;
    if (unpaired.notFound) this.notFoundCount--;
  }

  /** The record the member found at `index` is checked against, if the directory has one for it. */
  recordOf(index: number): DirectoryEntry | undefined {
    return this.records[index];
  }
}

/** The records of a directory read whole (from the archive's tail), paired with the members found. */
export function matchDirectory(paths: FoundPaths, records: readonly DirectoryEntry[]): DirectoryMatch {
  const match = new DirectoryMatch(paths);
  for (const record of records) match.add(record);
  return match;
}
