// What the central directory, read at the end, says of the members streamed before it.
import { ContainerError } from './container-error.js';
import { type DirectoryEntry, readEndOfCentralDirectory } from './zip-end-record.js';
import type { EntryState } from './zip-entry-state.js';
import { decodeZipName, FLAG_UTF8_NAME } from './zip-names.js';

/**
 * What the archive's end says once every member before it was streamed: why the archive is broken (no
 * central directory, another count of members, data after its end record), or the directory's entries, when
 * it holds them whole, for each member's CRC-32 ({@link damagedMembers}).
 */
export function checkArchiveEnd(
  archive: string,
  tail: Uint8Array,
  fedBytes: number,
  found: readonly EntryState[],
): { readonly failure: ContainerError } | { readonly listed: readonly DirectoryEntry[] | undefined } {
  const directory = readEndOfCentralDirectory(tail, fedBytes);
  if (directory === undefined) {
    return {
      failure: new ContainerError(
        'truncated',
        archive,
        `the archive ends without its central directory (truncated file); ${membersFound(found.length)} before`,
        { deliveredBytes: 0, compressedOffset: fedBytes },
      ),
    };
  }
  if (directory.entryCount !== undefined && directory.entryCount !== found.length) {
    return {
      failure: new ContainerError(
        'corrupt',
        archive,
        `the central directory lists ${directory.entryCount} members, but ${membersFound(found.length)} reading the archive (damaged archive)${notFound(found, directory.entries)}`,
      ),
    };
  }
  if (directory.appendedBytes !== 0) {
    // The stream stops reading at the central directory: what follows would be dropped unseen.
    const bytes = directory.appendedBytes === undefined ? '' : ` (${directory.appendedBytes} bytes)`;
    return {
      failure: new ContainerError(
        'corrupt',
        archive,
        `data follows the archive's end record (another archive or text appended to it?); it was not read${bytes}`,
      ),
    };
  }
  return { listed: directory.entries };
}

function membersFound(count: number): string {
  return count === 1 ? '1 member was found' : `${count} members were found`;
}

/** The members the directory lists that reading did not come to, named: the ones whose records were lost. */
function notFound(found: readonly EntryState[], listed: readonly DirectoryEntry[] | undefined): string {
  if (listed === undefined) return '';
  // One set, not a search of the members found for each listed one: tens of thousands of members found
  // and a directory of a thousand others (a damaged or crafted archive) took half a minute that way.
  const paths = new Set(found.map((state) => state.path));
  const missing = listed.filter(
    (entry) =>
      !paths.has(decodeZipName(entry.name, 0)) && !paths.has(decodeZipName(entry.name, FLAG_UTF8_NAME)),
  );
  if (missing.length === 0) return '';
  const names = missing.slice(0, 3).map((entry) => decodeZipName(entry.name, 0));
  const more = missing.length > 3 ? ` and ${missing.length - 3} more` : '';
  return `; not found: ${names.join(', ')}${more}`;
}

/**
 * The members read whole whose content does not match the CRC-32 the central directory lists for them
 * (streaming cannot check it sooner): their events were read as they came, and each one's file error says it
 * is damaged.
 */
export function damagedMembers(
  found: readonly EntryState[],
  listed: readonly DirectoryEntry[],
): ContainerError[] {
  if (listed.length !== found.length) return [];
  const damaged = found.filter((entry, index) => {
    const entryListed = listed[index] as DirectoryEntry;
    return (
      entry.crc !== undefined &&
      entry.finished &&
      entry.failure === undefined &&
      entry.skipped === undefined &&
      namesMatch(entry.path, entryListed.name) &&
      entry.crc >>> 0 !== entryListed.crc
    );
  });
  return damaged.map(
    (entry) =>
      new ContainerError(
        'corrupt',
        entry.name,
        'corrupt member data (CRC-32 mismatch: its content differs from what the archive lists)',
        { deliveredBytes: entry.inflatedBytes },
      ),
  );
}

/** A name as the local header gave it against the directory's bytes, whose UTF-8 flag may differ. */
function namesMatch(path: string, name: Uint8Array): boolean {
  return decodeZipName(name, 0) === path || decodeZipName(name, FLAG_UTF8_NAME) === path;
}
