import { compareText } from '../../domain/sessions/order.js';
import type { ErasureResult, UserEraser } from '../../domain/store/ports.js';
import { clearLosers, nextHistory } from './commit-history.js';
import { keysOf as keysOfGroup, resolveDays } from './day-groups.js';
import { newTxn } from './day-writes.js';
import {
  anonymousErased,
  ERASED,
  type HeadMark,
  linkedElsewhere,
  markedHeadUpdate,
  movesOf,
} from './erased-heads.js';
import type { Head } from './head.js';
import { decodeHead, headKey, versionItem } from './head-codec.js';
import { abandonIntent } from './intents.js';
import {
  anonymousIdOfStitchedSk,
  FIRST_DAY_SK,
  HEAD_SK,
  LAST_CHUNK_SK,
  LAST_DAY_SK,
  userPk,
  versionOfPageSk,
} from './keys.js';
import { backoff, isConditionFailure } from './request-errors.js';
import { itemKey, type Key, type Transport } from './transport.js';

export interface EraserOptions {
  readonly transport: Transport;
  /** Attempts at marking a head while merges keep committing to it. */
  readonly maxAttempts?: number;
}

export class ErasureConflictError extends Error {
  constructor(attempts: number) {
    // Not the id: the error goes to the admin function's log, which keeps erased ids only as their hash.
    super(
      `could not mark the id erased: its head changed under ${attempts} attempts in a row; run the erasure again`,
    );
    this.name = 'ErasureConflictError';
  }
}

/** Keys deleted per round: a partition of any size is erased a bounded page at a time. */
const DELETE_PAGE_ITEMS = 500;

/**
 * User erasure in the DynamoDB store (docs/operations.md, "Erasure"). The user's head is first marked erased,
 * then every other item of its partition is deleted; an anonymousId stitched to it (an `A#` marker) is marked
 * erased as an anonymousId before its marker goes, so an interrupted run leaves a trail the next run follows.
 */
export class DynamoDbEraser implements UserEraser {
  private readonly transport: Transport;
  private readonly maxAttempts: number;

  constructor(options: EraserOptions) {
    this.transport = options.transport;
    this.maxAttempts = options.maxAttempts ?? 25;
  }

  async eraseUser(userId: string): Promise<ErasureResult> {
    const tally = { itemsDeleted: 0, anonymousIds: [] as string[] };
    const stitchedTo = await this.keeperOfEvents(await this.erase(userId, new Set(), tally));
    return {
      userId,
      itemsDeleted: tally.itemsDeleted,
      anonymousIds: tally.anonymousIds.sort(compareText),
      ...(stitchedTo !== undefined && { stitchedTo }),
    };
  }

  /** The user an erased id is stitched to, whose sessions keep its events; none once that user is erased. */
  private async keeperOfEvents(marked: Head): Promise<string | undefined> {
    if (marked.link === undefined || marked.anonymousErased) return undefined;
    const user = decodeHead(await this.transport.get(headKey(marked.link.userId)));
    return user.erased ? undefined : marked.link.userId;
  }

  /** Erases `id` and the anonymousIds stitched to it; answers its head as the mark read it (its link kept). */
  private async erase(
    id: string,
    visited: Set<string>,
    tally: { itemsDeleted: number; anonymousIds: string[] },
  ): Promise<Head> {
    visited.add(id);
    const { head: marked } = await this.mark(id, ERASED);
    // Read again: a move that registered after the mark's read is in the head too.
    await this.abandonMoves(id, decodeHead(await this.transport.get(headKey(id))));
    for (;;) {
      const keys = await this.itemsBesideHead(id);
      if (keys.length === 0) return marked;
      for (const { sk } of keys) {
        const anonymousId = anonymousIdOfStitchedSk(sk.S);
        if (anonymousId === undefined || visited.has(anonymousId)) continue;
        visited.add(anonymousId);
        if (await this.eraseAnonymous(anonymousId, id, tally)) tally.anonymousIds.push(anonymousId);
      }
      await this.transport.deleteKeys(keys);
      tally.itemsDeleted += keys.length;
    }
  }

  /**
   * Stitching moves the head registered that can no longer commit (the mark gave the head a new version):
   * their staged pages in a partner's partition may hold the user's events (its anonymousId's, moving to
   * another user), and nothing else in the user's partition names that partner. Abandoned there, then here,
   * which drops the trail the mark kept.
   */
  private async abandonMoves(id: string, head: Head): Promise<void> {
    for (const [txn, intent] of movesOf(head)) {
      for (const partner of intent.partners) {
        const staged = decodeHead(await this.transport.get(headKey(partner))).intents.get(txn);
        if (staged !== undefined) await abandonIntent(this.transport, partner, txn, staged);
      }
      await abandonIntent(this.transport, id, txn, intent);
    }
  }

  /**
   * An anonymousId stitched to the user being erased. Its anonymous events are the user's (rule 8) and lived in
   * the user's partition; its own partition belongs to the user whose userId is that same id, if any (rule 2:
   * one id, one partition), and that user is someone else. So its head is marked `ea` (its anonymous events
   * and any later link are refused) and its partition's pages are deleted only when it holds no sessions of
   * its own, when they can only be leftovers of its anonymous events; its own markers are that other user's.
   * Answers whether it was erased: not when a link to another user took it first.
   */
  private async eraseAnonymous(id: string, user: string, tally: { itemsDeleted: number }): Promise<boolean> {
    const { head, version } = await this.mark(id, anonymousErased(user));
    // A link to another user that committed after the marker was listed (an earlier one, rule 8) took the
    // id and its anonymous events out of the erased user's partition: they are that user's now.
    if (linkedElsewhere(head, user)) return false;
    if (head.erased) return true;
    if (head.totals.sessionCount > 0 || head.stitchedCount > 0) {
      await this.collectGarbage(id, tally);
      return true;
    }
    // Only what was written before the mark: a merge of the id's own user that read the marked head (its
    // userId events are still taken) writes under a later version and may commit its pages meanwhile.
    let from = FIRST_DAY_SK;
    for (;;) {
      const skList = await this.pageKeysOf(id, { from, to: LAST_CHUNK_SK });
      const stale = skList.filter((sk) => (versionOfPageSk(sk) ?? 0) <= version);
      if (stale.length > 0) {
        await this.transport.deleteKeys(stale.map((sk) => itemKey(userPk(id), sk)));
        tally.itemsDeleted += stale.length;
      }
      const last = skList[skList.length - 1];
      // A full page may hold more: go on from its last key (kept ones come back once, at the start).
      if (last === undefined || skList.length < DELETE_PAGE_ITEMS) return true;
      from = last;
    }
  }

  /**
   * Marks a head with a new version, conditional on the version read (creating it when missing), after
   * clearing the losers of the versions its history forgets, as a commit does: an anonymousId's head may be
   * a live user's. Answers the head as it was read, and the version the head holds once marked.
   */
  private async mark(id: string, mark: HeadMark): Promise<{ head: Head; version: number }> {
    for (let attempt = 1; attempt <= this.maxAttempts; attempt++) {
      const head = decodeHead(await this.transport.get(headKey(id)));
      if (mark.done(head)) return { head, version: head.version };
      const version = head.version + 1;
      const txn = newTxn();
      const now = Date.now();
      const history = nextHistory(head.recent, { version, txn, at: now, afterDay: head.lastDay }, now);
      await clearLosers(this.transport, id, history.expired);
      const next = { version, txn, recent: history.recent };
      try {
        if (head.exists) {
          await this.transport.update(headKey(id), markedHeadUpdate(mark, head, next));
        } else {
          await this.transport.put(versionItem(id, next, mark.parts), {
            ConditionExpression: 'attribute_not_exists(pk)',
          });
        }
        return { head, version };
      } catch (error) {
        if (!isConditionFailure(error)) throw error;
      }
      await backoff(attempt, this.transport.baseDelayMs);
    }
    throw new ErasureConflictError(this.maxAttempts);
  }

  /**
   * Deletes what no reader of the partition can see any more (superseded and dead day pages with their
   * chunks, then tombstones), as a merge does after its commit for the days it loaded. Among it may be a
   * page of the id's anonymous events a move committed away and died before deleting: the erased user's
   * events, which no merge of the id's own user collects unless it loads that day again.
   */
  private async collectGarbage(id: string, tally: { itemsDeleted: number }): Promise<void> {
    const head = decodeHead(await this.transport.get(headKey(id)));
    const items = await this.transport.query({
      KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
      ExpressionAttributeValues: {
        ':pk': { S: userPk(id) },
        ':from': { S: FIRST_DAY_SK },
        ':to': { S: LAST_DAY_SK },
      },
      ConsistentRead: true,
    });
    const { garbage, tombstones } = resolveDays(head, items);
    // Every version of each day was read: a tombstone hides nothing once the garbage is gone.
    const hidden = tombstones.flatMap(keysOfGroup);
    await this.transport.deleteKeys(garbage);
    await this.transport.deleteKeys(hidden);
    tally.itemsDeleted += garbage.length + hidden.length;
  }

  /** The next page of the partition's keys other than the head (markers sort first: `A#` < `D#` < `E#`). */
  private async itemsBesideHead(id: string): Promise<Key[]> {
    const pk = userPk(id);
    return (await this.pageKeysOf(id)).filter((sk) => sk !== HEAD_SK).map((sk) => itemKey(pk, sk));
  }

  /** A page of the sort keys of the partition's items, in order: all of them, or from `range.from` to `range.to`. */
  private async pageKeysOf(id: string, range?: { from: string; to: string }): Promise<string[]> {
    const items = await this.transport.query(
      {
        KeyConditionExpression: range === undefined ? 'pk = :pk' : 'pk = :pk AND sk BETWEEN :from AND :to',
        ExpressionAttributeValues: {
          ':pk': { S: userPk(id) },
          ...(range !== undefined && { ':from': { S: range.from }, ':to': { S: range.to } }),
        },
        ProjectionExpression: 'sk',
        ConsistentRead: true,
        Limit: DELETE_PAGE_ITEMS,
      },
      (sofar) => sofar.length >= DELETE_PAGE_ITEMS,
    );
    return items.map((item) => item.sk?.S ?? '').filter((sk) => sk !== '');
  }
}
