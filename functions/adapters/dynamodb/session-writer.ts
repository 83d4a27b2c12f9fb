import type { EventRecord } from '../../domain/events/event.js';
import { type CompiledRules, sameRules } from '../../domain/rules/session-rules.js';
import type { CopyTexts } from '../../domain/store/copy-choice.js';
import type { SessionWriter, UserMergeResult } from '../../domain/store/ports.js';
import { erasedOf, type Refusal, refuseAll, refuseAnonymous } from '../../domain/store/refusal.js';
import { loggedUser } from '../../shared/id-digest.js';
import { commitChange } from './commit-change.js';
import { APPEND_DEADLINE_MS } from './commit-history.js';
import { conflictOnStaleRead } from './day-loader.js';
import { newTxn } from './day-writes.js';
import type { Head } from './head.js';
import { decodeHead, headKey } from './head-codec.js';
import { cleanDeadIntents } from './intents.js';
import { type ChangeContext, prepareChange, WHOLE_PARTITION_EVENTS } from './partition-change.js';
import { backoff } from './request-errors.js';
import { RulesMismatchError } from './rules-mismatch-error.js';
import { batchKey, type Key, type Transport } from './transport.js';

export interface SessionWriterOptions {
  readonly transport: Transport;
  readonly rules: CompiledRules;
  /** Blobs above this many bytes split into more pages (tests lower it to exercise pages and chunks). */
  readonly pageLimitBytes?: number;
  /** Partitions of at most this many events load whole, so far-apart copies of an event meet (tests lower it). */
  readonly wholePartitionEvents?: number;
  /** Merge attempts when other writers keep winning the optimistic-concurrency race. */
  readonly maxMergeAttempts?: number;
  /** Brings a user cut under other rules to these; without it such a user is refused. */
  readonly staleHeads?: StaleHeadRebuilder;
}

/** Rebuilds a user whose head is at other rules than the writer's, when a rebuild to the writer's rules runs. */
export interface StaleHeadRebuilder {
  /** True when the user is now cut under the writer's rules; false when no rebuild lets it be. */
  rebuildStale(user: string): Promise<boolean>;
  /**
   * Offers the stored links of a user whose recut to the writer's rules was cut short before they were all
   * offered (`Head.offersPending`). True when it did; false when they are being offered already.
   */
  finishOffers(user: string): Promise<boolean>;
}

export class MergeConflictError extends Error {
  constructor(userId: string, attempts: number) {
    super(`gave up merging the ${loggedUser(userId)} after ${attempts} conflicting attempts`);
    this.name = 'MergeConflictError';
  }
}

/** Where a merge goes this attempt: a partition and its head as read. */
export interface MergeTarget {
  readonly user: string;
  readonly head: Head;
  /** When the head was read, if before the attempt started (read ahead): its deadline counts from then. */
  readonly readAt?: number;
  /** The events are refused: the partition (or the anonymousId routing to it) was erased. */
  readonly erased?: boolean;
}

/** Resolves the target anew on every attempt; 'retry' when what it read changed under it. */
export type TargetResolver = () => Promise<MergeTarget | 'retry'>;

/**
 * The write side of the DynamoDB session store. One merge: read the head, load the days the new events can
 * reach, plan the changed days with the batch rules, write them under this attempt's version and
 * transaction (invisible until committed), then commit by updating the head with a condition on the version
 * read. Whoever loses a race deletes what it wrote and starts over from fresh reads.
 */
export class DynamoDbSessionWriter implements SessionWriter {
  readonly transport: Transport;
  readonly rules: CompiledRules;
  private readonly context: ChangeContext;
  private readonly maxMergeAttempts: number;
  private readonly staleHeads: StaleHeadRebuilder | undefined;

  constructor(options: SessionWriterOptions) {
    this.transport = options.transport;
    this.rules = options.rules;
    this.context = {
      transport: options.transport,
      rules: options.rules,
      pageLimitBytes: options.pageLimitBytes,
      wholePartitionEvents: options.wholePartitionEvents ?? WHOLE_PARTITION_EVENTS,
    };
    this.maxMergeAttempts = options.maxMergeAttempts ?? 25;
    this.staleHeads = options.staleHeads;
  }

  async readHead(user: string): Promise<Head> {
    return decodeHead(await this.transport.get(headKey(user)));
  }

  get changeContext(): ChangeContext {
    return this.context;
  }

  get attempts(): number {
    return this.maxMergeAttempts;
  }

  /**
   * Heads read ahead, each for its user's next merge. Only that merge's first attempt uses it: a head that
   * went stale meanwhile fails the commit's condition on the version, and the next attempt reads afresh.
   */
  private readonly prefetched = new Map<string, { head: Head; readAt: number }>();

  async prefetchHeads(userIds: readonly string[]): Promise<void> {
    const keys = userIds.map(headKey);
    const readAt = Date.now();
    const items = await this.transport.batchGet(keys);
    for (const [index, user] of userIds.entries()) {
      const key = keys[index] as Key;
      const head = decodeHead(items.get(batchKey(key.pk?.S ?? '', key.sk?.S ?? '')));
      this.prefetched.set(user, { head, readAt });
    }
  }

  mergeUserEvents(
    userId: string,
    events: readonly EventRecord[],
    texts?: CopyTexts,
  ): Promise<UserMergeResult> {
    let readAhead = this.prefetched.get(userId);
    this.prefetched.delete(userId);
    // An attempt on a head read too long ago would run out of time before it could commit.
    if (readAhead !== undefined && Date.now() - readAhead.readAt > APPEND_DEADLINE_MS / 2)
      readAhead = undefined;
    return this.merge(
      userId,
      events,
      async () => {
        const target = readAhead ?? { head: await this.readHead(userId), readAt: undefined };
        readAhead = undefined;
        return { user: userId, ...target };
      },
      texts,
    );
  }

  /**
   * Checks a head before writing under it: a head cut under other rules is refused, unless a rebuild to this
   * writer's rules is in progress, which rebuilds that user first ('rebuilt': read the head again); so is a
   * head recut to these rules whose stored links a crash left unoffered. An erased user's head holds no
   * sessions to have been cut under any rules (a rebuild passes it by): what a link moves into it is erased
   * again right after.
   */
  async admitHead(user: string, head: Head): Promise<'admitted' | 'rebuilt'> {
    if (head.erased || head.rules === undefined) return 'admitted';
    if (sameRules(head.rules, this.rules.fingerprint)) {
      // Its recut's links not all offered (a crash came between): offered first, as a stale user is rebuilt first,
      // since a retried ingest offers only the links of its own events.
      if (head.offersPending === undefined || this.staleHeads === undefined) return 'admitted';
      return (await this.staleHeads.finishOffers(user)) ? 'rebuilt' : 'admitted';
    }
    if (this.staleHeads !== undefined && (await this.staleHeads.rebuildStale(user))) return 'rebuilt';
    throw new RulesMismatchError(user, head.rules, this.rules);
  }

  /**
   * What an erasure refuses of a merge's events: all of them under an erased user (or an anonymousId routing to
   * one). An anonymousId erased with the user it was stitched to refuses its anonymous events; with stitching
   * on they never reach its partition (the stitching writer refuses them), without it (turned off by a rebuild
   * since) rule 2 brings them here beside the events of the user whose userId is that id, who was not erased.
   */
  private refusal(target: MergeTarget, events: readonly EventRecord[]): Refusal | undefined {
    if (target.erased || target.head.erased) return refuseAll(events);
    if (target.head.anonymousErased && !this.rules.stitching) return refuseAnonymous(events);
    return undefined;
  }

  /** The merge loop around a target resolved afresh on each attempt. */
  async merge(
    label: string,
    events: readonly EventRecord[],
    resolve: TargetResolver,
    texts?: CopyTexts,
  ): Promise<UserMergeResult> {
    const none = { userId: label, newEvents: 0, erasedEvents: 0, sessionsWritten: 0 };
    if (events.length === 0) return { ...none, attempts: 0 };
    for (let attempt = 1; attempt <= this.maxMergeAttempts; attempt++) {
      const startedAt = Date.now();
      const target = await resolve();
      if (target !== 'retry') {
        const refusal = this.refusal(target, events);
        const erased =
          refusal === undefined
            ? none
            : { ...none, ...erasedOf(refusal), ...(target.user !== label && { erasedFor: target.user }) };
        const taken = refusal?.taken ?? events;
        if (taken.length === 0) return { ...erased, attempts: attempt };
        if ((await this.admitHead(target.user, target.head)) === 'rebuilt') continue;
        // Cleaning changes the head: the target is resolved again, since an anonymousId's link may have moved
        // its events meanwhile, which only the resolver checks.
        if (await cleanDeadIntents(this.transport, target.user, target.head)) continue;
        const { user, head } = target;
        const change = await prepareChange(
          this.context,
          user,
          head,
          { add: taken, ...(texts !== undefined && { texts }) },
          head.version + 1,
          newTxn(),
        ).catch(conflictOnStaleRead);
        if (change === undefined) return { ...erased, attempts: attempt };
        // A head read ahead was read before this attempt started: its time counts from the read.
        if (
          change !== 'conflict' &&
          (await commitChange(this.transport, change, target.readAt ?? startedAt)) === 'committed'
        ) {
          const { newEvents, sessionsWritten } = change.plan;
          return { ...erased, newEvents, sessionsWritten, attempts: attempt };
        }
      }
      await backoff(attempt, this.transport.baseDelayMs);
    }
    throw new MergeConflictError(label, this.maxMergeAttempts);
  }
}
