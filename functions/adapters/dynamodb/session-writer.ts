import type { EventRecord } from '../../domain/events/event.js';
import type { CompiledRules } from '../../domain/rules/session-rules.js';
import { describeRules } from '../../domain/rules/session-rules.js';
import { type MergePlan, planMerge } from '../../domain/store/plan-merge.js';
import type { SessionWriter, UserMergeResult } from '../../domain/store/ports.js';
import { seenBounds, type UserTotals } from '../../domain/store/stored.js';
import { keysOf } from './day-groups.js';
import { type LoadedWindow, loadWindow } from './day-loader.js';
import { itemsForChanges, newTxn } from './day-writes.js';
import { commitUpdate, decodeHead, type Head, headKey } from './head-codec.js';
import { abandonIntent, cleanDeadIntents, registerIntent } from './intents.js';
import { backoff, isConditionFailure, itemKey, type Key, type Transport } from './transport.js';

export interface SessionWriterOptions {
  readonly transport: Transport;
  readonly rules: CompiledRules;
  /** Blobs above this many bytes split into more pages (tests lower it to exercise pages and chunks). */
  readonly pageLimitBytes?: number;
  /** Merge attempts when other writers keep winning the optimistic-concurrency race. */
  readonly maxMergeAttempts?: number;
}

export class MergeConflictError extends Error {
  constructor(userId: string, attempts: number) {
    super(`gave up merging user ${JSON.stringify(userId)} after ${attempts} conflicting attempts`);
    this.name = 'MergeConflictError';
  }
}

/** The user's sessions were cut under other rules: merging would mix the two (rule 6). */
export class RulesMismatchError extends Error {
  constructor(userId: string, stored: string, current: CompiledRules) {
    super(
      `the sessions of user ${JSON.stringify(userId)} were cut under other session rules (${stored}) than this ingest runs (${describeRules(current.source)}); rebuild the table under the new rules before ingesting with them`,
    );
    this.name = 'RulesMismatchError';
  }
}

/** A merge is written by whichever protocol fits it (docs/design.md, "Merges"). */
type Protocol = 'append' | 'staged';

function chooseProtocol(head: Head, plan: MergePlan): Protocol {
  const appends = plan.changes.every(
    (change) =>
      change.isNew && change.sessions.length > 0 && (head.lastDay === undefined || change.day > head.lastDay),
  );
  return appends ? 'append' : 'staged';
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

/**
 * The write side of the DynamoDB session store. One merge: read the head, load the days the new events can
 * reach, plan the changed days with the batch rules, write them under this attempt's version and
 * transaction (invisible until committed), then commit by updating the head with a condition on the version
 * read. Whoever loses a race deletes what it wrote and starts over from fresh reads.
 */
export class DynamoDbSessionWriter implements SessionWriter {
  private readonly transport: Transport;
  private readonly rules: CompiledRules;
  private readonly pageLimitBytes: number | undefined;
  private readonly maxMergeAttempts: number;

  constructor(options: SessionWriterOptions) {
    this.transport = options.transport;
    this.rules = options.rules;
    this.pageLimitBytes = options.pageLimitBytes;
    this.maxMergeAttempts = options.maxMergeAttempts ?? 25;
  }

  async readHead(user: string): Promise<Head> {
    return decodeHead(await this.transport.get(headKey(user)));
  }

  async mergeUserEvents(userId: string, events: readonly EventRecord[]): Promise<UserMergeResult> {
    const none = { userId, newEvents: 0, erasedEvents: 0, sessionsWritten: 0 };
    if (events.length === 0) return { ...none, attempts: 0 };
    let newEvents: number | undefined;
    for (let attempt = 1; attempt <= this.maxMergeAttempts; attempt++) {
      let head = await this.readHead(userId);
      if (head.erased) return { ...none, erasedEvents: events.length, attempts: attempt };
      if (head.rules !== undefined && head.rules !== this.rules.fingerprint) {
        throw new RulesMismatchError(userId, head.rules, this.rules);
      }
      if (await cleanDeadIntents(this.transport, userId, head)) head = await this.readHead(userId);
      const outcome = await this.attempt(userId, head, events);
      if (outcome !== 'conflict') {
        newEvents ??= outcome.newEvents;
        return { ...none, newEvents, sessionsWritten: outcome.sessionsWritten, attempts: attempt };
      }
      await backoff(attempt, this.transport.baseDelayMs);
    }
    throw new MergeConflictError(userId, this.maxMergeAttempts);
  }

  private async attempt(
    user: string,
    head: Head,
    events: readonly EventRecord[],
  ): Promise<{ newEvents: number; sessionsWritten: number } | 'conflict'> {
    let min = Number.POSITIVE_INFINITY;
    let max = Number.NEGATIVE_INFINITY;
    for (const event of events) {
      if (event.timestamp < min) min = event.timestamp;
      if (event.timestamp > max) max = event.timestamp;
    }
    const window = await loadWindow(
      this.transport,
      user,
      head,
      min - this.rules.maxGapMs,
      max + this.rules.maxGapMs,
    );
    const plan = planMerge({
      user,
      rules: this.rules,
      totals: head.totals,
      loaded: window.days,
      add: events,
    });
    if (plan.changes.length === 0) {
      await this.collectGarbage(window.garbage, window.tombstones);
      return { newEvents: 0, sessionsWritten: 0 };
    }
    const version = head.version + 1;
    const txn = newTxn();
    const items = itemsForChanges(user, plan.changes, version, txn, this.pageLimitBytes);
    const totals: UserTotals = {
      sessionCount: plan.sessionCount,
      eventCount: plan.eventCount,
      months: plan.months,
      ...seenBounds(head.totals, { first: plan.rangeFirstEventAt, last: plan.rangeLastEventAt }, window),
    };
    const protocol = chooseProtocol(head, plan);
    // A staged merge's intent creates the head if needed, so its commit finds one.
    const commit = commitUpdate(
      protocol === 'staged' ? { ...head, exists: true } : head,
      {
        version,
        txn,
        lastDay: newLastDay(head, window, plan),
        previousLastDay: head.lastDay,
        rules: this.rules.fingerprint,
        totals,
      },
      protocol === 'staged' ? txn : undefined,
    );
    const days = plan.changes.map((change) => change.day);
    const intent = { version, firstDay: days[0] as string, lastDay: days[days.length - 1] as string };
    try {
      if (protocol === 'staged') await registerIntent(this.transport, user, head, txn, intent);
    } catch (error) {
      if (isConditionFailure(error)) return 'conflict';
      throw error;
    }
    const written: Key[] = [];
    try {
      for (const item of items) {
        await this.transport.put(item);
        written.push(itemKey(item.pk?.S ?? '', item.sk?.S ?? ''));
      }
      await this.transport.update(headKey(user), commit);
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
      // Lost the race: what this attempt wrote can never become visible; clear it away.
      await this.transport.deleteKeys(written).catch(() => undefined);
      if (protocol === 'staged')
        await abandonIntent(this.transport, user, txn, intent).catch(() => undefined);
      return 'conflict';
    }
    // Committed. The days this merge replaced, and garbage seen on the way, can go now.
    const replaced = new Set(days);
    const superseded = window.days.filter((day) => replaced.has(day.day)).flatMap((day) => keysOf(day.group));
    const ownTombstones = plan.changes
      .filter((change) => change.sessions.length === 0)
      .flatMap((change) => written.filter((key) => key.sk.S.startsWith(`D#${change.day}#`)));
    await this.collectGarbage([...window.garbage, ...superseded], [...window.tombstones, ...ownTombstones]);
    return { newEvents: plan.newEvents, sessionsWritten: plan.sessionsWritten };
  }

  /** Best effort: what is left behind is hidden from readers and collected by a later merge of the user. */
  private async collectGarbage(garbage: readonly Key[], tombstones: readonly Key[]): Promise<void> {
    try {
      await this.transport.deleteKeys(garbage);
      await this.transport.deleteKeys(tombstones);
    } catch {
      // Throttled or interrupted: the next merge of this user finds the same garbage again.
    }
  }
}
