import type { EventRecord } from '../../domain/events/event.js';
import type { CompiledRules } from '../../domain/rules/session-rules.js';
import { MAX_INSTANT_MS, MIN_INSTANT_MS } from '../../domain/rules/timestamp.js';
import { type CopyTexts, CopyTextsNeeded } from '../../domain/store/copy-choice.js';
import { type MergePlan, planMerge } from '../../domain/store/plan-merge.js';
import { seenBounds, type UserTotals } from '../../domain/store/stored.js';
import { keysOf } from './day-groups.js';
import { type LoadedWindow, loadWindow } from './day-loader.js';
import { itemsForChanges } from './day-writes.js';
import { decodeEvents, encodeEvents } from './event-codec.js';
import type { Head, Intent } from './head.js';
import type { HeadCommit } from './head-codec.js';
import { DAY_PREFIX } from './keys.js';
import type { Item, Key, Transport } from './transport.js';

/** Everything one partition's part of a merge will write, and what its commit sets. */
export interface PreparedChange {
  readonly user: string;
  readonly head: Head;
  readonly plan: MergePlan;
  /** Day pages, chunks and tombstones, under the attempt's version and transaction. */
  readonly items: Item[];
  /** What the commit sets, but the head's history, which is settled at commit time. */
  readonly commit: Omit<HeadCommit, 'recent'>;
  /** The days written, for a staged write's intent. */
  readonly intent: Intent;
  /** All changes are new days after the newest stored one: written without an intent (docs/design.md). */
  readonly appendOnly: boolean;
  /** Superseded items and garbage found on the way: deleted after the commit, then the tombstones. */
  readonly garbage: Key[];
  readonly tombstones: Key[];
}

export interface ChangeRequest {
  readonly add: readonly EventRecord[];
  /** Events leaving the partition; their presence makes the whole partition load. */
  readonly remove?: (event: EventRecord) => boolean;
  /** Texts for rule 3's ties (see `SessionWriter.mergeUserEvents`); without them ties go by projection. */
  readonly texts?: CopyTexts;
}

export interface ChangeContext {
  readonly transport: Transport;
  readonly rules: CompiledRules;
  readonly pageLimitBytes: number | undefined;
  /** Partitions of at most this many events load whole (default WHOLE_PARTITION_EVENTS). */
  readonly wholePartitionEvents: number;
}

/** The newest day holding sessions after the merge: a stored day outside the window stays as it was. */
function newLastDay(head: Head, window: LoadedWindow, plan: MergePlan): string | undefined {
  const emptied = new Set(
    plan.changes.filter((change) => change.sessions.length === 0).map((change) => change.day),
  );
  const loaded = new Set(window.days.map((day) => day.day));
  const candidates = [
    ...window.days.map((day) => day.day),
    ...plan.changes.filter((change) => change.sessions.length > 0).map((change) => change.day),
  ];
  if (head.lastDay !== undefined && !loaded.has(head.lastDay)) candidates.push(head.lastDay);
  let last: string | undefined;
  for (const day of candidates) if (!emptied.has(day) && (last === undefined || day > last)) last = day;
  return last;
}

/** The latest time of a loaded event that a new copy of it, earlier, displaces (rule 3 keeps the earliest). */
function latestDisplaced(window: LoadedWindow, add: readonly EventRecord[]): number | undefined {
  const earliest = new Map<string, number>();
  for (const event of add) {
    const known = earliest.get(event.id);
    if (known === undefined || event.timestamp < known) earliest.set(event.id, event.timestamp);
  }
  let latest: number | undefined;
  for (const day of window.days)
    for (const session of day.sessions)
      for (const event of session.events) {
        const copy = earliest.get(event.id);
        if (
          copy !== undefined &&
          copy < event.timestamp &&
          (latest === undefined || event.timestamp > latest)
        )
          latest = event.timestamp;
      }
  return latest;
}

/**
 * A partition this small is loaded whole, so a copy of a stored event is found however far apart their
 * timestamps are (rule 3); past it, only copies within the window below are (docs/design.md, limitations).
 * About 1,000 events are a few day items: a handful of read units.
 */
export const WHOLE_PARTITION_EVENTS = 1_000;

/**
 * Loads what a change to one partition can reach (one gap around the new events, and the capped chains that
 * follow; the whole partition when events leave it or it is small), plans it with the batch rules, and encodes the writes.
 * Undefined when nothing changes (a redelivery).
 */
export async function prepareChange(
  context: ChangeContext,
  user: string,
  head: Head,
  request: ChangeRequest,
  version: number,
  txn: string,
): Promise<PreparedChange | undefined> {
  const { rules } = context;
  let from: number;
  let to: number;
  let reach: { first: number; last: number } | undefined;
  if (request.remove !== undefined || head.totals.eventCount <= context.wholePartitionEvents) {
    from = MIN_INSTANT_MS;
    to = MAX_INSTANT_MS;
  } else {
    let min = Number.POSITIVE_INFINITY;
    let max = Number.NEGATIVE_INFINITY;
    for (const event of request.add) {
      if (event.timestamp < min) min = event.timestamp;
      if (event.timestamp > max) max = event.timestamp;
    }
    // Clamped: a day key past 9999-12-31 would sort before every other day (`+010000-01-01`).
    from = Math.max(MIN_INSTANT_MS, min - rules.maxGapMs);
    to = Math.min(MAX_INSTANT_MS, max + rules.maxGapMs);
    // What a new event there can reach is loaded; a parked copy elsewhere would be written over its day.
    reach = { first: min, last: max };
  }
  const capped = rules.capMs !== undefined;
  let window = await loadWindow(context.transport, user, head, from, to, capped);
  // A loaded copy later than a new one gives way to it (rule 3) and leaves its own time, where the sessions
  // around it change as around a new event: the window reaches one gap past it too, and its month.
  while (reach !== undefined) {
    const displaced = latestDisplaced(window, request.add);
    if (displaced === undefined || Math.min(MAX_INSTANT_MS, displaced + rules.maxGapMs) <= to) break;
    to = Math.min(MAX_INSTANT_MS, displaced + rules.maxGapMs);
    window = await loadWindow(context.transport, user, head, from, to, capped);
  }
  const plan = planMerge({
    user,
    rules,
    totals: head.totals,
    loaded: window.days,
    add: request.add,
    ...(request.remove !== undefined && { remove: request.remove }),
    parked: parkedEvents(user, head),
    ...(request.texts !== undefined && { texts: request.texts }),
    ...(reach !== undefined && { reach }),
  });
  // Before anything is written: the caller reads these copies and merges again.
  if (plan.unreadCopies.length > 0) throw new CopyTextsNeeded(plan.unreadCopies);
  if (plan.changes.length === 0 && !plan.parkedChanged) return undefined;
  const totals: UserTotals = {
    sessionCount: plan.sessionCount,
    eventCount: plan.eventCount,
    months: plan.months,
    dayCount: plan.dayCount,
    ...seenBounds(head.totals, { first: plan.rangeFirstEventAt, last: plan.rangeLastEventAt }, window),
  };
  const days = plan.changes.map((change) => change.day);
  const replaced = new Set(days);
  const appendOnly = plan.changes.every(
    (change) =>
      change.isNew && change.sessions.length > 0 && (head.lastDay === undefined || change.day > head.lastDay),
  );
  const items = itemsForChanges(user, plan.changes, version, txn, context.pageLimitBytes);
  const emptied = new Set(
    plan.changes.filter((change) => change.sessions.length === 0).map((change) => change.day),
  );
  const ownTombstones = items
    .filter((item) => emptied.has((item.sk?.S ?? '').slice(2, 12)))
    .map((item) => ({ pk: { S: item.pk?.S ?? '' }, sk: { S: item.sk?.S ?? '' } }));
  return {
    user,
    head,
    plan,
    items,
    commit: {
      version,
      txn,
      lastDay: newLastDay(head, window, plan),
      rules: rules.fingerprint,
      totals,
      ...(plan.parkedChanged && {
        parked: plan.parked.length === 0 ? null : encodeEvents(user, plan.parked),
      }),
      ...(items.some(isPageOfSeveral) && { busyDays: true as const }),
    },
    intent: {
      version,
      // A change of parked copies alone writes no day: a range that holds no item.
      firstDay: days[0] ?? '',
      lastDay: days[days.length - 1] ?? '',
      at: Date.now(),
      partners: [],
    },
    appendOnly,
    garbage: [
      ...window.garbage,
      ...window.days.filter((day) => replaced.has(day.day)).flatMap((day) => keysOf(day.group)),
    ],
    tombstones: [...window.tombstones, ...ownTombstones],
  };
}

/** A day page of a write that stored its day as several. */
const isPageOfSeveral = (item: Item) => (item.sk?.S ?? '').startsWith(DAY_PREFIX) && Number(item.pc?.N) > 1;

/** The copies a user's head keeps out of the sessions (`MergePlan.parked`). */
export function parkedEvents(user: string, head: Head): EventRecord[] {
  return head.parked === undefined ? [] : decodeEvents(user, head.parked);
}

/** Best effort: what is left behind is hidden from readers and collected by a later merge of the user. */
export async function collectGarbage(
  transport: Transport,
  garbage: readonly Key[],
  tombstones: readonly Key[],
) {
  try {
    await transport.deleteKeys(garbage);
    await transport.deleteKeys(tombstones);
  } catch {
    // Throttled or interrupted: the next merge of this user finds the same garbage again.
  }
}
