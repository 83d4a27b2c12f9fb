import type { EventSource } from '../domain/events/event.js';
import type { CanonicalLookup, EventCollector } from '../domain/sessions/collector.js';
import { CopyTextsNeeded } from '../domain/store/copy-choice.js';
import { CallCopyTexts, type CopyTextReader } from '../domain/store/copy-texts.js';
import type { IdentityWriter, SessionWriter, UserMergeResult } from '../domain/store/ports.js';
import { TaskPool } from '../shared/task-pool.js';
import { linkSteps, type Owner, type Step, stitchedOwner, userOwner } from './chunk-steps.js';
import { servedByOneRead } from './copies-per-read.js';
import { type CopiesRead, eventsToMerge } from './event-sources.js';
import { COPIES_PER_READ } from './memory-limits.js';
import type { IngestProgress, MergeProgress } from './progress.js';
import type { RefusedEvents } from './refused-events.js';
import { erasedLine, type RejectionReport } from './rejection-report.js';
import { ResumedSteps } from './resumed-steps.js';

/** Users whose heads are read in one request before their merges are offered (BatchGetItem's limit). */
export const USERS_PER_PREFETCH = 100;

/** A chunk of accepted events, counted in reading order from `start`. */
export interface Chunk {
  readonly collector: EventCollector;
  readonly start: number;
  /** Set when an earlier delivery stopped inside this chunk: its first owners are merged already. */
  readonly resume?: NonNullable<IngestProgress['partial']> | undefined;
}

/** Thrown to stop taking on merges: the call's time is up. */
export class StopMerging extends Error {
  constructor() {
    super('time is up: no more merges in this call');
    this.name = 'StopMerging';
  }
}

export interface ChunkMergerOptions {
  readonly writer: SessionWriter;
  /** Set when the rules stitch identities. */
  readonly identity: IdentityWriter | undefined;
  readonly canonicalOf: CanonicalLookup;
  readonly report: RejectionReport;
  /** What the object's merges refused as erased so far: each event is reported and counted once. */
  readonly refused: RefusedEvents;
  readonly progress: MergeProgress;
  readonly concurrency: number;
  /** Before each merge or link is offered: may save progress, or throw {@link StopMerging}. */
  readonly beforeMerge: () => Promise<void> | undefined;
  /**
   * The object's key and content version, and how to read copies again: with them, events carry where they
   * were read, and the store breaks ties with stored copies by canonical JSON (rule 3); else by projection.
   */
  readonly copies?: CopiesRead & {
    readonly read: CopyTextReader;
    /** Copies read again at once (`COPIES_PER_READ` unless set). */
    readonly perRead?: number;
  };
}

/** A merge that met a tie needing copies read again: merged once the chunk's others are done. */
interface Deferred {
  readonly index: number;
  readonly owner: Owner;
  readonly sources: readonly EventSource[];
}

/**
 * Merges the owners of one chunk into the store (its links first when stitching), a bounded number at once,
 * following their progress; the events a merge refuses as erased are reported as rejected. A chunk an earlier delivery
 * stopped inside skips the links and owners it got through, once their names prove them the same ones in
 * the same order.
 */
export class ChunkMerger {
  /** Set once a merge or link of this call has finished: from then on the call may stop. */
  worked = false;
  /** Texts of copies read again, for every merge and link of this call; only ties need them, so they are few. */
  private readonly copyTexts: CallCopyTexts | undefined;
  private deferred: Deferred[] = [];
  /** The copies the merges in `deferred` wait for. */
  private deferredCopies = 0;
  private readonly perRead: number;

  constructor(private readonly options: ChunkMergerOptions) {
    this.copyTexts = options.copies && new CallCopyTexts(options.copies.read);
    this.perRead = options.copies?.perRead ?? COPIES_PER_READ;
  }

  async merge(chunk: Chunk, end: number): Promise<void> {
    const { progress } = this.options;
    progress.startChunk(chunk.start, end);
    const resumed = new ResumedSteps(progress, chunk.resume);
    await this.eachStep(chunk.collector, (step) => resumed.place(step.name));
    resumed.check();
    const skipped = resumed.skippedAmiss;
    if (skipped > 0) {
      // The steps differ from those the progress names (the code changed between deliveries): take the ones
      // skipped too. Links and merges are idempotent; only the merges' count in the totals repeats.
      let seen = 0;
      await this.eachStep(chunk.collector, () => (seen < skipped ? seen++ : 'skip'));
    }
    await this.mergeDeferred();
    progress.finishChunk();
  }

  /**
   * Offers each link and merge of the chunk `place` gives an index: its place in the chunk's progress.
   * Without stitching, users go to the pool a hundred at a time, their heads read ahead in one request.
   */
  private async eachStep(chunk: EventCollector, place: (step: Step) => number | 'skip'): Promise<void> {
    const { writer, identity, canonicalOf, concurrency } = this.options;
    const pool = new TaskPool(concurrency);
    try {
      if (identity !== undefined) {
        await this.offerLinks(chunk, identity, pool, place);
        // Every link is in before any event: a link may move stored events.
        await pool.drain();
        await chunk.forEachOwner(canonicalOf, (owner, owned) => {
          const named = stitchedOwner(writer, identity, owner, owned);
          const index = place(named);
          return index === 'skip' ? undefined : this.offer(pool, index, named);
        });
        return;
      }
      let waiting: [number, Owner][] = [];
      const offerWaiting = async () => {
        const users = waiting;
        waiting = [];
        if (users.length === 0) return;
        await writer.prefetchHeads?.(users.map(([, owner]) => owner.name));
        for (const [index, owner] of users) await this.offer(pool, index, owner);
      };
      await chunk.forEachUser(canonicalOf, (user, owned) => {
        const owner = userOwner(writer, user, owned);
        const index = place(owner);
        if (index === 'skip') return undefined;
        waiting.push([index, owner]);
        return waiting.length >= USERS_PER_PREFETCH ? offerWaiting() : undefined;
      });
      await offerWaiting();
    } finally {
      await pool.drain();
    }
  }

  /**
   * Rule 8 in the store: links first (they may move stored events), then events by their own identity. Links
   * are steps of the chunk's progress like merges, so a call may stop among them and the next skips those done.
   */
  private async offerLinks(
    chunk: EventCollector,
    identity: IdentityWriter,
    pool: TaskPool,
    place: (step: Step) => number | 'skip',
  ): Promise<void> {
    const { canonicalOf, copies } = this.options;
    for (const step of await linkSteps(chunk, canonicalOf, copies)) {
      const index = place(step);
      if (index === 'skip') continue;
      await this.options.beforeMerge();
      const { anonymousId, link } = step;
      await pool.offer(async () => {
        const copyTexts = this.copyTexts;
        const outcome =
          copyTexts === undefined
            ? await identity.offerLink(anonymousId, link)
            : await copyTexts.withTexts((texts) => identity.offerLink(anonymousId, link, texts));
        this.worked = true;
        this.options.progress.finishLink(index, outcome);
      });
    }
  }

  /**
   * Merges the owners whose ties needed copies read again, in merge order, holding the texts of one read at
   * once: reads those of the first owners' copies (one pass over each file), merges them, and so on until
   * none is left waiting (a copy stored meanwhile may bring another tie). The first is merged alone, so the
   * progress moves past it; then the call may stop as anywhere, or a chunk of them ran past its time, but
   * not before one with a later step done (the progress would lose that step).
   */
  private async mergeDeferred(): Promise<void> {
    const copyTexts = this.copyTexts;
    const { perRead } = this;
    let firstDone = false;
    while (copyTexts !== undefined && this.deferred.length > 0) {
      const waiting = this.deferred.sort((a, b) => a.index - b.index);
      this.deferred = [];
      this.deferredCopies = 0;
      this.defer(waiting.splice(servedByOneRead(waiting, perRead)));
      if (copyTexts.texts.size >= perRead) copyTexts.forget();
      await copyTexts.readMissing(waiting.flatMap((deferred) => deferred.sources));
      const pool = new TaskPool(this.options.concurrency);
      try {
        for (const [k, { index, owner, sources }] of waiting.entries()) {
          // Not before one with a later step done: the progress would lose that step, merged again next call.
          if (firstDone && !this.options.progress.finishedPast(index)) await this.options.beforeMerge();
          await this.offer(pool, index, owner, sources);
          if (firstDone) continue;
          await pool.drain();
          // It waits again (a copy stored meanwhile): read what it needs, then merge it first again.
          if (this.deferred.some((deferred) => deferred.index === index)) {
            this.defer(waiting.slice(k + 1));
            break;
          }
          firstDone = true;
        }
      } finally {
        await pool.drain();
      }
    }
  }

  /**
   * `beforeMerge`, which may stop the call. A merge waiting for copies read again holds back the progress a
   * later call resumes from (the steps before the first unfinished one), and that call would defer it again
   * and stop again: so before stopping, the merges under way finish, and the first waiting one and those before
   * a step done are merged (a read's worth at most: `offer` merges them once they wait for that many copies).
   */
  private async stopIfDue(pool: TaskPool): Promise<void> {
    try {
      await this.options.beforeMerge();
    } catch (error) {
      if (!(error instanceof StopMerging)) throw error;
      await pool.drain();
      await this.mergeDeferred();
      throw error;
    }
  }

  private defer(merges: readonly Deferred[]): void {
    this.deferred.push(...merges);
    for (const { sources } of merges) this.deferredCopies += sources.length;
  }

  /** Merges one owner in the pool, its events made objects only once the merge starts. */
  private async offer(
    pool: TaskPool,
    index: number,
    owner: Owner,
    waited?: readonly EventSource[],
  ): Promise<void> {
    if (waited === undefined) {
      await this.stopIfDue(pool);
      // The merges waiting hold back the progress past them, and the steps done after them: merged once they
      // wait for a read's worth of copies, so that a call stopping has few of them left to merge first.
      if (this.deferredCopies >= this.perRead) {
        await pool.drain();
        await this.mergeDeferred();
      }
    }
    await pool.offer(async () => {
      const texts = this.copyTexts?.texts;
      const events = eventsToMerge(owner.owned, this.options.copies);
      let result: UserMergeResult;
      try {
        result = await owner.merge(events, texts);
      } catch (error) {
        if (!(error instanceof CopyTextsNeeded)) throw error;
        // With the copies it waited for before: their texts may have been dropped since.
        this.defer([{ index, owner, sources: [...(waited ?? []), ...error.sources] }]);
        return;
      }
      this.worked = true;
      const counted = this.options.refused.account(owner.anonymousId, owner.owned, events, result);
      for (const at of counted.erasedAt) this.options.report.write(erasedLine(at));
      this.options.progress.finishStep(index, counted.result, counted.erasedAt);
    });
  }
}
