// The central directory's records as they stream past: the directory a long or zip64 archive's tail lacks.
import type { DirectoryEntry } from './zip-central-record.js';
import type { DirectorySpan } from './zip-end-record.js';
import type { DirectoryListener } from './zip-local-parser.js';

/**
 * Members a directory may list past the ones found and still be kept: the ones not found that a broken
 * archive's error names. A directory listing more is not kept (nor is a longer one in the tail read): the
 * members found bound what is held, not a crafted directory's length.
 */
const LISTED_BEYOND_FOUND = 3;

export class StreamedDirectory implements DirectoryListener {
  private readonly entries: DirectoryEntry[] = [];
  private span: DirectorySpan | undefined;
  private dropped = false;

  /** `found`, how many members reading found: read once the directory starts, after every member. */
  constructor(private readonly found: () => number) {}

  listed(entry: DirectoryEntry): boolean {
    if (this.entries.length >= this.found() + LISTED_BEYOND_FOUND) {
      this.dropped = true;
      this.entries.length = 0;
      return false;
    }
    this.entries.push(entry);
    return true;
  }

  ended(start: number, end: number): void {
    this.span = { offset: start, size: end - start };
  }

  /**
   * The entries, when the records streamed past are the whole directory the end record places at `span`
   * with `count` entries (not another archive's, nor cut short); undefined otherwise.
   */
  entriesAt(
    span: DirectorySpan | undefined,
    count: number | undefined,
  ): readonly DirectoryEntry[] | undefined {
    const read = this.span;
    if (this.dropped || read === undefined || span === undefined) return undefined;
    if (read.offset !== span.offset || read.size !== span.size || this.entries.length !== count)
      return undefined;
    return this.entries;
  }
}
