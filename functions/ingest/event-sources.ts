import type { EventRecord, EventSource } from '../domain/events/event.js';
import type { RecordPosition } from '../domain/reading/read-export.js';
import type { SourceRef, UserEvents } from '../domain/sessions/collector.js';

/** The object being ingested and its content version: where its events are stored as read. */
export interface CopiesRead {
  readonly object: string;
  readonly version: string;
}

/** Where in the object being ingested a record is, as stored to be read again. */
export function sourceIn(copies: CopiesRead, position: SourceRef): EventSource {
  return { object: copies.object, version: copies.version, file: position.file, record: position.record };
}

/**
 * The owner's events as objects, and the losing copies a store keeps beside them; with `copies`, each says
 * where it was read (for rule 3's ties): copies of one content id differ in text too, and even in what the
 * rules see when files of two formats hold them (one rest, its properties.$os a platform only to PostHog).
 */
export function eventsToMerge(owned: UserEvents, copies: CopiesRead | undefined): EventRecord[] {
  const lost = owned.parkable();
  const events = withSources(owned, copies);
  return lost.length === 0 ? events : [...events, ...withSources(lost, copies)];
}

function withSources(owned: UserEvents, copies: CopiesRead | undefined): EventRecord[] {
  const events = owned.events();
  if (copies === undefined) return events;
  const positions = owned.sources();
  return events.map((event, k) => {
    const position = positions[k];
    // Decoded once here: `id` is a getter of the column event, which a spread leaves out.
    const id = event.id;
    if (position === undefined) return event;
    return { ...event, id, source: sourceIn(copies, position) };
  });
}

/**
 * Where the events a merge refused as erased were read: the owner's events whose ids it names (`ids` absent:
 * all of them). `merged` is what {@link eventsToMerge} gave the merge, the owner's events first; the losing
 * copies after them are duplicates, which no line reports.
 */
export function erasedSources(
  owned: UserEvents,
  merged: readonly EventRecord[],
  ids: ReadonlySet<string> | undefined,
): RecordPosition[] {
  const sources = owned.sources();
  return ids === undefined ? sources : sources.filter((_, k) => ids.has((merged[k] as EventRecord).id));
}
