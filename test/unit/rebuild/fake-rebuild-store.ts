import type {
  RebuildScope,
  RebuildStore,
  UserPage,
  UserRebuild,
  UsersLeft,
} from '../../../functions/domain/store/ports.js';

/**
 * A rebuild store in memory: each segment's users in scan order, served `pageSize` at a time; cursors are
 * positions. Records every user rebuilt, in order.
 */
export class FakeRebuildStore implements RebuildStore {
  readonly rebuilt: string[] = [];
  readonly scans: (string | null)[] = [];
  /** When `begin` records the rebuild began (epoch ms). */
  begunAt = 0;
  state: RebuildScope | 'finished' | 'not begun' = { sourceStitches: false, begunAt: 0 };
  counts = 0;
  /** What a count finds left, until each is rebuilt; undefined: the count runs out of time. */
  usersLeft: string[] | undefined = [];
  /** Users left that rebuilding does not move (something keeps writing them under the old rules). */
  stuck = false;
  finished = false;
  /** Called after each user is rebuilt: lets a test move the clock. */
  onRebuilt: (user: string) => void = () => undefined;

  constructor(
    private readonly segments: readonly (readonly string[])[],
    private readonly pageSize: number,
  ) {}

  async begin(): Promise<void> {
    this.state = { sourceStitches: false, begunAt: this.begunAt };
  }

  async inProgress(): Promise<RebuildScope | 'finished'> {
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
    if (!this.stuck) this.usersLeft = this.usersLeft?.filter((left) => left !== user);
    this.onRebuilt(user);
    return { status: 'rebuilt', sessionsWritten: 2, linksOffered: 1, eventsMoved: 0 };
  }

  async findUsersLeft(_deadline: number, limit: number): Promise<UsersLeft | undefined> {
    this.counts++;
    if (this.usersLeft === undefined) return undefined;
    return { count: this.usersLeft.length, users: this.usersLeft.slice(0, limit) };
  }

  async finish(): Promise<void> {
    this.finished = true;
    this.state = 'finished';
  }
}
