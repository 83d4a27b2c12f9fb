// Ids that could meet in the table's keys (the separators `#` and `|`, NUL, a prefix of another id, case,
// normalisation, a lone surrogate and the U+FFFD UTF-8 would make of it, ids near the 512-byte limit, a
// number and its text, an id spelt like another's key or `~b64.` form) each keep to their own data through
// the lookup API and an erasure, with stitching on and anonymousIds equal to other users' ids.
import { describe, expect, it } from 'vitest';
import { DynamoDbEraser } from '../../../functions/adapters/dynamodb/eraser.js';
import type { ApiHandler } from '../../../functions/api/app.js';
import { MINUTE } from '../../helpers/event-arbitraries.js';
import { useLocalDynamoDb } from '../../helpers/use-local-dynamodb.js';
import { b64UserPath, getPath, messageIdsOf } from './api-pages.js';
import { ingestFile, ndjson, T0 } from './erasure-harness.js';
import { freshStore, lookupApiOn } from './store-harness.js';

const dynamo = useLocalDynamoDb();

const LONG = 'z'.repeat(511);
/** Each id a user of its own; a number in the export is `42` here, its text `"42"` the same user (rule 1). */
const IDS = [
  'a',
  'ab',
  'A',
  'a#',
  'a#H',
  'a|b',
  'a\u0000',
  'a\u0000b',
  'U#a',
  'a/sessions',
  '~b64.YQ',
  '\u00e9',
  'e\u0301',
  'x\ud800',
  'x\udc00',
  'x\ufffd',
  `${LONG}1`,
  `${LONG}2`,
  `${'\u00e9'.repeat(255)}ab`,
  `${'\u00e9'.repeat(255)}ac`,
  '42',
  '42.0',
  '1e+21',
];

interface Line {
  readonly userId?: string | number;
  readonly anonymousId?: string;
  readonly at: number;
  readonly id: string;
}

/**
 * Every user has three sessions at the same times (so the same session ids) and an anonymous device of its
 * own, named after the next user's id, whose browsing before the login is the user's (rule 8).
 */
function lines(): { lines: Line[]; owner: Map<string, string> } {
  const out: Line[] = [];
  const owner = new Map<string, string>();
  IDS.forEach((user, index) => {
    const device = IDS[(index + 1) % IDS.length] as string;
    const add = (line: Line) => {
      out.push(line);
      owner.set(line.id, user);
    };
    add({ anonymousId: device, at: T0 - 5 * MINUTE, id: `m-${index}-browse` });
    add({ userId: user === '42' ? 42 : user, anonymousId: device, at: T0, id: `m-${index}-login` });
    for (let session = 1; session < 3; session++) {
      for (let event = 0; event < 3; event++) {
        add({
          userId: user,
          at: T0 + session * 120 * MINUTE + event * MINUTE,
          id: `m-${index}-${session}-${event}`,
        });
      }
    }
  });
  return { lines: out, owner };
}

/** The events the API shows for `user` (a session, two events a page), or its status with no summary. */
async function everythingOf(api: ApiHandler, user: string) {
  const summary = await getPath(api, b64UserPath(user));
  if (summary.status !== 200) return { status: summary.status, ids: [] as string[] };
  return { status: 200, ids: await messageIdsOf(api, user, { sessionLimit: 1, eventLimit: 2 }) };
}

describe('ids that could meet in the keys', () => {
  it('each see only their own events, and erasing one leaves every other as it was', async () => {
    const store = await freshStore(dynamo.client, { identityStitching: true });
    const api = lookupApiOn(store);
    const { lines: all, owner } = lines();
    await ingestFile(store, ndjson(all));
    const expected = (user: string) =>
      [...owner]
        .filter(([, who]) => who === user)
        .map(([id]) => id)
        .sort();

    const before = new Map<string, string[]>();
    for (const user of IDS) {
      const seen = await everythingOf(api, user);
      expect(seen, JSON.stringify(user)).toEqual({ status: 200, ids: expected(user) });
      before.set(user, seen.ids);
    }

    // A cursor of one user is refused for another, even for the id that differs only after it.
    const first = await getPath(api, b64UserPath('a', 'sessions'), 'limit=1');
    const cursor = (first.body as { nextCursor: string }).nextCursor;
    expect(cursor).toEqual(expect.any(String));
    for (const other of ['ab', 'A', 'a#', 'a\u0000', '~b64.YQ']) {
      const replayed = await getPath(
        api,
        b64UserPath(other, 'sessions'),
        `limit=1&cursor=${encodeURIComponent(cursor)}`,
      );
      expect(replayed.status, JSON.stringify(other)).toBe(400);
    }

    // So is a session's cursor, though every user has a session of that id.
    const sessionId = (first.body as { sessions: { sessionId: string }[] }).sessions[0]?.sessionId as string;
    const events = await getPath(api, b64UserPath('a', 'sessions', sessionId), 'limit=1');
    const eventCursor = (events.body as { nextCursor: string }).nextCursor;
    expect(eventCursor).toEqual(expect.any(String));
    for (const other of ['ab', 'A', 'a#', 'a\u0000', '~b64.YQ']) {
      const replayed = await getPath(
        api,
        b64UserPath(other, 'sessions', sessionId),
        `limit=1&cursor=${encodeURIComponent(eventCursor)}`,
      );
      expect(replayed.status, JSON.stringify(other)).toBe(400);
    }

    for (const erased of ['a', 'x\ud800', `${LONG}1`, '42']) {
      await new DynamoDbEraser({ transport: store.transport }).eraseUser(erased);
      expect((await getPath(api, b64UserPath(erased))).status).toBe(404);
      before.delete(erased);
      for (const [user, ids] of before) {
        expect(
          await everythingOf(api, user),
          `${JSON.stringify(user)} after erasing ${JSON.stringify(erased)}`,
        ).toEqual({
          status: 200,
          ids,
        });
      }
    }
  }, 300_000);
});
