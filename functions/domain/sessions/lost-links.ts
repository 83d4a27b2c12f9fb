import type { EventColumns } from './event-columns.js';
import { isLink } from './stitching.js';

/**
 * Links carried by copies that lose rule 3's choice within a batch: a user's copies of one event sent from
 * two devices, or a link behind an alias. The session output needs only the winner, but rule 8 takes links
 * from every copy, so a store ingesting without stitching keeps them beside the winner for a rebuild that
 * turns stitching on. Only copies of one event reach here, so the tables stay small: per dedupe group, the
 * earliest link copies of each anonymousId (all of those at its earliest instant, whose texts the store weighs),
 * kept once the group's best copy no longer stands for them.
 */
export class LostLinks {
  private readonly byGroup = new Map<number, number[]>();

  constructor(private readonly columns: EventColumns) {}

  /**
   * Copy `at` was offered to `group`, whose best copy was `best`, with `bestTies` the other copies at the best's
   * instant (rule 3's candidates).
   */
  note(group: number, best: number, at: number, bestTies: readonly number[] | undefined): void {
    const bestLinks = this.isLinkAt(best);
    const atLinks = this.isLinkAt(at);
    let kept = this.byGroup.get(group);
    if (kept === undefined) {
      if (!bestLinks && !atLinks) return;
      // A redelivered link: the best copy stands for it while it stays best, and is noted once it does not.
      if (atLinks && this.standsFor(best, at)) return;
      kept = [];
      this.byGroup.set(group, kept);
      // The best stood for the link copies at its instant until now (above), but its text need not sort first
      // among them: should the best lose, rule 8 weighs the link by the one that does.
      for (const tie of bestTies ?? []) if (this.isLinkAt(tie)) this.keepEarliest(kept, tie);
    }
    if (bestLinks) this.keepEarliest(kept, best);
    if (atLinks) this.keepEarliest(kept, at);
  }

  private isLinkAt(at: number): boolean {
    const columns = this.columns;
    return isLink({
      type: columns.type(at),
      userId: columns.userIdText(at),
      anonymousId: columns.anonymousIdText(at),
    });
  }

  /** Whether copy `kept` carries link copy `at`'s link, no later than it. */
  private standsFor(kept: number, at: number): boolean {
    const columns = this.columns;
    return (
      this.isLinkAt(kept) &&
      columns.anonymousId(kept) === columns.anonymousId(at) &&
      columns.timestamp(kept) <= columns.timestamp(at)
    );
  }

  /**
   * Keeps `at` when no link copy of its anonymousId is earlier: every copy at the earliest instant, since rule 8
   * breaks a tie between links of one event id by text, which a store reads only for the copies it is given.
   */
  private keepEarliest(kept: number[], at: number): void {
    const columns = this.columns;
    const anonymousId = columns.anonymousId(at);
    const time = columns.timestamp(at);
    // The copies kept for one anonymousId share one instant.
    for (let i = kept.length - 1; i >= 0; i--) {
      const other = kept[i] as number;
      if (columns.anonymousId(other) !== anonymousId) continue;
      if (other === at || columns.timestamp(other) < time) return;
      if (columns.timestamp(other) > time) kept.splice(i, 1);
    }
    kept.push(at);
  }

  /** Each group's link copies that its winner (`winners[group]`) does not stand for. */
  *lostTo(winners: Int32Array): Generator<{ group: number; copies: number[] }> {
    for (const [group, kept] of this.byGroup) {
      const winner = winners[group] as number;
      const copies = kept.filter((at) => !this.standsFor(winner, at));
      if (copies.length > 0) yield { group, copies };
    }
  }
}
