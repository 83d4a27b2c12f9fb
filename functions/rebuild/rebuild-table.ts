import type { RebuildSegmentProgress } from '../../contract/index.js';
import type { RebuildScope, RebuildStore, UserRebuild } from '../domain/store/ports.js';

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

/**
 * How many times a finish that finds users left under the old rules cuts them again and counts once more
 * before it gives up: after the drain nothing writes under the old rules, so one pass leaves none unless
 * it ran out of time or something still writes under them.
 */
export const MAX_RECUT_PASSES = 3;

/**
 * Users a count hands on to be cut again at most, and the bytes of their ids as JSON (UTF-8): the list travels
 * sealed in the state machine's data (256 KB a state), as about 4/3 as many characters (`sealedChars`, some
 * 85,400). The rest wait for the next count.
 */
export const RECUT_USERS_PER_PASS = 2_000;
export const RECUT_LIST_BYTES = 64_000;

/** Users still cut under the old rules after every pass of the finish: the rebuild must be started again. */
export class UsersLeftError extends Error {
  constructor(count: number, passes: number) {
    super(
      `${count} ${count === 1 ? 'user is' : 'users are'} still cut under the old rules after the finish cut the users left again ${passes} ${passes === 1 ? 'time' : 'times'}: something still writes under the old rules (an ingest of them past the drain: a host's clock off by more than 5 s, or an ingest timeout longer than the rebuild's INGEST_TIMEOUT_SECONDS), or more users were left than the passes could cut. Stop any ingest of the old rules, then start the rebuild again: it resumes, and users already rebuilt are skipped`,
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
  return rebuildSegmentIn(await store.inProgress(), store, request, deadline, now);
}

/**
 * rebuildSegment with the rebuild's state already read (`store.inProgress()`), as the handler reads it for the
 * key that opens the cursor. A second read would learn nothing: what a call uses of the state (whether the old
 * rules stitched, the key) is fixed for the whole rebuild, a begin that resumes it keeps them, and a call goes
 * on with its one read for minutes anyway (a rebuild finished meanwhile only finds its users current).
 */
export async function rebuildSegmentIn(
  scope: RebuildScope | 'finished',
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

/** How far a count got (contract/ RebuildCountProgress), its cursors and users open. */
export interface CountProgress {
  readonly segments: readonly { readonly cursor: string | null; readonly done: boolean }[];
  readonly found: number;
  readonly users: readonly string[];
}

/**
 * What the state machine sends Finish, opened (`sealed-state.ts`): the pass and the users to cut again the
 * previous answer named, or the count it left half-way.
 */
export interface FinishRequest {
  readonly pass?: number;
  readonly users?: readonly string[];
  readonly count?: CountProgress;
}

/**
 * What a finish call answers: it finished (`counted`: by a count that passed the whole table; false when an
 * earlier call had finished already, a retried call); it is too early to count (call again with `pass`); its
 * time ended mid-count (`count`: call again with it and `pass`); or users are left under the old rules
 * (`usersLeft`), to be cut again by the next call, which is sent `pass` and `users`.
 */
export type FinishOutcome =
  /** `counts`: what it cut of the users it was sent, if any. */
  | { readonly counted: boolean; readonly counts?: SegmentCounts }
  | { readonly waitSeconds: number; readonly pass: number }
  | {
      readonly count: CountProgress;
      readonly pass: number;
      /** What this call cut of the users it was sent. */
      readonly counts: SegmentCounts;
    }
  | {
      readonly usersLeft: number;
      readonly users: readonly string[];
      readonly pass: number;
      /** What this call cut of the users it was sent. */
      readonly counts: SegmentCounts;
    };

/** The request that goes on after an outcome that did not finish: the one place the three are told apart. */
export function nextFinishRequest(outcome: Exclude<FinishOutcome, { counted: boolean }>): FinishRequest {
  if ('count' in outcome) return { pass: outcome.pass, count: outcome.count };
  if ('usersLeft' in outcome) return { pass: outcome.pass, users: [...outcome.users] };
  return { pass: outcome.pass };
}

/** The first of `users` (at most RECUT_USERS_PER_PASS) whose ids fit RECUT_LIST_BYTES as JSON, at least one. */
function listToSend(users: readonly string[]): string[] {
  const sent: string[] = [];
  let bytes = 2;
  for (const user of users) {
    bytes += Buffer.byteLength(JSON.stringify(user)) + 1;
    if (sent.length >= RECUT_USERS_PER_PASS || (sent.length > 0 && bytes > RECUT_LIST_BYTES)) break;
    sent.push(user);
  }
  return sent;
}

/**
 * Checks by a count that no user is left under the old rules, then moves the table to the target. The count
 * starts no earlier than `drainMs` after the rebuild began, once no ingest of the old rules can write any more
 * (`ingestDrainMs`): before then it answers how long to wait, and is called again.
 *
 * A count that cannot pass the whole table by `deadline` answers where each segment of its scan stopped and
 * what it found so far (`count`), and the next call goes on from there: only a count that reached the end of
 * every segment finishes the rebuild or hands users on. After the drain nothing writes under the old rules,
 * so a count spread over calls misses no one a single scan would find.
 *
 * Users a count finds left (an ingest of the old rules created them during the drain, after the segments
 * passed) are answered, and the next call cuts them again before it counts again. They travel in the request
 * rather than being cut by the call that found them so that a call retried after it stopped half-way visits
 * every one of them again, without counting first (a user cut again whose links a crash left unoffered,
 * stitching turned on, is at the target rules: the count finds it by its head's mark). A call that runs out
 * of time cutting answers the rest, with the same pass. Past MAX_RECUT_PASSES counts that found users, the
 * next that finds any fails (UsersLeftError).
 */
export async function finishTableRebuild(
  store: RebuildStore,
  deadline: number,
  drainMs: number,
  now: () => number = Date.now,
  request: FinishRequest = {},
): Promise<FinishOutcome> {
  return finishTableRebuildIn(await store.inProgress(), store, deadline, drainMs, now, request);
}

/**
 * finishTableRebuild with the rebuild's state already read, as rebuildSegmentIn (the begin time is fixed for the
 * rebuild too, and `store.finish()` reads the record again before it moves the table to the target).
 */
export async function finishTableRebuildIn(
  scope: RebuildScope | 'finished',
  store: RebuildStore,
  deadline: number,
  drainMs: number,
  now: () => number,
  request: FinishRequest,
): Promise<FinishOutcome> {
  const pass = request.pass ?? 0;
  if (scope === 'finished') return { counted: false };
  const counts = emptyCounts();
  const toCut = request.users ?? [];
  for (const [index, user] of toCut.entries()) {
    // At least one user a call, so the calls make progress however little time they are given.
    if (index > 0 && now() >= deadline) {
      return { usersLeft: toCut.length - index, users: toCut.slice(index), pass, counts };
    }
    add(counts, await store.rebuildUser(user, scope));
  }
  const waitMs = scope.begunAt + drainMs - now();
  if (waitMs > 0) return { waitSeconds: Math.ceil(waitMs / 1000), pass };
  const earlier = request.count;
  const left = await store.findUsersLeft(deadline, RECUT_USERS_PER_PASS, earlier?.segments ?? null);
  const found = (earlier?.found ?? 0) + left.count;
  // Within the lists' limits: the rest are found again by the count after they are cut.
  const users = listToSend([...(earlier?.users ?? []), ...left.users]);
  if (!left.segments.every(({ done }) => done)) {
    return { count: { segments: left.segments, found, users }, pass, counts };
  }
  if (found > 0) {
    if (pass >= MAX_RECUT_PASSES) throw new UsersLeftError(found, pass);
    return { usersLeft: found, users, pass: pass + 1, counts };
  }
  await store.finish();
  return { counted: true, ...(counts.users > 0 && { counts }) };
}
