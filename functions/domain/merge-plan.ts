import type { EventRecord } from './event.js';
import { compareEvents, EventSet, type Session, splitSessions } from './sessionize.js';

/**
 * Merge planning for the session store, kept pure so it can be tested without a database.
 *
 * Stored sessions live in day buckets: every session belongs to the UTC day of its start, together with
 * all of its events. A delivery of new events can only change sessions that lie within one gap of a new
 * event, so a merge loads the buckets of that window, re-runs the batch rules on their events plus the new
 * ones, and rewrites only the buckets whose content changed.
 */

/** The bucket a session belongs to: the UTC date of its start, `YYYY-MM-DD`. */
export function dayOf(epochMs: number): string {
  return new Date(epochMs).toISOString().slice(0, 10);
}

export interface StoredBucket {
  readonly day: string;
  /** Optimistic-concurrency version of the stored item. */
  readonly version: number;
  readonly sessions: readonly Session[];
}

/**
 * The time window whose stored sessions a delivery can affect: a stored session is affected only if it
 * ends no earlier than one gap before the first new event and starts no later than one gap after the last.
 */
export function affectedWindow(events: readonly EventRecord[], gapMs: number): { from: number; to: number } {
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  for (const event of events) {
    if (event.timestamp < min) min = event.timestamp;
    if (event.timestamp > max) max = event.timestamp;
  }
  return { from: min - gapMs, to: max + gapMs };
}

export type BucketOperation =
  | {
      readonly kind: 'put';
      readonly day: string;
      /** Undefined when the bucket must not exist yet. */
      readonly expectedVersion: number | undefined;
      readonly sessions: readonly Session[];
    }
  | { readonly kind: 'delete'; readonly day: string; readonly expectedVersion: number };

export interface MergePlan {
  /** In ascending day order: sessions only ever move to earlier days, so writing earlier days first means
   * an interrupted merge may leave an event in two buckets for a while, but never in none. */
  readonly operations: readonly BucketOperation[];
  readonly newEvents: number;
  readonly sessionsWritten: number;
}

function sameSessions(a: readonly Session[], b: readonly Session[]): boolean {
  if (a.length !== b.length) return false;
  for (let s = 0; s < a.length; s++) {
    const left = a[s] as Session;
    const right = b[s] as Session;
    if (left.eventCount !== right.eventCount || left.startedAt !== right.startedAt) return false;
    for (let e = 0; e < left.events.length; e++) {
      const x = left.events[e] as EventRecord;
      const y = right.events[e] as EventRecord;
      if (x.id !== y.id || x.timestamp !== y.timestamp || x.type !== y.type || x.name !== y.name)
        return false;
    }
  }
  return true;
}

/**
 * Plans the writes that merge `incoming` events of one user into the loaded buckets. `loaded` must hold
 * every stored bucket with a session that overlaps {@link affectedWindow}.
 */
export function planMerge(
  userId: string,
  loaded: readonly StoredBucket[],
  incoming: readonly EventRecord[],
  gapMs: number,
): MergePlan {
  const events = new EventSet();
  for (const bucket of loaded) {
    for (const session of bucket.sessions) {
      for (const event of session.events) {
        events.add(event);
      }
    }
  }
  const storedUnique = events.size;
  for (const event of incoming) events.add(event);
  const merged = [...(events.byUser().get(userId) ?? [])].sort(compareEvents);
  // A stale copy left by an interrupted merge shows up as a stored duplicate; it is not new.
  const newEvents = events.size - storedUnique;

  const sessionsByDay = new Map<string, Session[]>();
  for (const session of splitSessions(userId, merged, gapMs)) {
    const day = dayOf(session.startedAt);
    const list = sessionsByDay.get(day);
    if (list === undefined) sessionsByDay.set(day, [session]);
    else list.push(session);
  }
  const loadedByDay = new Map(loaded.map((bucket) => [bucket.day, bucket]));
  const days = [...new Set([...loadedByDay.keys(), ...sessionsByDay.keys()])].sort();
  const operations: BucketOperation[] = [];
  let sessionsWritten = 0;
  for (const day of days) {
    const before = loadedByDay.get(day);
    const after = sessionsByDay.get(day) ?? [];
    if (before !== undefined && sameSessions(before.sessions, after)) continue;
    if (after.length === 0) {
      if (before !== undefined) operations.push({ kind: 'delete', day, expectedVersion: before.version });
      continue;
    }
    operations.push({ kind: 'put', day, expectedVersion: before?.version, sessions: after });
    sessionsWritten += after.length;
  }
  return { operations, newEvents, sessionsWritten };
}
