import type { EventRecord } from '../events/event.js';

/**
 * Rule 8: an accepted event, not an alias, with both a userId and an anonymousId links that anonymousId to
 * that user. The earliest link (timestamp, then event id, then the object as sent in canonical JSON) wins.
 */
export function isLink(event: Pick<EventRecord, 'type' | 'userId' | 'anonymousId'>): boolean {
  return event.type !== 'alias' && event.userId !== null && event.anonymousId !== null;
}

/** How one link compares to another, short of the canonical-JSON tie-break. */
export function compareLinks(
  a: Pick<EventRecord, 'timestamp' | 'id'>,
  b: Pick<EventRecord, 'timestamp' | 'id'>,
): number {
  if (a.timestamp !== b.timestamp) return a.timestamp - b.timestamp;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}
