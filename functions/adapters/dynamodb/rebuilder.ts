import type { EventRecord } from '../../domain/events/event.js';
import { type CompiledRules, sameRules } from '../../domain/rules/session-rules.js';
import { MAX_INSTANT_MS, MIN_INSTANT_MS } from '../../domain/rules/timestamp.js';
import { compareLinks, isLink } from '../../domain/sessions/stitching.js';
import type { CopyTexts } from '../../domain/store/copy-choice.js';
import type { CopyTextSource, LinkOutcome, RebuildScope, UserRebuild } from '../../domain/store/ports.js';
import { eventsOfDays } from '../../domain/store/stored.js';
import { loadWindow } from './day-loader.js';
import { headKey, offersDoneUpdate } from './head-codec.js';
import { parkedEvents } from './partition-change.js';
import { type Recut, recut, retryConflicts } from './recut.js';
import { isConditionFailure } from './request-errors.js';
import { readTableRules } from './rules-record.js';
import {
  DynamoDbSessionWriter,
  type SessionWriterOptions,
  type StaleHeadRebuilder,
} from './session-writer.js';
import { DynamoDbStitchingWriter } from './stitching-writer.js';

/** Rule 8's earliest link per anonymousId among one partition's events (the canonical JSON is not stored). */
function earliestLinks(events: readonly EventRecord[]): Map<string, EventRecord> {
  const links = new Map<string, EventRecord>();
  for (const event of events) {
    if (!isLink(event)) continue;
    const anonymousId = event.anonymousId as string;
    const known = links.get(anonymousId);
    if (known === undefined || compareLinks(event, known) < 0) links.set(anonymousId, event);
  }
  return links;
}

/** A move writes sessions too, in each partition it changes: they count as the recut's do. */
function addMove(result: UserRebuild, outcome: LinkOutcome): void {
  result.eventsMoved += outcome.moved;
  result.sessionsWritten += outcome.sessionsWritten;
}

export interface RebuilderOptions extends Omit<SessionWriterOptions, 'staleHeads'> {
  /**
   * Texts of stored copies read again from their objects, for one user's rebuild: ties between copies a
   * recut or a move weighs (rule 3), and between copies of a link event (rule 8), go by them. Without it
   * (or for a copy that cannot be read) they go by projection, and links by userId (docs/design.md).
   */
  readonly copyTexts?: () => CopyTextSource;
}

/** Runs `attempt` with the texts `source` reads, or with none. */
const withTexts = <T>(source: CopyTextSource | undefined, attempt: (texts?: CopyTexts) => Promise<T>) =>
  source === undefined ? attempt() : source.withTexts(attempt);

/**
 * Recomputes one user's stored sessions under the writer's rules (the target of a rebuild), from the events
 * stored in the user's partition: one staged change over the whole partition, committed with the target's
 * fingerprint, so a crash leaves an intent a later merge clears and a merge racing it either commits first
 * (this retries from fresh reads) or fails its own commit and retries after it. Then stitching follows the
 * rules: turned on, the partition's links are offered (moving anonymous events); turned off, a link held by
 * this user's head gives its anonymous events back.
 *
 * It is also the writer's {@link StaleHeadRebuilder}: an ingest running the target rules that meets a user
 * still at the old ones rebuilds that user first.
 */
export class DynamoDbRebuilder implements StaleHeadRebuilder {
  /** A writer of the target rules whose stale heads are rebuilt by this rebuilder. */
  readonly writer: DynamoDbSessionWriter;
  private readonly stitcher: DynamoDbStitchingWriter;
  private readonly copyTexts: (() => CopyTextSource) | undefined;
  /** Users whose stored links this rebuilder is offering now, and by how many calls. */
  private readonly offering = new Map<string, number>();

  constructor({ copyTexts, ...options }: RebuilderOptions) {
    this.writer = new DynamoDbSessionWriter({ ...options, staleHeads: this });
    this.stitcher = new DynamoDbStitchingWriter(this.writer);
    this.copyTexts = copyTexts;
  }

  private get rules(): CompiledRules {
    return this.writer.rules;
  }

  private get transport() {
    return this.writer.transport;
  }

  /** Idempotent: a user already cut under the target (and linked as it says) costs one read. */
  async rebuildUser(user: string, scope: Pick<RebuildScope, 'sourceStitches'>): Promise<UserRebuild> {
    const texts = this.copyTexts?.();
    const offers = this.rules.stitching && !scope.sourceStitches;
    const recut = await this.recutWithRetries(user, texts, offers);
    const result: UserRebuild = { ...recut, linksOffered: 0, eventsMoved: 0 };
    const head = await this.writer.readHead(user);
    if (recut.status === 'skipped') {
      // An anonymousId erased while stitched: its anonymous events, rule 2's again, are erased with it.
      if (!this.rules.stitching && head.erased && head.link !== undefined)
        addMove(result, await withTexts(texts, (known) => this.stitcher.unlink(user, known)));
      return result;
    }
    // A recut to the target whose offers a crash cut short is finished whatever the scope.
    const marked =
      head.offersPending !== undefined &&
      head.rules !== undefined &&
      sameRules(head.rules, this.rules.fingerprint);
    if (offers || (this.rules.stitching && marked)) {
      // Offered even when the head was already at the target: a crash may have come between the two steps.
      this.offering.set(user, (this.offering.get(user) ?? 0) + 1);
      try {
        await this.offerStoredLinks(user, texts, result);
      } finally {
        const left = (this.offering.get(user) ?? 1) - 1;
        if (left === 0) this.offering.delete(user);
        else this.offering.set(user, left);
      }
      // Only now that every link is in: a crash before this leaves the marker for a retry to find.
      if (head.offersPending !== undefined) await this.clearOffersPending(user, head.offersPending);
    }
    if (!this.rules.stitching && head.link !== undefined) {
      addMove(result, await withTexts(texts, (known) => this.stitcher.unlink(user, known)));
    }
    if (result.status === 'current' && result.eventsMoved > 0) result.status = 'rebuilt';
    return result;
  }

  private async offerStoredLinks(
    user: string,
    texts: CopyTextSource | undefined,
    result: UserRebuild,
  ): Promise<void> {
    for (const [anonymousId, link] of earliestLinks(await this.storedCopies(user))) {
      const offered = {
        userId: link.userId as string,
        timestamp: link.timestamp,
        eventId: link.id,
        canonical: '',
        // A tie with another copy of the link event reads both texts there (rule 8).
        ...(link.source !== undefined && { source: link.source }),
      };
      const outcome = await withTexts(texts, (known) => this.stitcher.offerLink(anonymousId, offered, known));
      result.linksOffered++;
      addMove(result, outcome);
    }
  }

  /** Removes the mark of the recut `txn`, whose stored links were all offered since; not another recut's. */
  private async clearOffersPending(user: string, txn: string): Promise<void> {
    try {
      await this.transport.update(headKey(user), offersDoneUpdate(txn));
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
    }
  }

  /**
   * Finishes the offers of a user whose recut a crash cut short before its links were all offered: the
   * writer meets its head at the target rules, still marked. Not for a user whose offers run in this
   * process already (a move that offers one of its links meets its head too): those finish by themselves.
   */
  async finishOffers(user: string): Promise<boolean> {
    if (this.offering.has(user)) return false;
    await this.rebuildUser(user, { sourceStitches: false });
    return true;
  }

  /** Rebuilds `user` when the table's rules record lets this writer's rules in (a rebuild to them runs). */
  async rebuildStale(user: string): Promise<boolean> {
    const table = await readTableRules(this.transport);
    const target = table?.target?.fingerprint ?? table?.fingerprint;
    if (table === undefined || target === undefined || !sameRules(target, this.rules.fingerprint))
      return false;
    // Past a finished rebuild the old rules are unknown here: offering this user's links is then only extra work.
    const sourceStitches = table.target !== undefined && table.rules.identityStitching;
    return (await this.rebuildUser(user, { sourceStitches })).status !== 'skipped';
  }

  /**
   * The user's stored events and parked copies (a copy sent from another device carries a link of its own),
   * read again from a fresh head while a concurrent commit collects what was read.
   */
  private storedCopies(user: string): Promise<EventRecord[]> {
    return retryConflicts(this.writer, user, async () => {
      const head = await this.writer.readHead(user);
      const window = await loadWindow(this.transport, user, head, MIN_INSTANT_MS, MAX_INSTANT_MS);
      return [...eventsOfDays(window.days), ...parkedEvents(user, head)];
    });
  }

  /** `offers`: the user's stored links are offered after the recut, which marks its head until they are. */
  private recutWithRetries(user: string, texts: CopyTextSource | undefined, offers: boolean): Promise<Recut> {
    return retryConflicts(this.writer, user, () =>
      withTexts(texts, (known) => recut(this.writer, user, known, offers)),
    );
  }
}

/**
 * The ingest's session writer: during a rebuild to its rules, a user still cut under the old ones is rebuilt
 * before anything is merged into it; otherwise such a user is refused, as by a plain writer.
 */
export function rebuildingSessionWriter(options: RebuilderOptions): DynamoDbSessionWriter {
  return new DynamoDbRebuilder(options).writer;
}
