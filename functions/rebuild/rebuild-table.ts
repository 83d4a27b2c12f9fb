import type { RebuildSegmentProgress } from '../../contract/index.js';
import type { RebuildStore, UserRebuild } from '../domain/store/ports.js';

/** What one segment call did, for the logs and the local command's progress. */
export interface SegmentCounts {
  users: number;
  rebuilt: number;
  current: number;
  skipped: number;
  sessionsWritten: number;
  linksOffered: number;
  eventsMoved: number;
}

export interface SegmentOutcome {
  readonly progress: RebuildSegmentProgress;
  readonly counts: SegmentCounts;
}

export interface SegmentRequest {
  readonly segment: number;
  readonly totalSegments: number;
  readonly cursor: string | null;
}

/** Users still cut under the old rules when the rebuild was to finish: it must run again. */
export class UsersLeftError extends Error {
  constructor(count: number) {
    super(
      `${count} ${count === 1 ? 'user is' : 'users are'} still cut under the old rules (written by an ingest that checked the rules before the rebuild began, or by a segment that failed): start the rebuild again; users already rebuilt are skipped`,
    );
    this.name = 'UsersLeftError';
  }
}

export function emptyCounts(): SegmentCounts {
  return {
    users: 0,
    rebuilt: 0,
    current: 0,
    skipped: 0,
    sessionsWritten: 0,
    linksOffered: 0,
    eventsMoved: 0,
  };
}

function add(counts: SegmentCounts, result: UserRebuild): void {
  counts.users++;
  counts[result.status]++;
  counts.sessionsWritten += result.sessionsWritten;
  counts.linksOffered += result.linksOffered;
  counts.eventsMoved += result.eventsMoved;
}

/** Records the rebuild's target: from now on only ingests running it are accepted. */
export async function beginTableRebuild(store: RebuildStore): Promise<void> {
  await store.begin();
}

/**
 * Rebuilds the users of one parallel scan segment from `cursor` on, until the segment is done or `deadline`
 * (epoch ms) has passed; then answers where to resume. Each call rebuilds at least one user or passes at least
 * one page, so it makes progress however little time it is given.
 */
export async function rebuildSegment(
  store: RebuildStore,
  request: SegmentRequest,
  deadline: number,
  now: () => number = Date.now,
): Promise<SegmentOutcome> {
  const { segment, totalSegments } = request;
  const counts = emptyCounts();
  const answer = (cursor: string | null, done: boolean): SegmentOutcome => ({
    progress: { segment, totalSegments, cursor, done },
    counts,
  });
  const scope = await store.inProgress();
  // Finished meanwhile (a retried call): nothing is left to do.
  if (scope === 'finished') return answer(null, true);
  let cursor = request.cursor;
  // Set once a user was rebuilt or a page passed: from then on the deadline may end the call.
  let worked = false;
  for (;;) {
    if (worked && now() >= deadline) return answer(cursor, false);
    const page = await store.scanUsers(segment, totalSegments, cursor);
    for (const { user, cursor: afterUser } of page.users) {
      if (worked && now() >= deadline) return answer(cursor, false);
      add(counts, await store.rebuildUser(user, scope));
      cursor = afterUser;
      worked = true;
    }
    if (page.next === null) return answer(null, true);
    cursor = page.next;
    worked = true;
  }
}

/** What a finish call answers: it finished (`counted`: by a count), or it is too early to count. */
export type FinishOutcome = { readonly counted: boolean } | { readonly waitSeconds: number };

/**
 * Checks by a count that no user is left under the old rules, then moves the table to the target. The count
 * starts no earlier than `drainMs` after the rebuild began, once no ingest of the old rules can write any more
 * (`ingestDrainMs`): before then it answers how long to wait, and is called again. A count that cannot finish
 * by `deadline` is left out (`counted: false`): a user left behind is still rebuilt by the first ingest that
 * meets it.
 */
export async function finishTableRebuild(
  store: RebuildStore,
  deadline: number,
  drainMs: number,
  now: () => number = Date.now,
): Promise<FinishOutcome> {
  const scope = await store.inProgress();
  if (scope === 'finished') return { counted: false };
  const waitMs = scope.begunAt + drainMs - now();
  if (waitMs > 0) return { waitSeconds: Math.ceil(waitMs / 1000) };
  const left = await store.countUsersLeft(deadline);
  if (left !== undefined && left > 0) throw new UsersLeftError(left);
  await store.finish();
  return { counted: left !== undefined };
}
