import { type ApiClient, ApiError } from './api-client.js';
import type { Session } from './api-types.js';
import { addRange, missingRanges, removeRange, type TimeRange } from './coverage.js';
import { numbersDisagree } from './session-numbering.js';
import { countIdlePage, type OpenQuery, openQuery, refuseRepeatedCursor } from './session-query.js';
import { END_OF_TIME, FIRST_INSTANT } from './time-scale.js';

/** The API's largest page (MAX_LIMIT in functions/api/routes.ts): fewer round trips for long histories. */
export const PAGE_SIZE = 50;

const EVERYTHING: TimeRange = { from: Number.NEGATIVE_INFINITY, to: Number.POSITIVE_INFINITY };

/**
 * A user's sessions, loaded a page at a time as the view asks for them: the newest page first, then
 * whatever range the timeline shows that is not loaded yet (`want`), continuing an open query through its
 * `nextCursor` or starting one with `from`/`to`. One request at a time; a long history is never fetched
 * unless the view covers it.
 */
export class SessionLoader {
  private readonly byId = new Map<string, Session>();
  private sortedCache: Session[] | null = null;
  private covered: TimeRange[] = [];
  /** The range the view last asked for. */
  private wanted: TimeRange | null = null;
  private query: OpenQuery | null = null;
  private running = false;
  private readonly abort = new AbortController();
  private failure: unknown = null;
  /** The failure was the API refusing the open query's cursor. */
  private cursorRefused = false;
  /** List requests made so far. */
  requests = 0;
  /** The API renumbered the user's sessions since some were loaded; those keep no number (`keepNumbers`). */
  renumbered = false;
  /**
   * Sessions loaded before that the API has no more, no longer kept: merged into another or given another id
   * by a late event (docs/api.md, "One session"), or erased with their user.
   */
  removed = 0;

  constructor(
    private readonly client: ApiClient,
    readonly userId: string,
    private readonly onChange: () => void,
    /** Told the loaded sessions a page no longer lists (see dropStale), before the change is. */
    private readonly onDropped: (sessionIds: readonly string[]) => void = () => {},
  ) {}

  /** Sessions loaded so far, by start. */
  get sessions(): readonly Session[] {
    this.sortedCache ??= [...this.byId.values()].sort((a, b) => a.startedAt - b.startedAt);
    return this.sortedCache;
  }

  get loading(): boolean {
    return this.running;
  }

  get error(): unknown {
    return this.failure;
  }

  /** True once every session of the user is loaded. */
  get complete(): boolean {
    return missingRanges(this.covered, EVERYTHING).length === 0;
  }

  /** The parts of `range` whose sessions are not all loaded yet, in time order. */
  missing(range: TimeRange): TimeRange[] {
    return missingRanges(this.covered, range);
  }

  /** The newest page; the view starts there. Rejects when the API fails. */
  async loadLatest(): Promise<void> {
    this.query = openQuery(EVERYTHING.from, EVERYTHING.to);
    this.running = true;
    try {
      // A page may come back empty with a cursor (the API stops at its read budget): go on to the first session.
      do await this.fetchPage(this.query);
      while (this.query !== null && this.byId.size === 0);
    } finally {
      this.running = false;
    }
  }

  /**
   * A loaded session as the API says it now (its panel's events said it grew since it was listed), so that
   * its mark and row agree with the panel. A session not loaded is left to its page.
   */
  update(session: Session): void {
    if (!this.byId.has(session.sessionId)) return;
    this.byId.set(session.sessionId, session);
    this.sortedCache = null;
    this.dropStale([session], { from: 1, to: 0 });
    this.keepNumbers([session]);
    this.onChange();
  }

  /**
   * A loaded session whose id the API answers 404 for: it is dropped, and the stretch from the session before
   * it to its start is read again (when in view), where what replaced it starts: a late event moves a start
   * only earlier, and a merge keeps the earlier session's. False when no such session is loaded.
   */
  forget(sessionId: string): boolean {
    const gone = this.byId.get(sessionId);
    if (gone === undefined) return false;
    this.drop([sessionId]);
    const before = this.sessions.findLast((session) => session.startedAt < gone.startedAt);
    this.covered = removeRange(this.covered, {
      from: before?.startedAt ?? Number.NEGATIVE_INFINITY,
      to: gone.startedAt,
    });
    // The open query's cursor may stand past that stretch.
    this.query = null;
    this.onChange();
    if (this.wanted !== null) this.want(this.wanted);
    return true;
  }

  /** Asks for every session that shows in `range`: those starting in it, and the one before it. */
  want(range: TimeRange): void {
    this.wanted = range;
    if (!this.running && this.failure === null) void this.pump();
  }

  /**
   * Tries again after an error, for the range last asked for. The open query's cursor is dropped: the error
   * may have been the API refusing it (a `400`), and a fresh query bounded by what is still missing reads
   * the same sessions. A refused cursor drops what was loaded too: the API also refuses one once the user's
   * sessions were cut again under new rules (a rebuild), and sessions cut both ways would overlap.
   */
  retry(): void {
    if (this.cursorRefused) {
      this.byId.clear();
      this.sortedCache = null;
      this.covered = [];
    }
    this.failure = null;
    this.cursorRefused = false;
    this.query = null;
    if (this.wanted !== null) this.want(this.wanted);
  }

  dispose(): void {
    this.abort.abort();
  }

  /**
   * What to load next, newest first: what the wanted range still misses, down to the latest session that
   * starts before it. A user's sessions never overlap (rule 5 cuts one ordered run of events), so that
   * session is the only one that can reach into the range, however long it lasted. Until it is loaded the
   * lowest gap has no lower bound, and its query stops at the page that holds it.
   */
  private nextGap(): TimeRange | undefined {
    if (this.wanted === null) return undefined;
    const { from, to } = this.wanted;
    const before = this.sessions.findLast((session) => session.startedAt < from);
    const reach =
      before !== undefined && this.missing({ from: before.startedAt, to: from - 1 }).length === 0
        ? before.startedAt
        : Number.NEGATIVE_INFINITY;
    return missingRanges(this.covered, { from: reach, to }).at(-1);
  }

  private async pump(): Promise<void> {
    this.running = true;
    this.onChange();
    try {
      for (let gap = this.nextGap(); gap !== undefined; gap = this.nextGap()) {
        // The open query goes on (by cursor) only into a gap right below what it covers; a gap further
        // away gets a query of its own, so the sessions between are never fetched unless shown.
        const open = this.query;
        const continues = open !== null && gap.to >= open.frontier - 1 && gap.from >= open.from;
        this.query = continues ? open : openQuery(gap.from, gap.to);
        await this.fetchPage(this.query);
        if (this.abort.signal.aborted) return;
        this.onChange();
      }
    } catch (error) {
      if (this.abort.signal.aborted) return;
      // A list answers 404 only for a user it does not know: erased since, with every session loaded.
      if (error instanceof ApiError && error.status === 404) {
        this.drop([...this.byId.keys()]);
        this.covered = [];
      }
      this.failure = error;
      this.cursorRefused =
        error instanceof ApiError && error.status === 400 && this.query?.cursor !== undefined;
    } finally {
      this.running = false;
    }
    this.onChange();
  }

  private async fetchPage(query: OpenQuery): Promise<void> {
    this.requests++;
    if (query.cursor !== undefined) query.sent.add(query.cursor);
    const page = await this.client.listSessions(
      this.userId,
      {
        order: 'desc',
        limit: PAGE_SIZE,
        // No session starts outside the years 0000 to 9999, and the API reads no bound outside them: a view
        // that reaches past them (a prefetch margin around year 0000) asks without that bound.
        ...(query.from > FIRST_INSTANT && Number.isFinite(query.from) && { from: query.from }),
        ...(query.to < END_OF_TIME && Number.isFinite(query.to) && { to: query.to }),
        ...(query.cursor !== undefined && { cursor: query.cursor }),
      },
      this.abort.signal,
    );
    const next = page.nextCursor;
    refuseRepeatedCursor(query, next);
    for (const session of page.sessions) this.byId.set(session.sessionId, session);
    this.sortedCache = null;
    const oldest = page.sessions.reduce((min, session) => Math.min(min, session.startedAt), query.frontier);
    // The page lists every session that starts from its oldest (the query's start, on its last page) up to
    // where the page before it stopped.
    this.dropStale(page.sessions, {
      from: next === null ? query.from : oldest,
      to: query.frontier - 1,
    });
    // An empty page with a new cursor is not the end: the API stops a page at its read budget, even before
    // any session (docs/api.md, "Paging"), and the sessions before the cursor are still to come.
    const reachedEnd = next === null;
    const coveredFrom = reachedEnd ? query.from : oldest;
    countIdlePage(query, !reachedEnd && coveredFrom >= query.frontier);
    this.covered = addRange(this.covered, { from: coveredFrom, to: query.to });
    query.frontier = coveredFrom;
    query.cursor = next ?? undefined;
    if (reachedEnd && this.query === query) this.query = null;
    this.keepNumbers(page.sessions);
  }

  /**
   * Drops the loaded sessions the API has no more, now that it answered `fresh`, all it has starting in
   * `listed`: those starting there that it did not list, and those overlapping one of `fresh` (a user's
   * sessions never overlap, so an older reading of one that does was merged into it, or moved).
   */
  private dropStale(fresh: readonly Session[], listed: TimeRange): void {
    const freshIds = new Set(fresh.map((session) => session.sessionId));
    const stale = [...this.byId.values()].filter(
      (session) =>
        !freshIds.has(session.sessionId) &&
        ((session.startedAt >= listed.from && session.startedAt <= listed.to) ||
          fresh.some((now) => now.startedAt <= session.endedAt && session.startedAt <= now.endedAt)),
    );
    const ids = stale.map((session) => session.sessionId);
    this.drop(ids);
    if (ids.length > 0) this.onDropped(ids);
  }

  private drop(sessionIds: readonly string[]): void {
    for (const id of sessionIds) this.byId.delete(id);
    this.removed += sessionIds.length;
    if (sessionIds.length > 0) this.sortedCache = null;
  }

  /**
   * Once the numbers of what is loaded disagree, the sessions just read have the API's numbers now and the
   * others may not: those lose theirs, so that no two sessions show one number.
   */
  private keepNumbers(fresh: readonly Session[]): void {
    if (!numbersDisagree(this.sessions, (range) => this.missing(range))) return;
    this.renumbered = true;
    const ids = new Set(fresh.map((session) => session.sessionId));
    for (const [id, session] of this.byId) {
      if (!ids.has(id) && session.sessionNumber !== null)
        this.byId.set(id, { ...session, sessionNumber: null });
    }
    this.sortedCache = null;
  }
}
