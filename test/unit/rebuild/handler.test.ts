import { describe, expect, it } from 'vitest';
import {
  AlreadyAtRulesError,
  RebuildRefusedError,
} from '../../../functions/adapters/dynamodb/rebuild-record.js';
import { createRebuildHandler } from '../../../functions/rebuild/create-handler.js';
import { MAX_RECUT_PASSES, RECUT_LIST_BYTES } from '../../../functions/rebuild/rebuild-table.js';
import { openFinish, seal, sealedChars } from '../../../functions/rebuild/sealed-state.js';
import { deadlineOf } from '../../../functions/shared/deadline.js';
import { FAKE_SEAL_KEY, FakeRebuildStore } from './fake-rebuild-store.js';

function handlerFor(store: FakeRebuildStore, drainMs = 0) {
  const logged: { message: string; attributes: Record<string, unknown> }[] = [];
  const handler = createRebuildHandler({
    store,
    logger: { info: (message, attributes) => logged.push({ message, attributes }) },
    drainMs,
  });
  return { handler, logged };
}

const plentyOfTime = { getRemainingTimeInMillis: () => 300_000 };

describe('rebuild handler', () => {
  it('answers a segment request with its progress, as the state machine loops on it', async () => {
    const store = new FakeRebuildStore([['a', 'b'], ['c']], 10);
    const { handler, logged } = handlerFor(store);

    const answer = await handler(
      { action: 'segment', segment: 1, totalSegments: 2, cursor: null },
      plentyOfTime,
    );

    expect(answer).toEqual({ segment: 1, totalSegments: 2, cursor: null, done: true });
    expect(store.rebuilt).toEqual(['c']);
    expect(logged).toEqual([
      {
        message: 'segment rebuilt',
        attributes: expect.objectContaining({ segment: 1, users: 1, rebuilt: 1 }),
      },
    ]);
  });

  it("logs a segment that continues without its cursor, which holds the key of a user's head (its id)", async () => {
    const store = new FakeRebuildStore([['alice@example.com', 'bob@example.com']], 1);
    const { handler, logged } = handlerFor(store);

    const answer = await handler(
      { action: 'segment', segment: 0, totalSegments: 1, cursor: null },
      { getRemainingTimeInMillis: () => 0 },
    );

    expect(answer).toMatchObject({ segment: 0, totalSegments: 1, cursor: expect.any(String), done: false });
    expect(logged).toEqual([
      {
        message: 'segment continues',
        attributes: expect.objectContaining({ segment: 0, totalSegments: 1, done: false }),
      },
    ]);
    expect(logged[0]?.attributes).not.toHaveProperty('cursor');
  });

  it("reads the rebuild's state once a segment or finish call: the read that finds the key serves the call", async () => {
    const store = new FakeRebuildStore([['a', 'b']], 1);
    const { handler } = handlerFor(store);

    await handler({ action: 'segment', segment: 0, totalSegments: 1, cursor: null }, plentyOfTime);
    expect(store.rebuilt).toEqual(['a', 'b']);
    expect(store.stateReads).toBe(1);
    expect(await handler({ action: 'finish' }, plentyOfTime)).toEqual({ action: 'finish', counted: true });
    expect(store.stateReads).toBe(2);
  });

  it('begins and finishes', async () => {
    const store = new FakeRebuildStore([], 10);
    store.state = 'not begun';
    const { handler } = handlerFor(store);

    expect(await handler({ action: 'begin', totalSegments: 4 }, plentyOfTime)).toEqual({
      action: 'begin',
      totalSegments: 4,
      current: false,
    });
    expect(await handler({ action: 'finish' }, plentyOfTime)).toEqual({ action: 'finish', counted: true });
    expect(store.finished).toBe(true);
  });

  it('answers a finish before old-rules ingests can have stopped with how long to wait, for the Wait state', async () => {
    const store = new FakeRebuildStore([], 10);
    store.begunAt = Date.now();
    await store.begin();
    const { handler, logged } = handlerFor(store, 120_000);

    const answer = await handler({ action: 'finish' }, plentyOfTime);

    expect(answer).toEqual({
      action: 'finish',
      waitSeconds: expect.any(Number),
      next: { action: 'finish', pass: 0 },
    });
    expect((answer as { waitSeconds: number }).waitSeconds).toBeGreaterThan(110);
    expect((answer as { waitSeconds: number }).waitSeconds).toBeLessThanOrEqual(120);
    expect(store.counts).toBe(0);
    expect(store.finished).toBe(false);
    expect(logged.map((entry) => entry.message)).toEqual(['rebuild waits for old ingests']);
  });

  it('answers the users left with the request to send next, which cuts them again and finishes', async () => {
    const store = new FakeRebuildStore([], 10);
    store.usersLeft = ['x', 'y'];
    const { handler, logged } = handlerFor(store);

    const answer = await handler({ action: 'finish' }, plentyOfTime);

    expect(answer).toEqual({
      action: 'finish',
      usersLeft: 2,
      recut: 0,
      pass: 1,
      next: { action: 'finish', pass: 1, users: expect.any(String) },
    });
    // Sealed: the execution history keeps it past any erasure.
    expect(JSON.stringify(answer)).not.toMatch(/"x"|"y"/);
    const { next } = answer as { next: { users: string } };
    expect(openFinish(FAKE_SEAL_KEY, next)).toEqual({ pass: 1, users: ['x', 'y'] });
    expect(store.rebuilt).toEqual([]);
    expect(logged).toEqual([
      {
        message: 'rebuild found users left',
        attributes: expect.objectContaining({ usersLeft: 2, toCut: 2, pass: 1, users: 0 }),
      },
    ]);
    expect(await handler((answer as { next: unknown }).next, plentyOfTime)).toEqual({
      action: 'finish',
      counted: true,
    });
    expect(store.rebuilt).toEqual(['x', 'y']);
    expect(store.finished).toBe(true);
  });

  it("seals the users left and the count's positions, and opens them again only under the same key", async () => {
    const store = new FakeRebuildStore([], 10);
    store.usersLeft = ['alice@example.com', 'bob@example.com'];
    store.countCalls = 2;
    const { handler } = handlerFor(store);

    const counting = await handler({ action: 'finish' }, { getRemainingTimeInMillis: () => 0 });
    expect(counting).toMatchObject({ counting: true, next: { count: { users: expect.any(String) } } });
    expect(JSON.stringify(counting)).not.toMatch(/alice|bob/);
    // The count's position: the fake's is a number, a table's the key of a user's head.
    expect(JSON.stringify(counting)).not.toContain('"cursor":"1"');
    const { next } = counting as { next: { action: 'finish' } };

    // A retried call is sent the same sealed request and opens it with the same key.
    const found = await handler(next, plentyOfTime);
    expect(await handler(next, plentyOfTime)).toMatchObject({ usersLeft: 2, pass: 1 });
    expect(found).toMatchObject({ usersLeft: 2, pass: 1, next: { users: expect.any(String) } });
    expect(JSON.stringify(found)).not.toMatch(/alice|bob/);

    // Another rebuild's key (or none: finished) opens nothing, and says so without what it holds.
    const foreign = FAKE_SEAL_KEY.map((byte, index) => (index === 0 ? byte ^ 1 : byte));
    store.state = { sourceStitches: false, begunAt: 0, sealKey: foreign };
    await expect(handler((found as { next: unknown }).next, plentyOfTime)).rejects.toThrow(
      /^the list of users does not open with this rebuild's key.*start the rebuild again$/,
    );
    expect(store.rebuilt).toEqual([]);
  });

  it('hands on the longest list of users sealed well within a state of Step Functions (256 KB)', async () => {
    const store = new FakeRebuildStore([], 10);
    store.usersLeft = Array.from({ length: 3 }, (_, index) => `${index}`.padEnd(21_000, 'é'));
    const { handler } = handlerFor(store);

    const answer = await handler({ action: 'finish' }, plentyOfTime);

    const { users } = (answer as { next: { users: string } }).next;
    expect(openFinish(FAKE_SEAL_KEY, { users }).users).toHaveLength(1);
    expect(users.length).toBeLessThanOrEqual(sealedChars(RECUT_LIST_BYTES));
    expect(sealedChars(RECUT_LIST_BYTES)).toBeLessThan(90_000);
  });

  it('refuses a sealed value altered, or sealed for another purpose', async () => {
    const store = new FakeRebuildStore([['a', 'b', 'c']], 1);
    const { handler } = handlerFor(store);
    const first = (await handler(
      { action: 'segment', segment: 0, totalSegments: 1, cursor: null },
      { getRemainingTimeInMillis: () => 0 },
    )) as { cursor: string };
    const flipped = `${first.cursor.slice(0, 20)}${first.cursor[20] === 'A' ? 'B' : 'A'}${first.cursor.slice(21)}`;

    for (const cursor of [
      flipped,
      seal(FAKE_SEAL_KEY, 'users', '1'),
      JSON.stringify({ pk: 'U#a', sk: 'H' }),
    ]) {
      await expect(
        handler({ action: 'segment', segment: 0, totalSegments: 1, cursor }, plentyOfTime),
      ).rejects.toThrow(
        /^the cursor does not open with this rebuild's key.*or null to start the segment over/,
      );
    }
    // Another segment's cursor neither.
    await expect(
      handler({ action: 'segment', segment: 0, totalSegments: 2, cursor: first.cursor }, plentyOfTime),
    ).rejects.toThrow(/the cursor does not open/);
    expect(
      await handler({ action: 'segment', segment: 0, totalSegments: 1, cursor: first.cursor }, plentyOfTime),
    ).toEqual({ segment: 0, totalSegments: 1, cursor: null, done: true });
    expect(store.rebuilt).toEqual(['a', 'b', 'c']);
  });

  it('keeps the pass it was given in a wait, so a wait cannot start the passes over', async () => {
    const store = new FakeRebuildStore([], 10);
    store.begunAt = Date.now();
    await store.begin();
    const { handler } = handlerFor(store, 120_000);

    expect(await handler({ action: 'finish', pass: 2 }, plentyOfTime)).toMatchObject({
      next: { action: 'finish', pass: 2 },
    });
  });

  it(`fails the execution when users are still left after ${MAX_RECUT_PASSES} passes`, async () => {
    const store = new FakeRebuildStore([], 10);
    store.usersLeft = ['x'];
    store.stuck = true;
    const { handler } = handlerFor(store);

    await expect(handler({ action: 'finish', pass: MAX_RECUT_PASSES }, plentyOfTime)).rejects.toThrow(
      /1 user is still cut under the old rules after .* 3 times.*start the rebuild again/,
    );
    expect(store.rebuilt).toEqual([]);
    expect(store.finished).toBe(false);
  });

  it('answers that the table is already at the rules, as `npm run rebuild` does, rather than fail the execution', async () => {
    const store = new FakeRebuildStore([], 10);
    store.begin = async () => {
      throw new AlreadyAtRulesError(
        "the table's sessions are already cut under these rules: nothing to rebuild",
      );
    };
    const { handler, logged } = handlerFor(store);

    expect(await handler({ action: 'begin', totalSegments: 4 }, plentyOfTime)).toEqual({
      action: 'begin',
      totalSegments: 4,
      current: true,
    });
    expect(logged).toEqual([
      { message: 'nothing to rebuild', attributes: { reason: expect.stringContaining('already cut') } },
    ]);
  });

  it('still fails a begin the table refuses for another reason', async () => {
    const store = new FakeRebuildStore([], 10);
    store.begin = async () => {
      throw new RebuildRefusedError('a rebuild to other rules (gap 20 min, stitching off) is in progress');
    };
    const { handler } = handlerFor(store);

    await expect(handler({ action: 'begin', totalSegments: 4 }, plentyOfTime)).rejects.toThrow(
      /a rebuild to other rules .* is in progress/,
    );
  });

  it.each([
    [{ action: 'rebuild' }, /not a rebuild request: action/],
    [
      { action: 'segment', segment: 2, totalSegments: 2, cursor: null },
      /segment: segment must be below totalSegments/,
    ],
    [{ action: 'segment', segment: 0, totalSegments: 2 }, /cursor/],
    [{ action: 'segment', segment: 0, totalSegments: 2, cursor: '' }, /cursor/],
    [{ action: 'begin', totalSegments: 0 }, /totalSegments/],
    [{ action: 'finish', pass: -1 }, /pass/],
    [{ action: 'finish', pass: 1.5 }, /pass/],
    [{ action: 'finish', pass: 1, users: ['x'] }, /users/],
    [{ action: 'finish', pass: 1, users: '' }, /users/],
    [{ action: 'finish', pass: 1, users: 'x' }, /the list of users does not open with this rebuild's key/],
    ['segment', /not a rebuild request/],
  ])('refuses %j, naming what is wrong', async (request, message) => {
    const store = new FakeRebuildStore([['a']], 10);
    const { handler } = handlerFor(store);

    await expect(handler(request, plentyOfTime)).rejects.toThrow(message);
    expect(store.rebuilt).toEqual([]);
  });
});

describe('deadlineOf', () => {
  it('keeps a fifth of the time left in reserve', () => {
    expect(deadlineOf({ getRemainingTimeInMillis: () => 300_000 }, 1_000)).toBe(1_000 + 240_000);
  });

  it('keeps at least five seconds in reserve', () => {
    expect(deadlineOf({ getRemainingTimeInMillis: () => 10_000 }, 0)).toBe(5_000);
  });
});
