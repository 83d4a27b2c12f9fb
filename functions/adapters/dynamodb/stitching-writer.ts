import type { TransactWriteItem } from '@aws-sdk/client-dynamodb';
import type { EventRecord } from '../../domain/events/event.js';
import { MAX_INSTANT_MS, MIN_INSTANT_MS } from '../../domain/rules/timestamp.js';
import { type CopyTexts, CopyTextsNeeded, type UnreadCopies } from '../../domain/store/copy-choice.js';
import type { IdentityWriter, LinkOutcome, UserMergeResult } from '../../domain/store/ports.js';
import { eventsOfDays } from '../../domain/store/stored.js';
import { idSha256 } from '../../shared/id-digest.js';
import { lostRace } from './commit-change.js';
import { clearLosers, nextHistory, STAGED_DEADLINE_MS } from './commit-history.js';
import { conflictOnStaleRead, loadWindow } from './day-loader.js';
import { newTxn } from './day-writes.js';
import { DynamoDbEraser } from './eraser.js';
import type { Head, StoredLink } from './head.js';
import { commitUpdate, type HeadCommit, headKey } from './head-codec.js';
import { abandonIntent, cleanDeadIntents, registerIntent } from './intents.js';
import { boundedLink, isEarlierLink, linkWithText } from './link-order.js';
import { collectGarbage, type PreparedChange, parkedEvents, prepareChange } from './partition-change.js';
import { putAll } from './put-combiner.js';
import { backoff } from './request-errors.js';
import type { DynamoDbSessionWriter, MergeTarget } from './session-writer.js';
import { markerWrites, stitchedSummaries } from './stitched-markers.js';
import type { Key } from './transport.js';

/** An anonymous event belongs where its anonymousId's link says: events with no userId of that anonymousId. */
const anonymousOf = (anonymousId: string) => (event: EventRecord) =>
  event.userId === null && event.anonymousId === anonymousId;

const UNCHANGED: LinkOutcome = { changed: false, moved: 0, sessionsWritten: 0 };

/**
 * Identity stitching in the store (rule 8). The earliest link of each anonymousId is kept in its own head;
 * its anonymous events live in the linked user's partition. A link that changes where they belong moves
 * them in one commit across the partitions involved, and every such change also commits the head of the
 * partition they leave: a merge that routed events there on the old link then fails its own commit and
 * routes again (docs/design.md, "Stitching").
 */
export class DynamoDbStitchingWriter implements IdentityWriter {
  constructor(private readonly writer: DynamoDbSessionWriter) {}

  private get transport() {
    return this.writer.transport;
  }

  /**
   * Merges events that carry no userId: they go to the user the anonymousId is stitched to, else to the
   * anonymousId itself. The link is read before and after the target's head, so a link that changed in
   * between sends the attempt round again.
   */
  mergeAnonymousEvents(
    anonymousId: string,
    events: readonly EventRecord[],
    texts?: CopyTexts,
  ): Promise<UserMergeResult> {
    const resolve = async (): Promise<MergeTarget | 'retry'> => {
      const before = await this.writer.readHead(anonymousId);
      const target = before.link?.userId ?? anonymousId;
      // An anonymousId erased with the user it is stitched to takes no anonymous events, wherever they would go.
      if (target === anonymousId) return { user: anonymousId, head: before, erased: before.anonymousErased };
      const head = await this.writer.readHead(target);
      const after = await this.writer.readHead(anonymousId);
      if (after.version !== before.version || after.txn !== before.txn) return 'retry';
      return { user: target, head, erased: before.erased || before.anonymousErased };
    };
    return this.writer.merge(anonymousId, events, resolve, texts);
  }

  /**
   * Records `link` when it is the anonymousId's earliest, moving its anonymous events if their user changes;
   * with `texts`, the copies the move brings together are weighed by them (`IdentityWriter.offerLink`).
   */
  offerLink(anonymousId: string, link: StoredLink, texts?: CopyTexts): Promise<LinkOutcome> {
    return this.retryMove(anonymousId, boundedLink(link), 'linking', texts);
  }

  /**
   * Forgets the anonymousId's link and gives its anonymous events back to its own partition (stitching turned
   * off), in one commit over the heads involved, as a link that moves them does. An anonymousId erased itself
   * takes them back only to erase them: they leave the user's partition and go nowhere.
   */
  unlink(anonymousId: string, texts?: CopyTexts): Promise<LinkOutcome> {
    return this.retryMove(anonymousId, undefined, 'unlinking', texts);
  }

  private async retryMove(
    anonymousId: string,
    link: StoredLink | undefined,
    what: string,
    texts?: CopyTexts,
  ): Promise<LinkOutcome> {
    for (let attempt = 1; attempt <= this.writer.attempts; attempt++) {
      const outcome = await this.attemptMove(anonymousId, link, texts).catch(conflictOnStaleRead);
      if (outcome !== 'conflict') return outcome;
      await backoff(attempt, this.transport.baseDelayMs);
    }
    throw new Error(
      `gave up ${what} the anonymousId with userIdSha256 ${idSha256(anonymousId)} after ${this.writer.attempts} attempts`,
    );
  }

  /** One attempt to make `link` the anonymousId's link (undefined: no link), moving its events if needed. */
  private async attemptMove(
    anonymousId: string,
    link: StoredLink | undefined,
    texts: CopyTexts | undefined,
  ): Promise<LinkOutcome | 'conflict'> {
    const deadline = Date.now() + STAGED_DEADLINE_MS;
    let anonymous = await this.writer.readHead(anonymousId);
    // Cleaning first: the link is judged against the head the move commits on, not one a move since replaced.
    if (await cleanDeadIntents(this.transport, anonymousId, anonymous))
      anonymous = await this.writer.readHead(anonymousId);
    // A head written before links were bounded may keep a longer one: judged as bounded too.
    const stored = anonymous.link === undefined ? undefined : boundedLink(anonymous.link);
    // Stitching turned off gives an anonymousId erased itself its anonymous events back (rule 2): erased too,
    // they leave the user they were stitched to for no partition.
    const erasedBack = link === undefined && anonymous.erased && anonymous.link !== undefined;
    // Otherwise an erased anonymousId (erased itself, or with the user it is stitched to) takes no link.
    if ((anonymous.erased || anonymous.anonymousErased) && !erasedBack) return UNCHANGED;
    const unread: UnreadCopies = new Map();
    const unchanged = link === undefined ? stored === undefined : !isEarlierLink(link, stored, texts, unread);
    // A tie between copies of the link event whose texts are not at hand: read first, nothing written yet.
    if (unread.size > 0) throw new CopyTextsNeeded([...unread.values()]);
    if (unchanged) return UNCHANGED;
    const kept = link === undefined ? undefined : linkWithText(link, texts);
    if ((await this.writer.admitHead(anonymousId, anonymous)) === 'rebuilt') return 'conflict';
    const from = anonymous.link?.userId ?? anonymousId;
    const to = kept?.userId ?? anonymousId;
    const txn = newTxn();
    const heads = new Map<string, Head>([[anonymousId, anonymous]]);
    for (const user of [from, to]) {
      if (heads.has(user)) continue;
      let head = await this.writer.readHead(user);
      if (await cleanDeadIntents(this.transport, user, head)) head = await this.writer.readHead(user);
      if ((await this.writer.admitHead(user, head)) === 'rebuilt') return 'conflict';
      heads.set(user, head);
    }
    const headOf = (user: string) => heads.get(user) as Head;
    const changes: PreparedChange[] = [];
    let moved: EventRecord[] = [];
    if (from !== to) {
      // Everything of the anonymousId's leaves the old partition; the new one takes it.
      const leaving = anonymousOf(anonymousId);
      const source = headOf(from);
      const window = await loadWindow(this.transport, from, source, MIN_INSTANT_MS, MAX_INSTANT_MS);
      // Its copies parked beside a user's copy of the same event go too: in the new partition they may win.
      moved = [...eventsOfDays(window.days), ...parkedEvents(from, source)].filter(leaving);
      const out = await prepareChange(
        this.writer.changeContext,
        from,
        source,
        // Copies parked beside a leaving one may tie for its place: weighed by text, as the move's are.
        { add: [], remove: leaving, ...(texts !== undefined && { texts }) },
        source.version + 1,
        txn,
      );
      if (out !== undefined) changes.push(out);
      if (moved.length > 0 && !erasedBack) {
        const target = headOf(to);
        // A tie it lacks texts for throws here, before anything is written.
        const into = await prepareChange(
          this.writer.changeContext,
          to,
          target,
          { add: moved, ...(texts !== undefined && { texts }) },
          target.version + 1,
          txn,
        );
        if (into !== undefined) changes.push(into);
      }
    }
    // Intents first, so a crash between the writes leaves nothing a later merge cannot find.
    const written: Key[] = [];
    const registered: PreparedChange[] = [];
    let committing = false;
    try {
      for (const change of changes) {
        const partners = changes.filter((other) => other !== change).map((other) => other.user);
        await registerIntent(this.transport, change.user, change.head, txn, { ...change.intent, partners });
        registered.push(change);
      }
      for (const change of changes) await putAll(this.transport, change.items, deadline, written);
      const commit = await this.commitItems(anonymousId, kept, from, to, heads, changes, txn);
      committing = true;
      await this.transport.transact(commit);
    } catch (error) {
      // The transaction commits every head or none: the anonymousId's tells which.
      if (await lostRace(this.transport, error, committing ? { user: anonymousId, txn } : undefined)) {
        await this.transport.deleteKeys(written).catch(() => undefined);
        for (const change of registered) {
          await abandonIntent(this.transport, change.user, txn, change.intent).catch(() => undefined);
        }
        return 'conflict';
      }
    }
    for (const change of changes) await collectGarbage(this.transport, change.garbage, change.tombstones);
    if (to !== anonymousId && headOf(to).erased) {
      // The anonymousId turned out to be an erased user's: what it brought is theirs, so it goes too. A crash
      // before this leaves it unserved under the erased head; erasing the user again deletes it.
      await new DynamoDbEraser({ transport: this.transport }).eraseUser(to);
    }
    const sessionsWritten = changes.reduce((sum, change) => sum + change.plan.sessionsWritten, 0);
    return { changed: true, moved: moved.length, sessionsWritten };
  }

  /** One transaction: every involved head, the anonymousId's link, and the stitched markers. */
  private async commitItems(
    anonymousId: string,
    link: StoredLink | undefined,
    from: string,
    to: string,
    heads: ReadonlyMap<string, Head>,
    changes: readonly PreparedChange[],
    txn: string,
  ): Promise<TransactWriteItem[]> {
    const items: TransactWriteItem[] = [];
    const stitched = await stitchedSummaries(this.transport, anonymousId, from, to, heads);
    const now = Date.now();
    for (const [user, head] of heads) {
      const change = changes.find((candidate) => candidate.user === user);
      const version = change?.commit.version ?? head.version + 1;
      const history = nextHistory(head.recent, { version, txn, at: now, afterDay: head.lastDay }, now);
      await clearLosers(this.transport, user, history.expired);
      const commit: HeadCommit = {
        // A head that changes no day still moves to a new version: whoever routed events on the old link fails.
        ...(change?.commit ?? {
          version,
          txn,
          lastDay: head.lastDay,
          rules: head.rules ?? this.writer.rules.fingerprint,
          totals: head.totals,
        }),
        recent: history.recent,
      };
      const marker = stitched.get(user);
      const fields: HeadCommit = {
        ...commit,
        ...(user === anonymousId && { link }),
        ...(marker !== undefined && { stitchedCount: marker.count, stitchedSample: marker.sample }),
      };
      const update = commitUpdate(
        change === undefined ? head : { ...head, exists: true },
        fields,
        change === undefined ? undefined : txn,
      );
      items.push({ Update: { Key: headKey(user), ...update } as never });
    }
    items.push(...markerWrites(anonymousId, link, from, to));
    return items;
  }
}
