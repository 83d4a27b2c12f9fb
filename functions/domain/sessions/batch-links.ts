import type { EventRecord } from '../events/event.js';
import { type Candidates, offerCandidate } from './candidates.js';
import type { EventColumns } from './event-columns.js';
import { compareText } from './order.js';
import { type CanonicalLookup, type SourceRef, sourceKey, tiePicker } from './tie-picker.js';

export interface Copy {
  readonly event: EventRecord;
  readonly source: SourceRef;
}

/**
 * Rule 8 within a batch: each anonymousId's earliest link (timestamp, event id); a link of the same event
 * naming another user is a tie, broken by canonical JSON once the batch is read.
 */
export class BatchLinks {
  /** By anonymousId (an index): its earliest links. */
  private readonly links = new Map<number, Candidates>();

  constructor(private readonly columns: EventColumns) {}

  /** Link copies with one text, as the store weighs them (isEarlierLink): the userId that sorts first. */
  private readonly byUserId = (a: number, b: number): number =>
    compareText(this.columns.userIdText(a) ?? '', this.columns.userIdText(b) ?? '');

  /** Offers link `at`, an event of `anonymous`. */
  offer(anonymous: number, at: number): void {
    const link = this.links.get(anonymous);
    if (link === undefined) {
      this.links.set(anonymous, { best: at, ties: undefined });
      return;
    }
    const columns = this.columns;
    const best = link.best;
    let order = columns.timestamp(at) - columns.timestamp(best);
    if (order === 0) order = columns.compareIds(at, best);
    offerCandidate(link, at, order, order === 0 && columns.userId(at) !== columns.userId(best));
  }

  /** By anonymousId, the user its earliest link names (both indexes). */
  async stitchedTo(canonicalOf: CanonicalLookup): Promise<Map<number, number>> {
    const columns = this.columns;
    const pickLink = await tiePicker(columns, canonicalOf, this.links.values(), this.byUserId);
    const stitchedTo = new Map<number, number>();
    for (const [anonymous, link] of this.links) stitchedTo.set(anonymous, columns.userId(pickLink(link)));
    return stitchedTo;
  }

  /**
   * For a store that resolves identities itself: each anonymousId's earliest link, with its canonical JSON. Copies
   * tied with it are weighed by text even when they name one user: the store weighs the copy it is handed against
   * a rival link of that id and instant from another file by text, so it must be the one whose text sorts first.
   */
  async own(canonicalOf: CanonicalLookup): Promise<Map<string, { copy: Copy; canonical: string }>> {
    const columns = this.columns;
    const weighed = new Map<number, Candidates>();
    for (const [anonymous, { best, ties }] of this.links)
      weighed.set(
        anonymous,
        ties === undefined ? { best, ties } : { best, ties: { copies: ties.copies, differs: true } },
      );
    const sources = [...weighed.values()].flatMap(({ best, ties }) =>
      ties === undefined ? [] : [best, ...ties.copies].map((at) => columns.source(at)),
    );
    const canonical = sources.length === 0 ? new Map<string, string>() : await canonicalOf(sources);
    const pickLink = await tiePicker(columns, async () => canonical, weighed.values(), this.byUserId);
    const links = new Map<string, { copy: Copy; canonical: string }>();
    for (const [anonymous, link] of weighed) {
      const at = pickLink(link);
      const source = columns.source(at);
      links.set(columns.identities.values[anonymous] as string, {
        copy: { event: columns.event(at), source },
        canonical: canonical.get(sourceKey(source)) ?? '',
      });
    }
    return links;
  }
}
