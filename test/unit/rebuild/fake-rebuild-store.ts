import type {
  CountSegment,
  RebuildScope,
  RebuildStore,
  UserPage,
  UserRebuild,
  UsersLeft,
} from '../../../functions/domain/store/ports.js';

/** The key the fake rebuild seals under, for tests to open what its handler answers. */
export const FAKE_SEAL_KEY = new Uint8Array(32).fill(7);

/**
 * A rebuild store in memory: each segment's users in scan order, served `pageSize` at a time; cursors are
 * positions. Records every user rebuilt, in order.
 */
export class FakeRebuildStore implements RebuildStore {
  readonly rebuilt: string[] = [];
  readonly scans: (string | null)[] = [];
  /** When `begin` records the rebuild began (epoch ms). */
  begunAt = 0;
  state: RebuildScope | 'finished' | 'not begun' = {
    sourceStitches: false,
    begunAt: 0,
    sealKey: FAKE_SEAL_KEY,
  };
  counts = 0;
  /** What a count finds left, until each is rebuilt. */
  usersLeft: string[] = [];
  /**
   * Calls a count takes: each but the last stops at its deadline, having found its share of the users left,
   * and answers the next share's position as its one segment's cursor.
   */
  countCalls = 1;
  /** Where each count call started (null: from the start). */
  readonly countsFrom: (readonly CountSegment[] | null)[] = [];
  /** Users left that rebuilding does not move (something keeps writing them under the old rules). */
  stuck = false;
  finished = false;
  /** Reads of the rebuild's state (`inProgress`): on DynamoDB, each is a read of the rules record. */
  stateReads = 0;
  /** Called after each user is rebuilt: lets a test move the clock. */
  onRebuilt: (user: string) => void = () => undefined;

  constructor(
    private readonly segments: readonly (readonly string[])[],
    private readonly pageSize: number,
  ) {}

  async begin(): Promise<void> {
    this.state = { sourceStitches: false, begunAt: this.begunAt, sealKey: FAKE_SEAL_KEY };
  }

  async inProgress(): Promise<RebuildScope | 'finished'> {
    this.stateReads++;
    if (this.state === 'not begun') throw new Error('no rebuild in progress');
    return this.state;
  }

  async scanUsers(segment: number, _totalSegments: number, cursor: string | null): Promise<UserPage> {
    this.scans.push(cursor);
    const users = this.segments[segment] ?? [];
    const from = cursor === null ? 0 : Number(cursor);
    const page = users.slice(from, from + this.pageSize);
    const end = from + page.length;
    return {
      users: page.map((user, index) => ({ user, cursor: String(from + index + 1) })),
      next: end >= users.length ? null : String(end),
    };
  }

  async rebuildUser(user: string): Promise<UserRebuild> {
    this.rebuilt.push(user);
    if (!this.stuck) this.usersLeft = this.usersLeft.filter((left) => left !== user);
    this.onRebuilt(user);
    return { status: 'rebuilt', sessionsWritten: 2, linksOffered: 1, eventsMoved: 0 };
  }

  async findUsersLeft(
    _deadline: number,
    limit: number,
    from: readonly CountSegment[] | null,
  ): Promise<UsersLeft> {
    this.counts++;
    this.countsFrom.push(from);
    const start = from?.[0]?.cursor;
    const call = start === undefined || start === null ? 0 : Number(start);
    const share = Math.ceil(this.usersLeft.length / this.countCalls);
    const found = this.usersLeft.slice(call * share, (call + 1) * share);
    const done = call + 1 >= this.countCalls;
    return {
      count: found.length,
      users: found.slice(0, limit),
      segments: [{ cursor: done ? null : String(call + 1), done }],
    };
  }

  async finish(): Promise<void> {
    this.finished = true;
    this.state = 'finished';
  }
}
