// What the central directory, read at the end, says of the members streamed before it.
import { ContainerError } from './container-error.js';
import type { DirectoryEntry } from './zip-central-record.js';
import { type DirectoryMatch, matchDirectory } from './zip-directory-match.js';
import { type EndOfCentralDirectory, readEndOfCentralDirectory } from './zip-end-record.js';
import type { EntryState } from './zip-entry-state.js';
import type { StreamedDirectory } from './zip-streamed-directory.js';

export interface ArchiveEnd {
  /** Why the archive is broken, when it has no central directory. */
  readonly failure: ContainerError | undefined;
  /** What its end record says, when it has one. */
  readonly directory: EndOfCentralDirectory | undefined;
  /** The directory's records paired with the members found, when it was read whole ({@link damagedMembers}). */
  readonly listed: DirectoryMatch | undefined;
}

/**
 * What the archive's end says once every member before it was streamed: its end record, or that it has none
 * (truncated), and the directory's entries. A directory read whole checks the members found even in an
 * archive broken otherwise: a member a wrong size in its local header ran into the next one is damaged too.
 */
export function readArchiveEnd(
  archive: string,
  tail: Uint8Array,
  fedBytes: number,
  found: readonly EntryState[],
  streamed: StreamedDirectory,
): ArchiveEnd {
  const directory = readEndOfCentralDirectory(tail, fedBytes);
  if (directory === undefined) {
    return {
      directory,
      listed: undefined,
      failure: new ContainerError(
        'truncated',
        archive,
        `the archive ends without its central directory (truncated file); ${membersFound(found.length)} before`,
        { deliveredBytes: 0, compressedOffset: fedBytes },
      ),
    };
  }
  // A directory longer than the tail (or a zip64 one) is the one read as it streamed past.
  const listed =
    directory.entries === undefined
      ? streamed.matchAt(directory.span, directory.entryCount)
      : matchDirectory(streamed.foundPaths(), directory.entries);
  return { failure: undefined, directory, listed };
}

/**
 * Why an archive with an end record is broken, if it is, once its members were read (those read again from
 * their local headers included): another count of members than its directory's, or data after its end record.
 */
export function archiveFailure(
  archive: string,
  directory: EndOfCentralDirectory,
  foundCount: number,
  listed: DirectoryMatch | undefined,
): ContainerError | undefined {
  if (directory.entryCount !== undefined && directory.entryCount !== foundCount) {
    return new ContainerError(
      'corrupt',
      archive,
      `the central directory lists ${directory.entryCount} members, but ${membersFound(foundCount)} reading the archive (damaged archive)${notFound(listed)}`,
    );
  }
  if (directory.appendedBytes !== 0) {
    // The stream stops reading at the central directory: what follows would be dropped unseen.
    const bytes = directory.appendedBytes === undefined ? '' : ` (${directory.appendedBytes} bytes)`;
    return new ContainerError(
      'corrupt',
      archive,
      `data follows the archive's end record (another archive or text appended to it?); it was not read${bytes}`,
    );
  }
  return undefined;
}

function membersFound(count: number): string {
  return count === 1 ? '1 member was found' : `${count} members were found`;
}

/** The members the directory lists that reading did not come to, named: the ones whose records were lost. */
function notFound(listed: DirectoryMatch | undefined): string {
  if (listed === undefined || listed.notFoundCount === 0) return '';
  const names = listed.notFoundNames;
  const more = listed.notFoundCount > names.length ? ` and ${listed.notFoundCount - names.length} more` : '';
  return `; not found: ${names.join(', ')}${more}`;
}

/**
 * Whether the member the archive ended inside was read past all the data its central directory record lists:
 * not cut short, but run on (its local header's size too large) over the rest of the archive.
 */
export function ranOver(entry: EntryState, listed: DirectoryEntry | undefined): boolean {
  return (
    entry.declared?.record === 'local header' &&
    listed !== undefined &&
    listed.compressedSize < entry.compressedBytes
  );
}

/**
 * The members read whole whose content does not match the CRC-32 the central directory lists for them
 * (streaming cannot check it sooner), or whose other records disagree with what was read: their events were
 * read as they came, and each one's file error says it is damaged. Each is checked against the record the
 * directory's pairing gave it (zip-directory-match.ts).
 */
export function damagedMembers(found: readonly EntryState[], listed: DirectoryMatch): ContainerError[] {
  const damaged: ContainerError[] = [];
  for (const [index, entry] of found.entries()) {
    const entryListed = listed.recordOf(index);
    if (entryListed === undefined) continue;
    const readWhole =
      entry.crc !== undefined && entry.finished && entry.failure === undefined && entry.skipped === undefined;
    const reason = readWhole ? damageOf(entry, entryListed) : undefined;
    if (reason !== undefined) {
      damaged.push(
        new ContainerError('corrupt', entry.name, reason, { deliveredBytes: entry.inflatedBytes }),
      );
    }
  }
  return damaged;
}

/** Why a member read whole is damaged, if it is: what its content, or its records, disagree with. */
function damageOf(entry: EntryState, listed: DirectoryEntry): string | undefined {
  if ((entry.crc ?? 0) >>> 0 !== listed.crc) {
    const reason = 'corrupt member data (CRC-32 mismatch: its content differs from what the archive lists)';
    // A local header giving too large a size reads the next member's bytes as this one's (read again apart).
    return listed.compressedSize < entry.compressedBytes
      ? `${reason}; the central directory lists ${listed.compressedSize} bytes compressed, but ${entry.compressedBytes} were read as its data`
      : reason;
  }
  // The content is what the directory lists: a record saying otherwise is the damage, not the content.
  const disagreements: string[] = [];
  const declared = entry.declared;
  if (declared !== undefined && declared.crc !== listed.crc) {
    disagreements.push(
      `the ${declared.record}'s CRC-32 (${hex(declared.crc)}) differs from the central directory's (${hex(listed.crc)}), which its content matches`,
    );
  }
  if (declared !== undefined && declared.originalSize !== entry.inflatedBytes) {
    disagreements.push(
      `the ${declared.record} lists ${declared.originalSize} bytes inflated, but it inflates to ${entry.inflatedBytes}`,
    );
  }
  const sizes: string[] = [];
  if (listed.compressedSize !== entry.compressedBytes) {
    sizes.push(`${listed.compressedSize} bytes compressed, but its data is ${entry.compressedBytes}`);
  }
  if (listed.originalSize !== entry.inflatedBytes) {
    sizes.push(`${listed.originalSize} bytes inflated, but it inflates to ${entry.inflatedBytes}`);
  }
  if (sizes.length > 0) disagreements.push(`the central directory lists ${sizes.join(', and ')}`);
  return disagreements.length === 0 ? undefined : `${disagreements.join(', and ')} (damaged archive)`;
}

const hex = (crc: number): string => crc.toString(16).padStart(8, '0');
