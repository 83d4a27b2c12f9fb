import { describe, expect, it } from 'vitest';
import {
  type FinishRequest,
  finishTableRebuild,
  MAX_RECUT_PASSES,
  nextFinishRequest,
  RECUT_LIST_BYTES,
  RECUT_USERS_PER_PASS,
  rebuildSegment,
  UsersLeftError,
} from '../../../functions/rebuild/rebuild-table.js';
import { FAKE_SEAL_KEY, FakeRebuildStore } from './fake-rebuild-store.js';

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

  it('answers the users it finds left; the next call cuts them again, counts again and finishes', async () => {
    const store = new FakeRebuildStore([], 1);
    store.usersLeft = ['x', 'y', 'z'];

    const first = await finishTableRebuild(store, Infinity, 0);

    expect(first).toEqual({
      usersLeft: 3,
      users: ['x', 'y', 'z'],
      pass: 1,
      counts: expect.objectContaining({ users: 0 }),
    });
    // Cut by the call that is sent them, so a retry of that call visits them all again.
    expect(store.rebuilt).toEqual([]);
    expect(store.finished).toBe(false);
    expect(
      await finishTableRebuild(store, Infinity, 0, Date.now, { pass: 1, users: ['x', 'y', 'z'] }),
    ).toEqual({
      counted: true,
      counts: expect.objectContaining({ users: 3, rebuilt: 3, sessionsWritten: 6 }),
    });
    expect(store.rebuilt).toEqual(['x', 'y', 'z']);
    expect(store.finished).toBe(true);
  });

  it('visits every user it is sent again, those already at the target included (a retried call)', async () => {
    const store = new FakeRebuildStore([], 1);
    store.usersLeft = ['q'];
    store.stuck = true;

    await finishTableRebuild(store, Infinity, 0, Date.now, { pass: 1, users: ['x', 'y'] });
    await finishTableRebuild(store, Infinity, 0, Date.now, { pass: 1, users: ['x', 'y'] });

    expect(store.rebuilt).toEqual(['x', 'y', 'x', 'y']);
  });

  it('cuts at least one user a call, then answers the rest at its deadline with the same pass', async () => {
    const store = new FakeRebuildStore([], 1);
    store.usersLeft = ['x', 'y', 'z'];

    expect(
      await finishTableRebuild(store, 10, 0, () => 20, { pass: 1, users: ['x', 'y', 'z'] }),
    ).toMatchObject({ usersLeft: 2, users: ['y', 'z'], pass: 1, counts: { users: 1 } });
    expect(store.counts).toBe(0);
    expect(
      await finishTableRebuild(store, Infinity, 0, () => 20, { pass: 1, users: ['y', 'z'] }),
    ).toMatchObject({
      counted: true,
      counts: { users: 2 },
    });
    expect(store.rebuilt).toEqual(['x', 'y', 'z']);
  });

  it(`refuses once ${MAX_RECUT_PASSES} passes left users behind, and says what to do`, async () => {
    const store = new FakeRebuildStore([], 1);
    store.usersLeft = ['x', 'y', 'z'];
    store.stuck = true;

    let request = {};
    for (let pass = 1; pass <= MAX_RECUT_PASSES; pass++) {
      const outcome = await finishTableRebuild(store, Infinity, 0, Date.now, request);
      expect(outcome).toMatchObject({ usersLeft: 3, users: ['x', 'y', 'z'], pass });
      request = outcome;
    }
    const last = finishTableRebuild(store, Infinity, 0, Date.now, request);

    await expect(last).rejects.toThrow(UsersLeftError);
    await expect(last).rejects.toThrow(
      /3 users are still cut under the old rules after the finish cut the users left again 3 times.*start the rebuild again/,
    );
    expect(store.rebuilt).toHaveLength(3 * MAX_RECUT_PASSES);
    expect(store.finished).toBe(false);
  });

  it(`hands on at most ${RECUT_USERS_PER_PASS} users, and ${RECUT_LIST_BYTES} bytes of them, a pass`, async () => {
    const store = new FakeRebuildStore([], 1);
    store.usersLeft = Array.from({ length: RECUT_USERS_PER_PASS + 2 }, (_, index) => `u${index}`);

    const first = await finishTableRebuild(store, Infinity, 0);
    expect(first).toMatchObject({ usersLeft: RECUT_USERS_PER_PASS + 2, pass: 1 });
    expect((first as { users: readonly string[] }).users).toHaveLength(RECUT_USERS_PER_PASS);

    const long = (tag: string) => tag.padEnd(30_000, '-');
    store.usersLeft = [long('a'), long('b'), long('c')];
    const second = await finishTableRebuild(store, Infinity, 0, Date.now, { pass: 1 });
    expect((second as { users: readonly string[] }).users).toEqual([long('a'), long('b')]);
    expect(JSON.stringify((second as { users: readonly string[] }).users).length).toBeLessThanOrEqual(
      RECUT_LIST_BYTES,
    );

    // Bytes, not characters: the list is sealed as its UTF-8 bytes, and the state's limit is in bytes.
    const wide = (tag: string) => tag.padEnd(20_000, 'é');
    store.usersLeft = [wide('a'), wide('b'), wide('c')];
    const wider = await finishTableRebuild(store, Infinity, 0, Date.now, { pass: 1 });
    expect((wider as { users: readonly string[] }).users).toEqual([wide('a')]);

    // One user is handed on however long its id.
    store.usersLeft = [long('a').repeat(3)];
    const third = await finishTableRebuild(store, Infinity, 0, Date.now, { pass: 2 });
    expect((third as { users: readonly string[] }).users).toEqual([long('a').repeat(3)]);
  });

  it('goes on with a count its deadline cut, and finishes only once the count passed the whole table', async () => {
    const store = new FakeRebuildStore([], 1);
    store.countCalls = 3;

    const first = await finishTableRebuild(store, 0, 0);
    expect(first).toEqual({
      count: { segments: [{ cursor: '1', done: false }], found: 0, users: [] },
      pass: 0,
      counts: expect.any(Object),
    });
    expect(store.finished).toBe(false);
    const second = await finishTableRebuild(store, 0, 0, Date.now, first as FinishRequest);
    expect(second).toMatchObject({ count: { segments: [{ cursor: '2', done: false }] }, pass: 0 });
    expect(store.finished).toBe(false);

    expect(await finishTableRebuild(store, 0, 0, Date.now, second as FinishRequest)).toEqual({
      counted: true,
    });
    expect(store.finished).toBe(true);
    expect(store.countsFrom).toEqual([null, [{ cursor: '1', done: false }], [{ cursor: '2', done: false }]]);
  });

  it('hands on the users a count spread over calls found, once it reached the end', async () => {
    const store = new FakeRebuildStore([], 1);
    store.countCalls = 3;
    store.usersLeft = ['a', 'b', 'c'];

    const first = await finishTableRebuild(store, 0, 0);
    expect(first).toMatchObject({ count: { found: 1, users: ['a'] }, pass: 0 });
    const second = await finishTableRebuild(store, 0, 0, Date.now, first as FinishRequest);
    expect(second).toMatchObject({ count: { found: 2, users: ['a', 'b'] }, pass: 0 });
    const found = await finishTableRebuild(store, 0, 0, Date.now, second as FinishRequest);
    expect(found).toMatchObject({ usersLeft: 3, users: ['a', 'b', 'c'], pass: 1 });
    expect(store.rebuilt).toEqual([]);

    // The call that cuts them counts again from the start, over as many calls.
    let outcome = await finishTableRebuild(store, Infinity, 0, Date.now, found as FinishRequest);
    expect(store.rebuilt).toEqual(['a', 'b', 'c']);
    expect(outcome).toMatchObject({ count: { found: 0, users: [] }, pass: 1, counts: { users: 3 } });
    while ('count' in outcome)
      outcome = await finishTableRebuild(store, 0, 0, Date.now, nextFinishRequest(outcome));
    expect(outcome).toEqual({ counted: true });
    expect(store.countsFrom.slice(3)).toEqual([
      null,
      [{ cursor: '1', done: false }],
      [{ cursor: '2', done: false }],
    ]);
  });

  it('keeps the users a count spread over calls found within the lists limits', async () => {
    const store = new FakeRebuildStore([], 1);
    store.countCalls = 2;
    const long = (tag: string) => tag.padEnd(30_000, '-');
    store.usersLeft = [long('a'), long('b'), long('c'), long('d')];

    const first = await finishTableRebuild(store, 0, 0);
    const found = await finishTableRebuild(store, 0, 0, Date.now, first as FinishRequest);

    expect(found).toMatchObject({ usersLeft: 4, users: [long('a'), long('b')], pass: 1 });
  });

  it('answers how long to wait, without counting, until the drain after the begin has passed', async () => {
    const store = new FakeRebuildStore([], 1);
    store.state = { sourceStitches: false, begunAt: 1_000_000, sealKey: FAKE_SEAL_KEY };
    store.usersLeft = ['x', 'y'];

    expect(await finishTableRebuild(store, Infinity, 65_000, () => 1_000_000)).toEqual({
      waitSeconds: 65,
      pass: 0,
    });
    expect(await finishTableRebuild(store, Infinity, 65_000, () => 1_064_001)).toEqual({
      waitSeconds: 1,
      pass: 0,
    });
    expect(store.counts).toBe(0);
    const found = await finishTableRebuild(store, Infinity, 65_000, () => 1_065_000);
    expect(found).toMatchObject({ usersLeft: 2, users: ['x', 'y'], pass: 1 });
    expect(store.counts).toBe(1);
    expect(
      await finishTableRebuild(store, Infinity, 65_000, () => 1_065_000, found as FinishRequest),
    ).toMatchObject({ counted: true, counts: { users: 2 } });
    expect(store.finished).toBe(true);
  });

  it('does nothing when called again after finishing', async () => {
    const store = new FakeRebuildStore([], 1);
    store.state = 'finished';
    store.usersLeft = ['x'];

    const outcome = await finishTableRebuild(store, Infinity, 0);

    expect(outcome).toEqual({ counted: false });
    expect(store.finished).toBe(false);
  });
});
