import type { EventRecord } from '../events/event.js';
import type { SessionSummary } from '../sessions/summary.js';
import type { CopyTexts } from './copy-choice.js';

/**
 * Texts of copies read again where they were read, for rule 3's and rule 8's ties (`CallCopyTexts`): runs an
 * attempt with the texts known, and when it throws `CopyTextsNeeded` (having written nothing) reads them and
 * runs it again.
 */
export interface CopyTextSource {
  withTexts<T>(attempt: (texts: CopyTexts) => Promise<T>): Promise<T>;
}

export type SortOrder = 'asc' | 'desc';

export interface SessionListQuery {
  readonly userId: string;
  /** Inclusive bounds on the session start, epoch ms. */
  readonly from?: number | undefined;
  readonly to?: number | undefined;
  readonly order: SortOrder;
  readonly limit: number;
  /** Continue after the session with this start (exclusive, in `order`): the position a cursor carries. */
  readonly after?: number | undefined;
  /** Only sessions this accepts (list filters); a page may then scan further than it returns. */
  readonly matches?: ((session: SessionSummary) => boolean) | undefined;
}

export interface SessionListPage {
  readonly sessions: readonly SessionSummary[];
  /** True when more sessions may match after this page. */
  readonly hasMore: boolean;
  /** Where the next page starts (after this start): past the last session returned, or scanned. */
  readonly resumeAfter?: number | undefined;
  /**
   * True when the reader found the user with sessions stored, so an empty page is a filter or range that
   * matched none; otherwise the caller finds out what the id is (unknown, stitched, erased).
   */
  readonly known?: boolean;
  /**
   * The fingerprint of the rules the page's sessions were cut under, when the store records one: a rebuild
   * under new rules changes it, and cuts the sessions another way.
   */
  readonly rules?: string | undefined;
}

export interface UserSummary {
  readonly userId: string;
  readonly sessionCount: number;
  readonly eventCount: number;
  readonly firstSeenAt: number | undefined;
  readonly lastSeenAt: number | undefined;
  /** AnonymousIds stitched to this user (rule 8): how many, and the first few. */
  readonly stitchedCount: number;
  readonly stitchedSample: readonly string[];
  /** When this id is itself a stitched anonymousId: the user its anonymous events belong to. */
  readonly stitchedTo: string | undefined;
}

/**
 * The events a page of a session's timeline needs, so that a store can read a long session in part. The
 * page starts at event `fromIndex`, or, when `afterTime` is given (a cursor's mark), just after an event of
 * that time, wherever late events have moved it since.
 */
export interface EventsWanted {
  readonly fromIndex: number;
  readonly afterTime?: number | undefined;
  readonly count: number;
}

/**
 * A session with a contiguous run of its events, the first of them its event `firstIndex`. The run holds
 * every event of `wanted.afterTime`, and `wanted.count` events from where the page starts: fewer at the
 * session's end, or where a store bounds what one page reads (at least the page's first event then).
 */
export interface SessionEvents {
  readonly session: SessionSummary;
  readonly events: readonly EventRecord[];
  readonly firstIndex: number;
}

/** Read side of the session store (port): what the lookup API needs. */
export interface SessionReader {
  listSessions(query: SessionListQuery): Promise<SessionListPage>;
  /**
   * A session and its events, or a run of them that covers `wanted` (all of them without it). Undefined
   * when the user has no session with this id.
   */
  getSession(userId: string, sessionId: string, wanted?: EventsWanted): Promise<SessionEvents | undefined>;
  /** Undefined when nothing is stored under this id. */
  getUserSummary(userId: string): Promise<UserSummary | undefined>;
}

export interface UserMergeResult {
  readonly userId: string;
  /** Events that were not stored before this merge (copies of stored events do not count). */
  readonly newEvents: number;
  /** Events (distinct ids) refused because the user was erased (they are reported as rejected). */
  readonly erasedEvents: number;
  /**
   * The ids of those events; absent: every event of the merge. Only some are refused when an anonymousId
   * erased with its user shares its partition with the user whose userId is that id (stitching turned off).
   */
  readonly erasedIds?: ReadonlySet<string>;
  /**
   * The user whose partition refused them, when not `userId`: anonymous events go where their anonymousId's
   * link routes them, and there meet the user's own copies of the same events.
   */
  readonly erasedFor?: string;
  /** Sessions created or rewritten. */
  readonly sessionsWritten: number;
  /** Optimistic-concurrency attempts it took (1 when nobody else wrote this user meanwhile). */
  readonly attempts: number;
}

/** The earliest known link of an anonymousId (rule 8). */
export interface LinkCandidate {
  readonly userId: string;
  readonly timestamp: number;
  readonly eventId: string;
  /** The link event as sent, in canonical JSON, when it was needed to break a tie; else empty. */
  readonly canonical: string;
}

/** What offering (or taking back) a link did. */
export interface LinkOutcome {
  readonly changed: boolean;
  /** Events moved from the old partition to the new user's (or, given back to an erased anonymousId, deleted). */
  readonly moved: number;
  /**
   * Sessions in the day items the move wrote, in every partition it changed (a changed day is written whole:
   * each of its sessions counts; a day it empties writes none).
   */
  readonly sessionsWritten: number;
}

/** Identity stitching in the store (port): what the ingest needs when stitching is on. */
export interface IdentityWriter {
  /**
   * Records the link when it is the anonymousId's earliest, moving its anonymous events if their user changes.
   * With `texts`, copies a move brings together at one instant are chosen as `SessionWriter.mergeUserEvents`
   * chooses them (it throws `CopyTextsNeeded` naming the copies it lacks, having written nothing).
   */
  offerLink(anonymousId: string, link: LinkCandidate, texts?: CopyTexts): Promise<LinkOutcome>;
  /** Merges events without a userId into the user their anonymousId is stitched to (else the anonymousId). */
  mergeAnonymousEvents(
    anonymousId: string,
    events: readonly EventRecord[],
    texts?: CopyTexts,
  ): Promise<UserMergeResult>;
}

/** Write side of the session store (port): what the ingest needs. */
export interface SessionWriter {
  /**
   * Merges one user's events into the stored sessions so the result equals the batch computation over
   * everything delivered so far (rule 6). Idempotent; safe to run concurrently for the same user.
   *
   * With `texts`, copies tied at one instant are chosen by their canonical JSON (rule 3): when a tie needs a
   * copy's text that `texts` lacks, it throws `CopyTextsNeeded` naming them, having written nothing.
   * Without it, such ties go by projection (fine for events that carry no source, as in tests and rebuilds).
   * `events` may hold several copies of one event: each is weighed, and one that loses but carries a link is
   * kept aside for it (rule 8 takes links from every copy).
   */
  mergeUserEvents(
    userId: string,
    events: readonly EventRecord[],
    texts?: CopyTexts,
  ): Promise<UserMergeResult>;
  /**
   * Reads ahead what the first attempts of the next merges of these users will read, in one request for
   * many users instead of one each. Optional: merging without it gives the same result.
   */
  prefetchHeads?(userIds: readonly string[]): Promise<void>;
}

/** What a rebuild knows of the rules it leaves. */
export interface RebuildScope {
  /** The old rules stitched identities: the stored links stand, no partition's links need offering. */
  readonly sourceStitches: boolean;
  /** When the rebuild began (epoch ms): ingests of the old rules may still write for a while after it. */
  readonly begunAt: number;
  /**
   * The key the rebuild seals what it hands the state machine under (cursors, users' ids): kept only while
   * the rebuild is in progress, so that nothing sealed under it opens once it has finished.
   */
  readonly sealKey: Uint8Array;
}

/** What rebuilding one user did. */
export interface UserRebuild {
  /** rebuilt: its sessions were cut again (or its events moved); current: already at the target; skipped: erased or empty. */
  status: 'rebuilt' | 'current' | 'skipped';
  /**
   * Sessions in the day items written to the table, by the recut and by the stitching moves it made, in every
   * partition they changed (a changed day is written whole: each of its sessions counts).
   */
  sessionsWritten: number;
  /** Links found in its partition and offered (stitching turned on). */
  linksOffered: number;
  /**
   * Anonymous events moved by those links, or given back by its own link (stitching turned off; deleted when
   * the anonymousId was erased).
   */
  eventsMoved: number;
}

/** One page of a parallel scan segment's users; each carries the cursor that resumes right after it. */
export interface UserPage {
  readonly users: readonly { readonly user: string; readonly cursor: string }[];
  /** Where the segment continues after this page; null when the segment is done. */
  readonly next: string | null;
}

/** Where one segment of the count of users left stands: goes on after `cursor` (null: from its start), or done. */
export interface CountSegment {
  readonly cursor: string | null;
  readonly done: boolean;
}

/**
 * Users one call of a rebuild's count found still cut under the old rules (or still linked when stitching was
 * turned off), and where each segment of its scan stopped.
 */
export interface UsersLeft {
  readonly count: number;
  /** At most the limit asked for, in no particular order. */
  readonly users: readonly string[];
  /** Every one done once the count has passed the whole store. */
  readonly segments: readonly CountSegment[];
}

/** Rebuilding the whole store under new session rules (port): what the rebuild use case needs. */
export interface RebuildStore {
  /** Records that a rebuild to the store's rules is in progress; refuses when there is nothing to rebuild. */
  begin(): Promise<void>;
  /** What the rebuild to the store's rules leaves, or 'finished' once the store is at them; refuses otherwise. */
  inProgress(): Promise<RebuildScope | 'finished'>;
  /** Users of one segment of a parallel scan, after `cursor` (null: from the segment's start). */
  scanUsers(segment: number, totalSegments: number, cursor: string | null): Promise<UserPage>;
  rebuildUser(user: string, scope: RebuildScope): Promise<UserRebuild>;
  /**
   * Users still to rebuild from `from` on (null: the count's start) until the end or `deadline` (epoch ms):
   * how many, up to `limit` of them to rebuild again, and where to go on. Each call passes at least one page
   * of every segment not done, so calls from the answered position reach the end.
   */
  findUsersLeft(deadline: number, limit: number, from: readonly CountSegment[] | null): Promise<UsersLeft>;
  /** Moves the store's rules record to the target: from now on it is the table's rules. */
  finish(): Promise<void>;
}

/** What one erasure did. */
export interface ErasureResult {
  readonly userId: string;
  /** Items deleted from the table (day pages, event chunks, stitched markers), the anonymousIds' included. */
  readonly itemsDeleted: number;
  /** The anonymousIds stitched to the user, erased with it, sorted. */
  readonly anonymousIds: readonly string[];
  /**
   * When the id is itself an anonymousId stitched to a user: that user, whose sessions keep the id's events
   * stored so far (rule 8 made them the user's); only erasing the user removes them.
   */
  readonly stitchedTo?: string;
}

/** Erasure in the store (port): what the admin route needs. */
export interface UserEraser {
  /**
   * Deletes everything stored for the user and the anonymousIds stitched to it, keeping only their heads
   * as suppression entries, so events of theirs delivered later are rejected as erased. Idempotent: running
   * it again finishes an interrupted run; an id never seen is recorded as erased all the same.
   */
  eraseUser(userId: string): Promise<ErasureResult>;
}
