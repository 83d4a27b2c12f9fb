import { describe, expect, it } from 'vitest';
import { MAX_RECUT_PASSES, UsersLeftError } from '../../../functions/rebuild/rebuild-table.js';
import { type RebuildProgress, rebuildProgressLine, runTableRebuild } from '../../../local/rebuild-runner.js';
import { FakeRebuildStore } from './fake-rebuild-store.js';

describe('runTableRebuild', () => {
  it('begins, works every segment to its end in calls of one slice, sums what they did and finishes', async () => {
    const store = new FakeRebuildStore([['a', 'b', 'c'], ['d'], []], 2);
    store.state = 'not begun';
    const progress: RebuildProgress[] = [];

    const run = await runTableRebuild(store, {
      totalSegments: 3,
      // No time at all: one user or one page per call.
      sliceMs: -1,
      drainMs: 0,
      onProgress: (update) => progress.push(update),
    });

    expect([...store.rebuilt].sort()).toEqual(['a', 'b', 'c', 'd']);
    expect(run).toMatchObject({ segmentsDone: 3, totalSegments: 3, calls: 5, counted: true });
    expect(run.counts).toMatchObject({ users: 4, rebuilt: 4, sessionsWritten: 8 });
    expect(progress).toHaveLength(5);
    expect(progress.at(-1)).toEqual({ segmentsDone: 3, totalSegments: 3, counts: run.counts });
    expect(store.finished).toBe(true);
  });

  it('does not finish when a segment fails', async () => {
    const store = new FakeRebuildStore([['a'], ['b']], 2);
    store.onRebuilt = (user) => {
      if (user === 'b') throw new Error('throttled');
    };

    await expect(runTableRebuild(store, { totalSegments: 2, drainMs: 0 })).rejects.toThrow('throttled');
    expect(store.finished).toBe(false);
  });

  it('waits as long as the finish answers, then finishes: the drain counts from the begin', async () => {
    let clock = 5_000_000;
    const store = new FakeRebuildStore([['a']], 2);
    store.begunAt = clock;
    const waits: number[] = [];

    const run = await runTableRebuild(store, {
      totalSegments: 1,
      drainMs: 90_000,
      now: () => clock,
      onWait: (seconds) => {
        waits.push(seconds);
      },
      // Half of what it was told: the finish answers again with the rest.
      sleep: async (ms) => {
        clock += ms / 2;
      },
    });

    expect(waits).toEqual([90, 45, 23, 11, 6, 3, 1, 1]);
    expect(run.counted).toBe(true);
    expect(store.counts).toBe(1);
    expect(store.finished).toBe(true);
  });

  it('cuts the users the finish finds left again, counts them with the rest, and finishes on the next pass', async () => {
    const store = new FakeRebuildStore([['a']], 2);
    store.usersLeft = ['late'];

    const run = await runTableRebuild(store, { totalSegments: 1, drainMs: 0 });

    expect(store.rebuilt).toEqual(['a', 'late']);
    expect(run).toMatchObject({ counted: true, counts: { users: 2, rebuilt: 2 } });
    expect(store.counts).toBe(2);
    expect(store.finished).toBe(true);
  });

  it('calls the finish again with where its count stopped until the count has passed the whole store', async () => {
    const store = new FakeRebuildStore([['a']], 2);
    store.usersLeft = ['late-1', 'late-2'];
    store.countCalls = 2;

    const run = await runTableRebuild(store, { totalSegments: 1, drainMs: 0 });

    expect(store.rebuilt).toEqual(['a', 'late-1', 'late-2']);
    expect(run).toMatchObject({ counted: true, counts: { users: 3, rebuilt: 3 } });
    expect(store.countsFrom).toEqual([
      null,
      [{ cursor: '1', done: false }],
      null,
      [{ cursor: '1', done: false }],
    ]);
    expect(store.finished).toBe(true);
  });

  it(`fails after ${MAX_RECUT_PASSES} passes that left users behind, unfinished`, async () => {
    const store = new FakeRebuildStore([['a']], 2);
    store.usersLeft = ['late'];
    store.stuck = true;

    await expect(runTableRebuild(store, { totalSegments: 1, drainMs: 0 })).rejects.toThrow(UsersLeftError);
    expect(store.counts).toBe(MAX_RECUT_PASSES + 1);
    expect(store.finished).toBe(false);
  });
});

describe('rebuildProgressLine', () => {
  const counts = {
    users: 7,
    rebuilt: 4,
    current: 1,
    skipped: 0,
    sessionsWritten: 4,
    linksOffered: 0,
    eventsMoved: 0,
  };

  it('accounts for every user seen: those passed by (erased, holding nothing) are named too', () => {
    const line = rebuildProgressLine(
      { segmentsDone: 4, totalSegments: 4, counts: { ...counts, skipped: 2 } },
      3,
    );

    expect(line).toBe(
      '  4/4 segments done: 7 users seen, 4 rebuilt, 1 already current, 2 passed by (erased, or holding no sessions), 4 sessions written (3 s)',
    );
  });

  it('leaves the users passed by out when there are none', () => {
    const line = rebuildProgressLine(
      { segmentsDone: 1, totalSegments: 2, counts: { ...counts, users: 5 } },
      0,
    );

    expect(line).toBe(
      '  1/2 segments done: 5 users seen, 4 rebuilt, 1 already current, 4 sessions written (0 s)',
    );
  });
});
