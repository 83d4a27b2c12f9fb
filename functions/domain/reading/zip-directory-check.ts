// What the central directory, read at the end, says of the members streamed before it.
import { ContainerError } from './container-error.js';
import type { DirectoryEntry } from './zip-central-record.js';
import { readEndOfCentralDirectory } from './zip-end-record.js';
import type { EntryState } from './zip-entry-state.js';
import { decodeZipName, FLAG_UTF8_NAME } from './zip-names.js';
import type { StreamedDirectory } from './zip-streamed-directory.js';

export interface ArchiveEnd {
  /** Why the archive is broken, if it is. */
  readonly failure: ContainerError | undefined;
  /** The directory's entries, when it holds them whole, for each member's CRC-32 ({@link damagedMembers}). */
  readonly listed: readonly DirectoryEntry[] | undefined;
}

/**
 * What the archive's end says once every member before it was streamed: why the archive is broken (no
 * central directory, another count of members, data after its end record), and the directory's entries.
 * A directory read whole checks the members found even in an archive broken otherwise: a member a wrong
 * size in its local header ran into the next one is damaged too.
 */
export function checkArchiveEnd(
  archive: string,
  tail: Uint8Array,
  fedBytes: number,
  found: readonly EntryState[],
  streamed: StreamedDirectory,
): ArchiveEnd {
  const directory = readEndOfCentralDirectory(tail, fedBytes);
  if (directory === undefined) {
    return {
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
  const listed = directory.entries ?? streamed.entriesAt(directory.span, directory.entryCount);
  if (directory.entryCount !== undefined && directory.entryCount !== found.length) {
    return {
      listed,
      failure: new ContainerError(
        'corrupt',
        archive,
        `the central directory lists ${directory.entryCount} members, but ${membersFound(found.length)} reading the archive (damaged archive)${notFound(found, listed)}`,
      ),
    };
  }
  if (directory.appendedBytes !== 0) {
    // The stream stops reading at the central directory: what follows would be dropped unseen.
    const bytes = directory.appendedBytes === undefined ? '' : ` (${directory.appendedBytes} bytes)`;
    return {
      listed,
      failure: new ContainerError(
        'corrupt',
        archive,
        `data follows the archive's end record (another archive or text appended to it?); it was not read${bytes}`,
      ),
    };
  }
  return { failure: undefined, listed };
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
 * (streaming cannot check it sooner), or whose other records disagree with what was read: their events were
 * read as they came, and each one's file error says it is damaged. A member is checked against the first
 * entry of its name not yet taken, so a member missing from the ones found (a damaged header) leaves the
 * others checked against their own entries.
 */
export function damagedMembers(
  found: readonly EntryState[],
  listed: readonly DirectoryEntry[],
): ContainerError[] {
  const byName = new Map<string, DirectoryEntry[]>();
  for (const entry of listed) {
    for (const name of new Set([decodeZipName(entry.name, 0), decodeZipName(entry.name, FLAG_UTF8_NAME)])) {
      const same = byName.get(name);
      if (same === undefined) byName.set(name, [entry]);
      else same.push(entry);
    }
  }
  const taken = new Set<DirectoryEntry>();
  const damaged: ContainerError[] = [];
  for (const entry of found) {
    const same = byName.get(entry.path) ?? [];
    while (same.length > 0 && taken.has(same[0] as DirectoryEntry)) same.shift();
    const entryListed = same.shift();
    if (entryListed === undefined) continue;
    taken.add(entryListed);
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
    return 'corrupt member data (CRC-32 mismatch: its content differs from what the archive lists)';
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
