// The central directory's records paired with the members found, one record at a time, so that a directory of
// any length is checked while only the members found and a few names are held.
import type { DirectoryEntry } from './zip-central-record.js';
import type { EntryState } from './zip-entry-state.js';
import { decodeZipName, FLAG_UTF8_NAME } from './zip-names.js';

/** Names of records no member found answers to that an error lists; the rest are counted. */
const NAMED_NOT_FOUND = 3;
const NONE = -1;

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
  /** Records whose name (read either way) no member found has, counted, and the first few named. */
  notFoundCount = 0;
  readonly notFoundNames: string[] = [];

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
    }
    if (known) return;
    this.notFoundCount++;
    if (this.notFoundNames.length < NAMED_NOT_FOUND) this.notFoundNames.push(decodeZipName(record.name, 0));
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
