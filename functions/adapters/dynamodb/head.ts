// What a user's head holds, the commit point of every change to the user (docs/design.md, "The head");
// how it is stored is head-codec.ts's.
import type { EventSource } from '../../domain/events/event.js';
import { EMPTY_TOTALS, type UserTotals } from '../../domain/store/stored.js';
import type { RecentCommit } from './commit-history.js';

/** The earliest link of an anonymousId (rule 8), kept in that anonymousId's head. */
export interface StoredLink {
  readonly userId: string;
  readonly timestamp: number;
  readonly eventId: string;
  /** The link event as sent, in canonical JSON: the last tie-break between links, exact ('' when not read). */
  readonly canonical: string;
  /** Where the link event was read: a tie with a later link reads its text there when `canonical` is ''. */
  readonly source?: EventSource;
}

/** A staged write in progress (docs/design.md, "Merges"): its items are invisible until it commits. */
export interface Intent {
  readonly version: number;
  readonly firstDay: string;
  readonly lastDay: string;
  /** When it was registered (epoch ms): its items are cleared only once its writer can no longer write. */
  readonly at: number;
  /**
   * The other partitions a stitching move stages in under the same transaction (none for a merge): erasing
   * this user finds there the staged pages of a move that can no longer commit, which may hold its events.
   */
  readonly partners: readonly string[];
}

/** A user's head: the commit point of every change to the user, and the figures a summary needs. */
export interface Head {
  readonly exists: boolean;
  readonly version: number;
  readonly txn: string;
  /** Newest stored day. */
  readonly lastDay: string | undefined;
  /** The latest commits, oldest first: which transaction each recent version belongs to. */
  readonly recent: readonly RecentCommit[];
  /** Fingerprint of the rules the user's sessions were cut under. */
  readonly rules: string | undefined;
  /**
   * The transaction of a recut that turned stitching on, from its commit until every link stored in the
   * partition was offered (`lo`): a recut whose offers a crash cut short is at the new rules already, and only
   * this shows it unfinished. Every recut sets or removes it, so with `rules` it names a recut to them.
   */
  readonly offersPending: string | undefined;
  readonly totals: UserTotals;
  readonly link: StoredLink | undefined;
  /** AnonymousIds stitched to this user: how many, and the first few. */
  readonly stitchedCount: number;
  readonly stitchedSample: readonly string[];
  readonly erased: boolean;
  /**
   * The id was erased as an anonymousId stitched to an erased user (`ea`): its anonymous events and links are
   * refused, but the id's own user, the events sent with it as their userId, is another user and stays.
   */
  readonly anonymousErased: boolean;
  readonly intents: ReadonlyMap<string, Intent>;
  /** Copies kept out of the sessions until a stitching move needs them (`MergePlan.parked`), encoded. */
  readonly parked: Uint8Array | undefined;
  /**
   * A day of this user was once stored as several pages (`bp`, never cleared): a list page then sizes its
   * reads by what such pages take, not by the user's average day.
   */
  readonly busyDays: boolean;
}

export const MAX_STITCHED_SAMPLE = 20;

export const EMPTY_HEAD: Head = {
  exists: false,
  version: 0,
  txn: '',
  lastDay: undefined,
  recent: [],
  rules: undefined,
  offersPending: undefined,
  totals: EMPTY_TOTALS,
  link: undefined,
  stitchedCount: 0,
  stitchedSample: [],
  erased: false,
  anonymousErased: false,
  intents: new Map(),
  parked: undefined,
  busyDays: false,
};
