import type { EventRecord } from '../../functions/domain/events/event.js';
import {
  type CanonicalLookup,
  type Copy,
  EventCollector,
  type SourceRef,
} from '../../functions/domain/sessions/collector.js';

/** Record `n` of one file `a.ndjson`, on line `n`. */
export const recordAt = (n: number, file = 'a.ndjson'): SourceRef => ({ file, record: n, line: n });

/** A collector holding `events`, as records 1, 2, … of one file. */
export function collectEvents(stitching: boolean, events: readonly EventRecord[]): EventCollector {
  const collector = new EventCollector(stitching);
  events.forEach((event, index) => {
    collector.add(event, recordAt(index + 1));
  });
  return collector;
}

/** Every user's deduplicated events with where they came from, in rule 5's order; users in code-unit order. */
export async function collectedCopies(
  collector: EventCollector,
  canonicalOf: CanonicalLookup,
): Promise<Map<string, Copy[]>> {
  const users = new Map<string, Copy[]>();
  await collector.forEachUser(canonicalOf, (user, ordered) => {
    const where = ordered.sources();
    users.set(
      user,
      ordered.events().map((event, index) => ({ event, source: where[index] as SourceRef })),
    );
  });
  return users;
}
