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

function textOf(event: EventRecord, texts: CopyTexts | undefined): string | undefined {
  if (texts === undefined || event.source === undefined) return undefined;
  return texts.get(sourceTextKey(event.source)) ?? undefined;
}

/**
 * Which copy of one event the store keeps (rule 3): the earliest; at one instant the one whose canonical JSON
 * sorts first, when both texts are known, else the smaller projection. Copies alike in projection are
 * interchangeable to every rule and output, so the stored one stays.
 */
export function preferredCopy(stored: EventRecord, incoming: EventRecord, texts?: CopyTexts): EventRecord {
  if (incoming.timestamp !== stored.timestamp)
    return incoming.timestamp < stored.timestamp ? incoming : stored;
  const a = projectionKey(stored);
  const b = projectionKey(incoming);
  if (a === b) return stored;
  const storedText = textOf(stored, texts);
  const incomingText = textOf(incoming, texts);
  if (storedText !== undefined && incomingText !== undefined && storedText !== incomingText)
    return incomingText < storedText ? incoming : stored;
  return b < a ? incoming : stored;
}

/**
 * The copies whose texts rule 3 needs: of each event id among `offered` met more than once (there or in
 * `stored`), the copies at its earliest instant, when they differ in projection and say where they were read.
 * Only the ids offered are looked up, so a merge into a large partition adds no entry per stored event.
 */
export function copiesToRead(offered: Iterable<EventRecord>, stored: Iterable<EventRecord>): EventSource[] {
  const byId = new Map<string, EventRecord[]>();
  for (const event of offered) {
    const copies = byId.get(event.id);
    if (copies === undefined) byId.set(event.id, [event]);
    else copies.push(event);
  }
  for (const event of stored) byId.get(event.id)?.push(event);
  const sources: EventSource[] = [];
  for (const copies of byId.values()) {
    if (copies.length < 2) continue;
    let earliest = Number.POSITIVE_INFINITY;
    for (const copy of copies) if (copy.timestamp < earliest) earliest = copy.timestamp;
    const tied = copies.filter((copy) => copy.timestamp === earliest);
    if (tied.length < 2) continue;
    const first = projectionKey(tied[0] as EventRecord);
    if (tied.every((copy) => projectionKey(copy) === first)) continue;
    for (const copy of tied) if (copy.source !== undefined) sources.push(copy.source);
  }
  return sources;
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
