// The central directory's records as they stream past: the directory a long or zip64 archive's tail lacks.
import type { DirectoryEntry } from './zip-central-record.js';
import { DirectoryMatch, FoundPaths } from './zip-directory-match.js';
import type { DirectorySpan } from './zip-end-record.js';
import type { EntryState } from './zip-entry-state.js';
import type { DirectoryListener } from './zip-local-parser.js';

/**
 * Each record is paired with the members found as it streams past and then let go (zip-directory-match.ts):
 * the members found bound what is held, not a crafted directory's length.
 */
export class StreamedDirectory implements DirectoryListener {
  private match: DirectoryMatch | undefined;
  private span: DirectorySpan | undefined;
  private paths: FoundPaths | undefined;

  /** `found`, the members reading found: complete once the directory starts, which comes after them all. */
  constructor(private readonly found: readonly EntryState[]) {}

  /** The members found by path, built once for this reading and the tail's. */
  foundPaths(): FoundPaths {
    this.paths ??= new FoundPaths(this.found);
    return this.paths;
  }

  listed(entry: DirectoryEntry): boolean {
    this.match ??= new DirectoryMatch(this.foundPaths());
    this.match.add(entry);
    return true;
  }

  ended(start: number, end: number): void {
    this.span = { offset: start, size: end - start };
  }

  /**
   * The records paired with the members found, when the records streamed past are the whole directory the
   * end record places at `span` with `count` entries (not another archive's, nor cut short); undefined
   * otherwise.
   */
  matchAt(span: DirectorySpan | undefined, count: number | undefined): DirectoryMatch | undefined {
    const read = this.span;
    if (read === undefined || span === undefined) return undefined;
    const match = this.match ?? new DirectoryMatch(this.foundPaths());
    if (read.offset !== span.offset || read.size !== span.size || match.count !== count) return undefined;
    return match;
  }
}
