import type { EventRecord } from '../events/event.js';
import type { UserMergeResult } from './ports.js';

/** What an erasure lets into a merge, and what it refuses (docs/operations.md, "The suppression entry"). */
export interface Refusal {
  readonly taken: readonly EventRecord[];
  /**
   * The ids refused: of the events not taken, those no taken copy carries (such a copy is stored, and the
   * refused one is only a duplicate of it).
   */
  readonly erased: ReadonlySet<string>;
}

/** An erased user, or an anonymousId routing to one: nothing is taken. */
export function refuseAll(events: readonly EventRecord[]): Refusal {
  return { taken: [], erased: new Set(events.map((event) => event.id)) };
}

/**
 * An anonymousId erased with the user it was stitched to, without stitching: rule 2 gives its partition to the
 * user whose userId is that same id too, someone else, whose events carry the userId and are taken. Only the
 * anonymous events (no userId), the erased id's own, are refused.
 */
export function refuseAnonymous(events: readonly EventRecord[]): Refusal {
  const taken = events.filter((event) => event.userId !== null);
  const stored = new Set(taken.map((event) => event.id));
  const erased = new Set<string>();
  for (const event of events) if (event.userId === null && !stored.has(event.id)) erased.add(event.id);
  return { taken, erased };
}

/** A merge result's account of what was refused. */
export const erasedOf = ({ erased }: Refusal): Pick<UserMergeResult, 'erasedEvents' | 'erasedIds'> =>
  erased.size === 0 ? { erasedEvents: 0 } : { erasedEvents: erased.size, erasedIds: erased };
