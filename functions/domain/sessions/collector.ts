import type { EventRecord } from '../events/event.js';
import type { PlainEvent } from '../reading/plain-event.js';
import { BatchLinks, type Copy } from './batch-links.js';
import { bucketItems, bucketSort } from './bucket-sort.js';
import { type Candidates, offerCandidate, type Ties } from './candidates.js';
import { CopyGroups } from './copy-groups.js';
import { EventColumns, NO_VALUE } from './event-columns.js';
import { LostLinks } from './lost-links.js';
import { compareText, inOrder } from './order.js';
import { projectionKey } from './projection.js';
import { isLink } from './stitching.js';
import { type CanonicalLookup, type SourceRef, tiePicker } from './tie-picker.js';
import { ColumnUserEvents, type UserEvents } from './user-events.js';

export type { Copy } from './batch-links.js';
export type { CanonicalLookup, SourceRef } from './tie-picker.js';
export { sourceKey } from './tie-picker.js';
export type { UserEvents } from './user-events.js';

/**
 * Collects a batch's accepted events and applies rules 3 and 8 to them: links from every accepted event,
 * users resolved, duplicates merged per resolved user (the earliest copy, then the smallest canonical JSON).
 * Copies are merged as they arrive per owner (the own user, events with and without a userId apart, which
 * always resolve alike); copies that only resolution brings together are merged at the end. Events are held
 * as columns ({@link EventColumns}), not objects, so a million of them stay small.
 */
export class EventCollector {
  readonly columns = new EventColumns();
  private readonly groups = new CopyGroups(this.columns, (at) => this.ownerOf(at));
  private readonly groupTies = new Map<number, Ties>();
  private readonly links = new BatchLinks(this.columns);
  private readonly lostLinks = new LostLinks(this.columns);

  /**
   * @param keepsSources whether the copy chosen is stored with where it was read (the ingest): a later tie
   * with it then compares that copy's text, so of copies of a messageId alike in projection the one whose
   * text sorts first is chosen too, read again like any tie. Elsewhere either gives the same sessions.
   */
  constructor(
    private readonly stitching: boolean,
    private readonly keepsSources = false,
  ) {}

  get size(): number {
    return this.groups.count;
  }

  /** About how much memory the batch holds: its columns and the dedupe table. */
  get heldBytes(): number {
    return this.columns.heldBytes + this.groups.heldBytes;
  }

  /** Adds one accepted event; false when it is a copy of one already collected. */
  add(event: EventRecord, source: SourceRef): boolean {
    return this.collect(this.columns.add(event, source), this.stitching && isLink(event));
  }

  /**
   * {@link add} for a plain event (reading/plain-event.ts), at its position but in `file`, the name the
   * batch reads its file by: the same columns, no object made.
   */
  addPlain(event: PlainEvent, file: string): boolean {
    const columns = this.columns;
    const at = columns.addPlain(event, file);
    const link =
      this.stitching &&
      isLink({ type: event.type, userId: columns.userIdText(at), anonymousId: columns.anonymousIdText(at) });
    return this.collect(at, link);
  }

  /** `link`: the event is a link of rule 8 and stitching is on. */
  private collect(at: number, link: boolean): boolean {
    if (link) this.links.offer(this.columns.anonymousId(at), at);
    const group = this.groups.find(this.ownerOf(at), at);
    if (group === undefined) return true;
    this.offerCopy(group, at);
    return false;
  }

  /** Events with a userId are owned by it, the others by their anonymousId: each a number of its own. */
  private ownerOf(at: number): number {
    const user = this.columns.userId(at);
    return user === NO_VALUE ? (this.columns.anonymousId(at) << 1) | 1 : user << 1;
  }

  /** Rule 3: the earliest copy; copies at the same instant are kept for the canonical tie-break. */
  private offerCopy(group: number, at: number): void {
    const best = this.groups.best[group] as number;
    const columns = this.columns;
    const order = columns.timestamp(at) - columns.timestamp(best);
    this.lostLinks.note(group, best, at, this.groupTies.get(group)?.copies);
    if (order > 0) return;
    const candidates = this.groupCandidates(group);
    offerCandidate(candidates, at, order, order === 0 && this.textsDecide(at, best));
    this.groups.best[group] = candidates.best;
    if (candidates.ties === undefined) this.groupTies.delete(group);
    else this.groupTies.set(group, candidates.ties);
  }

  /** Whether copies `at` and `best`, at one instant, go to canonical JSON (rule 3's last tie-break). */
  private textsDecide(at: number, best: number): boolean {
    const columns = this.columns;
    if (!columns.sameProjection(at, best)) return true;
    // A store that keeps sources weighs the kept copy's text against later copies: it must sort first.
    return this.keepsSources;
  }

  /** Copies with one text, as the store weighs them (preferredCopy): the projection that sorts first. */
  private readonly byProjection = (a: number, b: number): number =>
    compareText(projectionKey(this.columns.event(a)), projectionKey(this.columns.event(b)));

  private groupCandidates(group: number): Candidates {
    return { best: this.groups.best[group] as number, ties: this.groupTies.get(group) };
  }

  /**
   * Each owner group's winning copy (rule 3 within an owner), and for a winner with copies at its instant,
   * all of them: copies that look alike are one to their owner, but not to a copy from another owner. The
   * winners are written into `winners`, one int32 a group.
   */
  private async ownerWinners(
    canonicalOf: CanonicalLookup,
    winners: Int32Array,
  ): Promise<{ winners: Int32Array; tiedWith: Map<number, readonly number[]> }> {
    const tied = [...this.groupTies.keys()].map((group) => this.groupCandidates(group));
    const pick = await tiePicker(this.columns, canonicalOf, tied, this.byProjection);
    const tiedWith = new Map<number, readonly number[]>();
    for (let group = 0; group < this.groups.count; group++) {
      const candidates = this.groupCandidates(group);
      if (candidates.ties === undefined) {
        winners[group] = candidates.best;
        continue;
      }
      const winner = pick(candidates);
      winners[group] = winner;
      tiedWith.set(winner, [candidates.best, ...candidates.ties.copies]);
    }
    return { winners, tiedWith };
  }

  /**
   * Visits every user's deduplicated events in rule 5's order, users in code-unit order, one user at a time.
   * Events stay in the columns: the visitor reads them in place, or asks for those it needs as objects.
   */
  async forEachUser(
    canonicalOf: CanonicalLookup,
    visit: (user: string, events: UserEvents) => Promise<void> | undefined | void,
  ): Promise<void> {
    const columns = this.columns;
    const stitchedTo = await this.links.stitchedTo(canonicalOf);
    const [winnersInto, resolved, itemsInto] = this.scratch();
    const { winners, tiedWith } = await this.ownerWinners(canonicalOf, winnersInto);
    const counts = new Int32Array(columns.identities.values.length);
    // The first owner to reach each user, and whether a second one did (only then can copies meet).
    const firstOwner = new Int32Array(counts.length).fill(-1);
    const severalOwners = new Uint8Array(counts.length);
    for (let group = 0; group < this.groups.count; group++) {
      const at = winners[group] as number;
      const user = columns.userId(at);
      const anonymous = columns.anonymousId(at);
      const to = user !== NO_VALUE ? user : (stitchedTo.get(anonymous) ?? anonymous);
      resolved[group] = to;
      counts[to] = (counts[to] as number) + 1;
      const owner = this.ownerOf(at);
      if (firstOwner[to] === -1) firstOwner[to] = owner;
      else if (firstOwner[to] !== owner) severalOwners[to] = 1;
    }
    const byUser = bucketSort(resolved, winners, counts, itemsInto);
    const lostLinks = this.lostLinksBy(winners, (group) => resolved[group] as number);
    const users = [...counts.keys()].filter((user) => (counts[user] as number) > 0);
    users.sort((a, b) =>
      compareText(columns.identities.values[a] as string, columns.identities.values[b] as string),
    );
    for (const user of users) {
      let indexes = bucketItems(byUser, user);
      let parkable = lostLinks.get(user);
      if (severalOwners[user] === 1) {
        const merged = await this.mergeAcrossOwners(indexes, tiedWith, canonicalOf);
        indexes = merged.kept;
        if (merged.lost.length > 0) parkable = [...(parkable ?? []), ...merged.lost];
      }
      const byTime = (a: number, b: number) => {
        const order = columns.timestamp(a) - columns.timestamp(b);
        return order !== 0 ? order : columns.compareIds(a, b);
      };
      // An export is mostly in time order: checking costs a comparison an event, the builtin sort more.
      if (!inOrder(indexes, byTime)) indexes.sort(byTime);
      const waiting = visit(
        columns.identities.values[user] as string,
        new ColumnUserEvents(columns, indexes, parkable),
      );
      // Only a visitor that must wait (its output is full) costs a turn of the event loop.
      if (waiting !== undefined) await waiting;
    }
  }

  /**
   * Copies of one event that reached a user from different owners (only resolution joins them) become one.
   * Each other owner's copy is lost too: a store parks it, since a stitching move (turned on by a rebuild, if
   * not now) may part the owners again and it then stands for its owner, or for the link it carries.
   */
  private async mergeAcrossOwners(
    winners: number[],
    tiedWith: ReadonlyMap<number, readonly number[]>,
    canonicalOf: CanonicalLookup,
  ): Promise<{ kept: number[]; lost: number[] }> {
    const columns = this.columns;
    const byId = new Map<string, Candidates>();
    let merged = false;
    // Every copy at a winner's instant is weighed again: the one its owner kept need not sort first here.
    const indexes = winners.flatMap((winner) => tiedWith.get(winner) ?? [winner]);
    for (const at of indexes) {
      const id = columns.eventId(at);
      const existing = byId.get(id);
      if (existing === undefined) {
        byId.set(id, { best: at, ties: undefined });
        continue;
      }
      merged = true;
      const order = columns.timestamp(at) - columns.timestamp(existing.best);
      offerCandidate(existing, at, order, order === 0 && this.textsDecide(at, existing.best));
    }
    if (!merged) return { kept: winners, lost: [] };
    const pick = await tiePicker(this.columns, canonicalOf, byId.values(), this.byProjection);
    const kept = [...byId.values()].map(pick);
    const keptOwners = new Map(kept.map((at) => [columns.eventId(at), this.ownerOf(at)]));
    const lost = winners.filter((at) => keptOwners.get(columns.eventId(at)) !== this.ownerOf(at));
    return { kept, lost };
  }

  /** For a store that resolves identities itself: each anonymousId's earliest link in this batch. */
  ownLinks(canonicalOf: CanonicalLookup): Promise<Map<string, { copy: Copy; canonical: string }>> {
    return this.links.own(canonicalOf);
  }

  /**
   * For a store that resolves identities itself: visits each owner's deduplicated events (events with and
   * without a userId apart, since only the latter follow a link), one owner at a time like
   * {@link forEachUser}, in no particular order within an owner.
   */
  async forEachOwner(
    canonicalOf: CanonicalLookup,
    visit: (
      owner: { user: string; anonymous: boolean },
      events: UserEvents,
    ) => Promise<void> | undefined | void,
  ): Promise<void> {
    const columns = this.columns;
    const [winnersInto, owners, itemsInto] = this.scratch();
    const { winners } = await this.ownerWinners(canonicalOf, winnersInto);
    const counts = new Int32Array(columns.identities.values.length * 2);
    for (let group = 0; group < this.groups.count; group++) {
      // A group's winner is one of its copies, all of the group's owner.
      const owner = this.ownerOf(winners[group] as number);
      owners[group] = owner;
      counts[owner] = (counts[owner] as number) + 1;
    }
    const byOwner = bucketSort(owners, winners, counts, itemsInto);
    const lostLinks = this.lostLinksBy(winners, (group) => owners[group] as number);
    for (let owner = 0; owner < counts.length; owner++) {
      if (counts[owner] === 0) continue;
      const indexes = bucketItems(byOwner, owner);
      const waiting = visit(
        { user: columns.identities.values[owner >> 1] as string, anonymous: (owner & 1) === 1 },
        new ColumnUserEvents(columns, indexes, lostLinks.get(owner)),
      );
      if (waiting !== undefined) await waiting;
    }
  }

  /** Three arrays of one int32 a group, of arbitrary content, out of the dedupe table's slots (collecting is over). */
  private scratch(): [Int32Array, Int32Array, Int32Array] {
    const n = this.groups.count;
    const scratch = this.groups.endLookups();
    return [scratch.subarray(0, n), scratch.subarray(n, 2 * n), scratch.subarray(2 * n, 3 * n)];
  }

  /** The link copies each user's (or owner's) winners do not stand for ({@link LostLinks}), by `keyOf` a group. */
  private lostLinksBy(winners: Int32Array, keyOf: (group: number) => number): Map<number, number[]> {
    const byKey = new Map<number, number[]>();
    for (const { group, copies } of this.lostLinks.lostTo(winners)) {
      const key = keyOf(group);
      const known = byKey.get(key);
      if (known === undefined) byKey.set(key, copies);
      else known.push(...copies);
    }
    return byKey;
  }
}
