// Which archive members are read at all, and the words for those that are not.
import { type ContainerIssue, formatByteCount } from './container-error.js';
import { UNNAMED } from './zip-entry-state.js';
import type { LocalMember } from './zip-local-parser.js';
import { DEFLATED, describeMethod, STORED } from './zip-member-decoders.js';

/** Why a directory entry, which holds no file, is skipped. */
export const DIRECTORY_ENTRY = 'a directory';

/** Why `member` is skipped as its local header describes it, unnamed yet; undefined for one that is read. */
export function skipReason(member: LocalMember, maxEntryBytes: number): ContainerIssue | undefined {
  const name = UNNAMED;
  if (member.name.endsWith('/')) return { kind: 'directory', file: name, reason: DIRECTORY_ENTRY };
  if (member.encrypted) {
    return {
      kind: 'unsupported-compression',
      file: name,
      reason: 'encrypted (password-protected); it cannot be read; skipped',
    };
  }
  if (member.compression !== STORED && member.compression !== DEFLATED) {
    return {
      kind: 'unsupported-compression',
      file: name,
      reason: `${describeMethod(member.compression)}; only stored and deflated members can be read; skipped`,
    };
  }
  if (member.originalSize !== undefined && member.originalSize > maxEntryBytes) {
    return {
      kind: 'too-large',
      file: name,
      reason: tooLargeReason(`declares ${sizeOver(member.originalSize, maxEntryBytes)}`, maxEntryBytes),
    };
  }
  return undefined;
}

/**
 * A size over `limit` as people read sizes (`2 MiB`), with its exact bytes when, rounded, it would read as the
 * limit itself (`1 MiB (1,048,577 bytes)` past a 1 MiB limit).
 */
function sizeOver(bytes: number, limit: number): string {
  const size = formatByteCount(bytes);
  return size === formatByteCount(limit) ? `${size} (${bytes.toLocaleString('en')} bytes)` : size;
}

/** Why a member over the limit is refused: `what` it declares or does past it. */
export function tooLargeReason(what: string, maxEntryBytes: number): string {
  return `${what} past the ${formatByteCount(maxEntryBytes)} limit; refused`;
}
