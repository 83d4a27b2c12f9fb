import type {
  RebuildScope,
  RebuildStore,
  UserPage,
  UserRebuild,
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
  usersLeft: number | undefined = 0;
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
    this.onRebuilt(user);
    return { status: 'rebuilt', sessionsWritten: 2, linksOffered: 1, eventsMoved: 0 };
  }

  async countUsersLeft(): Promise<number | undefined> {
    this.counts++;
    return this.usersLeft;
  }

  async finish(): Promise<void> {
    this.finished = true;
    this.state = 'finished';
  }
}
