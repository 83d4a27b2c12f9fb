import type { EventColumns } from './event-columns.js';
import { NO_VALUE } from './event-columns.js';

function isLinkAt(columns: EventColumns, at: number): boolean {
  return (
    columns.type(at) !== 'alias' && columns.userId(at) !== NO_VALUE && columns.anonymousId(at) !== NO_VALUE
  );
}

/**
 * Links carried by copies that lose rule 3's choice within a batch: a user's copies of one event sent from
 * two devices, or a link behind an alias. The session output needs only the winner, but rule 8 takes links
 * from every copy, so a store ingesting without stitching keeps them beside the winner for a rebuild that
 * turns stitching on. Only copies of one event reach here, so the tables stay small: per dedupe group, the
 * earliest link copy of each anonymousId, kept once the group's best copy no longer stands for them.
 */
export class LostLinks {
  private readonly byGroup = new Map<number, number[]>();

  constructor(private readonly columns: EventColumns) {}

  /** Copy `at` was offered to `group`, whose best copy was `best`; `order` is its order against it. */
  note(group: number, best: number, at: number, order: number): void {
    const columns = this.columns;
    const bestLinks = isLinkAt(columns, best);
    const atLinks = isLinkAt(columns, at);
    let kept = this.byGroup.get(group);
    if (kept === undefined) {
      if (!bestLinks && !atLinks) return;
      // A redelivered link: the best copy stands for it while it stays best, and is noted once it does not.
      if (bestLinks && atLinks && order >= 0 && columns.anonymousId(best) === columns.anonymousId(at)) return;
      kept = [];
      this.byGroup.set(group, kept);
    }
    if (bestLinks) this.keepEarliest(kept, best);
    if (atLinks) this.keepEarliest(kept, at);
  }

  private keepEarliest(kept: number[], at: number): void {
    const columns = this.columns;
    const anonymousId = columns.anonymousId(at);
    const index = kept.findIndex((other) => columns.anonymousId(other) === anonymousId);
    if (index === -1) kept.push(at);
    else if (columns.timestamp(at) < columns.timestamp(kept[index] as number)) kept[index] = at;
  }

  /** Each group's link copies that its winner (`winners[group]`) does not stand for. */
  *lostTo(winners: Int32Array): Generator<{ group: number; copies: number[] }> {
    const columns = this.columns;
    for (const [group, kept] of this.byGroup) {
      const winner = winners[group] as number;
      const winnerLinks = isLinkAt(columns, winner);
      const copies = kept.filter(
        (at) =>
          !(
            winnerLinks &&
            columns.anonymousId(at) === columns.anonymousId(winner) &&
            columns.timestamp(winner) <= columns.timestamp(at)
          ),
      );
      if (copies.length > 0) yield { group, copies };
    }
  }
}
