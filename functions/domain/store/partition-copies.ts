import type { EventRecord } from '../events/event.js';
import { compareEvents } from '../sessions/order.js';
import { projectionKey } from '../sessions/projection.js';
import { compareLinks, isLink } from '../sessions/stitching.js';
import type { StoredDay } from './stored.js';

/**
 * Parked copies a user keeps at most, the latest (they live in the head, which every merge of the user
 * rewrites and pays for by size): past it, the earliest are dropped, as every losing copy was before parking.
 */
export const MAX_PARKED_COPIES = 500;

/**
 * Characters of event ids the parked copies hold at most, together: a messageId has no length limit, and the
 * head that holds them must stay under DynamoDB's 400 KB. Past it, the earliest go too.
 */
export const MAX_PARKED_ID_CHARACTERS = 128 * 1024;

export interface CopiesRequest {
  readonly loaded: readonly StoredDay[];
  readonly add: readonly EventRecord[];
  readonly remove?: ((event: EventRecord) => boolean) | undefined;
  readonly parked?: readonly EventRecord[] | undefined;
  /** Rule 3's choice between two copies of one event. */
  readonly prefer: (held: EventRecord, event: EventRecord) => EventRecord;
  /**
   * Whether a parked copy is weighed again against the stored copy it lost to. Without the copies' texts (a
   * rebuild given no exports to read) it is not: the stored copy stays, as chosen when both texts were at
   * hand, where `prefer` could only weigh them by projection.
   */
  readonly reweighParked: boolean;
  /**
   * The new events' span, around which the loaded days hold every session a change can reach (all when
   * absent: the whole partition is loaded). A parked copy outside it stays parked: the day it would go back to
   * was not loaded, and writing that day anew would drop the sessions stored there.
   */
  readonly reach?: { readonly first: number; readonly last: number } | undefined;
}

export interface PartitionCopies {
  /** One copy of each event left in the partition, in rule 5's order. */
  readonly events: EventRecord[];
  /** Copies kept out of the sessions (`MergePlan.parked`). */
  readonly parked: EventRecord[];
  readonly storedCount: number;
  readonly removedEvents: number;
  readonly newEvents: number;
}

/** Where a copy in a user's partition came from: the user's own events from one anonymousId, or one anonymousId's. */
function originOf(event: EventRecord): string {
  return `${event.userId !== null ? 'u' : 'a'}:${event.anonymousId ?? ''}`;
}

/**
 * Whether a copy that lost to one of another origin is worth keeping: a user's copy never leaves the
 * partition, so the user's copy that loses to one can only matter for the link it carries, and one without
 * an anonymousId carries none.
 */
function worthParking(loser: EventRecord, winner: EventRecord): boolean {
  return !(loser.userId !== null && loser.anonymousId === null && winner.userId !== null);
}

/**
 * Rule 3 within one partition: per event id, the copy that stays, and the copies parked beside it. A copy
 * that loses to one of its own origin is parked only for a link the winner lacks (the winner is an alias,
 * which never links): rule 8 takes links from every copy, so a rebuild that turns stitching on must find it.
 */
export function chooseCopies(request: CopiesRequest): PartitionCopies {
  const { remove } = request;
  // Parked copies that meet the stored copy they lost to, which then stays (`reweighParked` false).
  const lostTo = new Map<EventRecord, EventRecord>();
  const prefer = (held: EventRecord, event: EventRecord): EventRecord => {
    if (lostTo.get(event) === held) return held;
    if (lostTo.get(held) === event) return event;
    return request.prefer(held, event);
  };
  // Per event id, the preferred copy of each origin (a map only once two origins meet). Stored events first,
  // so a redelivered copy keeps the stored one unless it is preferred.
  const copies = new Map<string, EventRecord | Map<string, EventRecord>>();
  // Per event id and origin, the earliest link among that origin's losing copies: at one instant the one rule 3
  // prefers, whose text sorts first, since rule 8 weighs a rival link of that id and instant by it.
  const lostLinks = new Map<string, EventRecord>();
  const preferOfOrigin = (held: EventRecord, event: EventRecord, origin: string) => {
    const winner = prefer(held, event);
    const loser = winner === held ? event : held;
    if (isLink(loser) && !isLink(winner)) {
      const key = `${event.id}\u0000${origin}`;
      const known = lostLinks.get(key);
      const order = known === undefined ? -1 : compareLinks(loser, known);
      if (order < 0 || (order === 0 && prefer(known as EventRecord, loser) === loser))
        lostLinks.set(key, loser);
    }
    return winner;
  };
  const offer = (event: EventRecord) => {
    const held = copies.get(event.id);
    if (held === undefined) {
      copies.set(event.id, event);
      return;
    }
    const origin = originOf(event);
    if (!(held instanceof Map)) {
      const heldOrigin = originOf(held);
      if (heldOrigin === origin) copies.set(event.id, preferOfOrigin(held, event, origin));
      else
        copies.set(
          event.id,
          new Map([
            [heldOrigin, held],
            [origin, event],
          ]),
        );
      return;
    }
    const same = held.get(origin);
    held.set(origin, same === undefined ? event : preferOfOrigin(same, event, origin));
  };
  let storedCount = 0;
  let removedEvents = 0;
  // Ids of loaded events that leave: a parked copy of one of them may take its place.
  const removedIds = new Set<string>();
  for (const day of request.loaded) {
    for (const session of day.sessions) {
      for (const event of session.events) {
        storedCount++;
        if (remove?.(event)) {
          removedEvents++;
          removedIds.add(event.id);
          continue;
        }
        offer(event);
      }
    }
  }
  // A parked copy is weighed again when the copy it lost to is loaded; otherwise nothing about it changes.
  const parked: EventRecord[] = [];
  const { reach } = request;
  const rivals = (request.parked ?? []).map((event) =>
    reach === undefined || (event.timestamp >= reach.first && event.timestamp <= reach.last)
      ? copies.get(event.id)
      : undefined,
  );
  for (const [index, event] of (request.parked ?? []).entries()) {
    if (remove?.(event)) continue;
    const rival = rivals[index];
    if (rival !== undefined && !(rival instanceof Map) && !request.reweighParked) lostTo.set(event, rival);
    if (rival !== undefined || removedIds.has(event.id)) offer(event);
    else parked.push(event);
  }
  let newEvents = 0;
  for (const event of request.add) {
    if (remove?.(event)) continue;
    if (!copies.has(event.id)) newEvents++;
    offer(event);
  }
  const events: EventRecord[] = [];
  for (const held of copies.values()) {
    if (!(held instanceof Map)) {
      events.push(held);
      continue;
    }
    let winner: EventRecord | undefined;
    for (const copy of held.values()) winner = winner === undefined ? copy : prefer(winner, copy);
    events.push(winner as EventRecord);
    for (const copy of held.values())
      if (copy !== winner && worthParking(copy, winner as EventRecord)) parked.push(copy);
  }
  for (const link of lostLinks.values()) {
    const held = copies.get(link.id);
    const originWinner = held instanceof Map ? held.get(originOf(link)) : held;
    // A copy that came after the alias but is earlier may have taken its place: it carries the link itself.
    if (originWinner !== undefined && !isLink(originWinner)) parked.push(link);
  }
  events.sort(compareEvents);
  capParked(parked);
  return { events, parked, storedCount, removedEvents, newEvents };
}

/** Keeps the latest parked copies within {@link MAX_PARKED_COPIES} and {@link MAX_PARKED_ID_CHARACTERS}. */
function capParked(parked: EventRecord[]): void {
  const idCharacters = parked.reduce((sum, copy) => sum + copy.id.length, 0);
  if (parked.length <= MAX_PARKED_COPIES && idCharacters <= MAX_PARKED_ID_CHARACTERS) return;
  parked.sort((a, b) => compareEvents(b, a));
  let kept = 0;
  for (let sum = 0; kept < Math.min(parked.length, MAX_PARKED_COPIES); kept++) {
    sum += (parked[kept] as EventRecord).id.length;
    if (sum > MAX_PARKED_ID_CHARACTERS) break;
  }
  parked.length = kept;
}

/** Parked copies compared as a set: by id and projection. */
export function sameCopies(a: readonly EventRecord[], b: readonly EventRecord[]): boolean {
  if (a.length !== b.length) return false;
  const keys = (events: readonly EventRecord[]) =>
    events.map((event) => `${event.id}\u0000${projectionKey(event)}`).sort();
  const x = keys(a);
  const y = keys(b);
  return x.every((key, index) => key === y[index]);
}
