import { describe, expect, it } from 'vitest';
import {
  finishTableRebuild,
  rebuildSegment,
  UsersLeftError,
} from '../../../functions/rebuild/rebuild-table.js';
import { FakeRebuildStore } from './fake-rebuild-store.js';

const USERS = ['a', 'b', 'c', 'd', 'e', 'f', 'g'];

describe('rebuildSegment', () => {
  it('works through every page of its segment and answers done with no cursor', async () => {
    const store = new FakeRebuildStore([USERS, ['other']], 3);

    const outcome = await rebuildSegment(store, { segment: 0, totalSegments: 2, cursor: null }, Infinity);

    expect(outcome.progress).toEqual({ segment: 0, totalSegments: 2, cursor: null, done: true });
    expect(store.rebuilt).toEqual(USERS);
    expect(outcome.counts).toEqual({
      users: 7,
      rebuilt: 7,
      current: 0,
      skipped: 0,
      sessionsWritten: 14,
      linksOffered: 7,
      eventsMoved: 0,
    });
  });

  it('stops at its deadline mid-page and resumes right after the last user it rebuilt', async () => {
    const store = new FakeRebuildStore([USERS], 3);
    let clock = 0;
    store.onRebuilt = () => {
      clock += 10;
    };

    const first = await rebuildSegment(
      store,
      { segment: 0, totalSegments: 1, cursor: null },
      40,
      () => clock,
    );
    const second = await rebuildSegment(
      store,
      { segment: 0, totalSegments: 1, cursor: first.progress.cursor },
      Infinity,
      () => clock,
    );

    expect(first.progress).toMatchObject({ done: false, cursor: '4' });
    expect(first.counts.users).toBe(4);
    expect(second.progress).toMatchObject({ done: true, cursor: null });
    expect(store.rebuilt).toEqual(USERS);
  });

  it('rebuilds one user per call when every call starts past its deadline, so the state machine still ends', async () => {
    const store = new FakeRebuildStore([USERS], 3);
    let cursor: string | null = null;
    let calls = 0;

    for (let done = false; !done; calls++) {
      const outcome = await rebuildSegment(store, { segment: 0, totalSegments: 1, cursor }, 0, () => 1);
      ({ cursor, done } = outcome.progress);
    }

    expect(store.rebuilt).toEqual(USERS);
    // Seven users, plus no extra call: the last user's page was the segment's last.
    expect(calls).toBe(7);
  });

  it('passes a page without users past its deadline rather than answering the cursor it was given', async () => {
    const store = new FakeRebuildStore([[]], 3);

    const outcome = await rebuildSegment(store, { segment: 0, totalSegments: 1, cursor: null }, 0, () => 1);

    expect(outcome.progress).toMatchObject({ done: true, cursor: null });
  });

  it('answers done at once after the rebuild finished (a retried call), without scanning', async () => {
    const store = new FakeRebuildStore([USERS], 3);
    store.state = 'finished';

    const outcome = await rebuildSegment(store, { segment: 0, totalSegments: 1, cursor: '2' }, Infinity);

    expect(outcome.progress).toEqual({ segment: 0, totalSegments: 1, cursor: null, done: true });
    expect(store.scans).toEqual([]);
  });

  it('is refused when no rebuild is in progress', async () => {
    const store = new FakeRebuildStore([USERS], 3);
    store.state = 'not begun';

    await expect(
      rebuildSegment(store, { segment: 0, totalSegments: 1, cursor: null }, Infinity),
    ).rejects.toThrow('no rebuild in progress');
    expect(store.rebuilt).toEqual([]);
  });
});

describe('finishTableRebuild', () => {
  it('moves the table to the target once the count finds no user left', async () => {
    const store = new FakeRebuildStore([], 1);

    const outcome = await finishTableRebuild(store, Infinity, 0);

    expect(outcome).toEqual({ counted: true });
    expect(store.finished).toBe(true);
  });

  it('refuses while users are left under the old rules, and says to run the rebuild again', async () => {
    const store = new FakeRebuildStore([], 1);
    store.usersLeft = 3;

    await expect(finishTableRebuild(store, Infinity, 0)).rejects.toThrow(UsersLeftError);
    await expect(finishTableRebuild(store, Infinity, 0)).rejects.toThrow(
      /3 users are still cut under the old rules.*start the rebuild again/,
    );
    expect(store.finished).toBe(false);
  });

  it('finishes without a count that could not end in time', async () => {
    const store = new FakeRebuildStore([], 1);
    store.usersLeft = undefined;

    const outcome = await finishTableRebuild(store, Infinity, 0);

    expect(outcome).toEqual({ counted: false });
    expect(store.finished).toBe(true);
  });

  it('answers how long to wait, without counting, until the drain after the begin has passed', async () => {
    const store = new FakeRebuildStore([], 1);
    store.state = { sourceStitches: false, begunAt: 1_000_000 };
    store.usersLeft = 2;

    expect(await finishTableRebuild(store, Infinity, 65_000, () => 1_000_000)).toEqual({ waitSeconds: 65 });
    expect(await finishTableRebuild(store, Infinity, 65_000, () => 1_064_001)).toEqual({ waitSeconds: 1 });
    expect(store.counts).toBe(0);
    await expect(finishTableRebuild(store, Infinity, 65_000, () => 1_065_000)).rejects.toThrow(
      UsersLeftError,
    );
    expect(store.counts).toBe(1);
    store.usersLeft = 0;
    expect(await finishTableRebuild(store, Infinity, 65_000, () => 1_065_000)).toEqual({ counted: true });
    expect(store.finished).toBe(true);
  });

  it('does nothing when called again after finishing', async () => {
    const store = new FakeRebuildStore([], 1);
    store.state = 'finished';
    store.usersLeft = 5;

    const outcome = await finishTableRebuild(store, Infinity, 0);

    expect(outcome).toEqual({ counted: false });
    expect(store.finished).toBe(false);
  });
});
