import type { EventRecord, EventSource } from '../events/event.js';
import { projectionKey } from '../sessions/projection.js';

/**
 * Canonical JSON of copies as sent, by {@link sourceTextKey}: what rule 3's last tie-break compares. Null for
 * a copy that could not be read again (its object deleted or replaced): such a tie is weighed by projection.
 */
export type CopyTexts = ReadonlyMap<string, string | null>;

export function sourceTextKey(source: EventSource): string {
  return `${source.record}\u0000${source.file}\u0000${source.version}\u0000${source.object}`;
}

/**
 * A merge met copies at one instant that differ, and the texts given lack some of them. Thrown before
 * anything is written, so the caller can read them (many users' at once) and merge again.
 */
export class CopyTextsNeeded extends Error {
  constructor(readonly sources: readonly EventSource[]) {
    super(`${sources.length} copies must be read again to choose between them (rule 3)`);
    this.name = 'CopyTextsNeeded';
  }
}

/** Copies whose texts a tie needed and the texts given lacked, by {@link sourceTextKey}. */
export type UnreadCopies = Map<string, EventSource>;

function textOf(event: EventRecord, texts: CopyTexts | undefined, unread: UnreadCopies | undefined) {
  if (texts === undefined || event.source === undefined) return undefined;
  const key = sourceTextKey(event.source);
  const text = texts.get(key);
  if (text === undefined) unread?.set(key, event.source);
  return text ?? undefined;
}

/**
 * Which copy of one event the store keeps (rule 3): the earliest; at one instant the one whose canonical JSON
 * sorts first, when both texts are known, else the smaller projection. A tie whose text `texts` lacks (absent,
 * not null) goes by projection and names the copy in `unread`, for the caller to read it and choose again.
 */
export function preferredCopy(
  stored: EventRecord,
  incoming: EventRecord,
  texts?: CopyTexts,
  unread?: UnreadCopies,
): EventRecord {
  if (incoming.timestamp !== stored.timestamp)
    return incoming.timestamp < stored.timestamp ? incoming : stored;
  const a = projectionKey(stored);
  const b = projectionKey(incoming);
  if (a === b) return alikeCopy(stored, incoming, texts, unread);
  const storedText = textOf(stored, texts, unread);
  const incomingText = textOf(incoming, texts, unread);
  if (storedText !== undefined && incomingText !== undefined && storedText !== incomingText)
    return incomingText < storedText ? incoming : stored;
  return b < a ? incoming : stored;
}

/**
 * Of two copies alike in projection, which the store keeps. Either gives the same sessions, but the one kept
 * is the text a later tie is compared with, and a copy that sorts first must not be forgotten for one that
 * only looks the same: the incoming copy replaces the stored one when its text sorts first. Copies read from
 * the same record, or of which one says nothing of where it was read, keep the stored one without reading.
 */
function alikeCopy(
  stored: EventRecord,
  incoming: EventRecord,
  texts: CopyTexts | undefined,
  unread: UnreadCopies | undefined,
): EventRecord {
  if (stored.source === undefined || incoming.source === undefined) return stored;
  if (sameSource(stored.source, incoming.source)) return stored;
  const storedText = textOf(stored, texts, unread);
  const incomingText = textOf(incoming, texts, unread);
  return storedText !== undefined && incomingText !== undefined && incomingText < storedText
    ? incoming
    : stored;
}

/** Whether two copies were read from one record of one version of one object (or neither says where). */
export function sameSource(a: EventSource | undefined, b: EventSource | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  return sourceTextKey(a) === sourceTextKey(b);
}

/** The sources among `sources` whose texts `texts` lacks, each once. */
export function unreadSources(sources: readonly EventSource[], texts: CopyTexts): EventSource[] {
  const missing = new Map<string, EventSource>();
  for (const source of sources) {
    const key = sourceTextKey(source);
    if (!texts.has(key)) missing.set(key, source);
  }
  return [...missing.values()];
}
