import { EMPTY_TOTALS } from '../../domain/store/stored.js';
import type { Head, Intent } from './head.js';
import { type HeadParts, type HeadUpdate, type HeadVersion, versionUpdate } from './head-codec.js';

// How an erasure marks a head (docs/operations.md, "The suppression entry"): the parts it sets or removes,
// and when a head needs no new mark. How they are stored is head-codec's.

/** One kind of mark: the parts of the head it writes beside a new version. */
export interface HeadMark {
  /** A head that needs no new mark. */
  readonly done: (head: Head) => boolean;
  readonly parts: HeadParts;
  /** The intents of the head read that the mark removes (each by its key, so later ones stay). */
  readonly dropsIntents: (read: Head) => readonly string[];
}

/**
 * The mark of an erased id: the erased flag and totals of nothing; its parked copies (events the head
 * itself holds, `pe`) go with the rest, and so do the merges' intents (the new version keeps anything read
 * before from committing). Stitching moves' intents stay, those registered after the read too, as the trail
 * to their staged pages in other partitions; the eraser abandons them.
 */
export const ERASED: HeadMark = {
  done: () => false,
  dropsIntents: (read) => {
    const moves = movesOf(read);
    return [...read.intents.keys()].filter((txn) => !moves.has(txn));
  },
  parts: {
    erased: true,
    totals: EMPTY_TOTALS,
    lastDay: null,
    stitchedCount: 0,
    stitchedSample: [],
    parked: null,
  },
};

/** The head's intents that belong to stitching moves, staged also in other partitions. */
export function movesOf(head: Head): Map<string, Intent> {
  return new Map([...head.intents].filter(([, intent]) => intent.partners.length > 0));
}

/** Whether an anonymousId's head now links it to a user other than `user` (an earlier link moved it since). */
export const linkedElsewhere = (head: Head, user: string) =>
  head.link !== undefined && head.link.userId !== user;

/**
 * The mark of an anonymousId erased with `user`: the `ea` flag; none when a link to another user came first.
 * Intents stay: they are the staged writes of the id's own user, if it has one.
 */
export const anonymousErased = (user: string): HeadMark => ({
  done: (head) =>
    head.erased ||
    linkedElsewhere(head, user) ||
    (head.anonymousErased && (head.link?.canonical ?? '') === ''),
  parts: { anonymousErased: true },
  dropsIntents: () => [],
});

/**
 * A marked head's update: a new version (so a merge or a link offer that read the old one fails its commit
 * and, retrying, refuses its events), conditional on the version read. The link stays, so an erased
 * anonymousId still routes to its user, but without the link event's content (only a tie between two links
 * reads it, and an erased id takes no link).
 */
export function markedHeadUpdate(mark: HeadMark, read: Head, next: HeadVersion): HeadUpdate {
  const link = read.link === undefined ? undefined : { ...read.link, canonical: '' };
  return versionUpdate(
    read,
    next,
    { ...mark.parts, ...(link !== undefined && { link }) },
    mark.dropsIntents(read),
  );
}
