// A walk of a user's sessions across a rebuild under new rules: the pages after it would show the user's
// sessions cut another way, overlapping those already shown, so its cursor is refused and the walk starts over.
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { type CursorBinding, CursorCodec } from '../../../functions/api/cursor.js';
import { compileRules, DEFAULT_SESSION_RULES } from '../../../functions/domain/rules/session-rules.js';
import { record } from '../../helpers/event-arbitraries.js';
import { storedUser } from '../../helpers/stored-items.js';
import { errorOf, TEST_SIGNING_KEY } from './api-event.js';
import { get, MINUTE, T0, useMockedTable } from './handler-harness.js';

const mocked = useMockedTable();

/** Three visits 40 minutes apart: three sessions at a 30-minute gap, one at 60. */
const visits = [0, 40, 80].map((minutes, index) =>
  record({ id: `m:v${index}`, userId: 'rebuilt', timestamp: T0 + minutes * MINUTE, name: `Visit ${index}` }),
);
const GAP_30 = compileRules({ ...DEFAULT_SESSION_RULES, gapMinutes: 30 });
const GAP_60 = compileRules({ ...DEFAULT_SESSION_RULES, gapMinutes: 60 });
/** The same rules as GAP_30 in another form: an ingest running them rewrites the head's fingerprint. */
const GAP_30_IOS_30 = compileRules({
  ...DEFAULT_SESSION_RULES,
  gapMinutes: 30,
  gapMinutesByPlatform: { ios: 30 },
});

function store(rules: typeof GAP_30, version: number): void {
  const stored = storedUser('rebuilt', visits, { rules, version });
  mocked.table.put(stored.head, ...stored.items);
}

const page = (query: string) => get('/users/rebuilt/sessions', query);
const cursorOf = (body: unknown) => (body as { nextCursor: string | null }).nextCursor;

describe('a list cursor across a rebuild', () => {
  it('is refused once the user’s sessions were cut under other rules, naming cursor', async () => {
    store(GAP_30, 1);
    const first = await page('limit=1');
    expect((first.body as { sessions: unknown[] }).sessions).toHaveLength(1);
    const cursor = cursorOf(first.body) as string;

    const rebuilt = storedUser('rebuilt', visits, { rules: GAP_60, version: 2 });
    mocked.table.delete(...storedUser('rebuilt', visits, { rules: GAP_30, version: 1 }).items);
    mocked.table.put(rebuilt.head, ...rebuilt.items);
    const next = await page(`limit=1&cursor=${encodeURIComponent(cursor)}`);

    expect(next.status, JSON.stringify(next.body)).toBe(400);
    expect(errorOf(next)).toMatchObject({ parameter: 'cursor' });
    expect(errorOf(next).message).toContain('cut again under new rules');
    // Started again, the walk shows the one session the new rules cut.
    expect((await page('limit=1')).body).toMatchObject({ sessions: [{ eventCount: 3 }], nextCursor: null });
  });

  it('goes on while sessions are added under the same rules', async () => {
    store(GAP_30, 1);
    const cursor = cursorOf((await page('limit=1')).body) as string;
    const more = storedUser(
      'rebuilt',
      [...visits, record({ id: 'm:late', userId: 'rebuilt', timestamp: T0 + 200 * MINUTE })],
      {
        rules: GAP_30,
        version: 2,
      },
    );
    mocked.table.put(more.head, ...more.items);

    const next = await page(`limit=1&cursor=${encodeURIComponent(cursor)}`);

    expect(next.status, JSON.stringify(next.body)).toBe(200);
    expect((next.body as { sessions: { startedAt: string }[] }).sessions[0]?.startedAt).toBe(
      new Date(T0 + 40 * MINUTE).toISOString(),
    );
  });

  it('goes on after a merge by an ingest running the same rules in another form', async () => {
    store(GAP_30, 1);
    const cursor = cursorOf((await page('limit=1')).body) as string;
    const merged = storedUser('rebuilt', visits, { rules: GAP_30_IOS_30, version: 2 });
    mocked.table.put(merged.head, ...merged.items);

    const next = await page(`limit=1&cursor=${encodeURIComponent(cursor)}`);

    expect(next.status, JSON.stringify(next.body)).toBe(200);
    expect((next.body as { sessions: { startedAt: string }[] }).sessions[0]?.startedAt).toBe(
      new Date(T0 + 40 * MINUTE).toISOString(),
    );
  });

  it('goes on from a cursor issued before rules were compared by what they cut', async () => {
    // Such a cursor's mark is the digest of the head's fingerprint as written, here with a platform gap equal
    // to the default, where the mark is now the digest of the rules' identity.
    store(GAP_30_IOS_30, 1);
    const codec = new CursorCodec(TEST_SIGNING_KEY);
    const binding: CursorBinding = { userId: 'rebuilt', order: 'desc' };
    const current = codec.position(cursorOf((await page('limit=1')).body) as string, binding);
    expect(current?.after).toBe(T0 + 80 * MINUTE);
    const oldMark = createHash('sha256').update(GAP_30_IOS_30.fingerprint).digest('base64url').slice(0, 16);
    expect(oldMark).not.toBe(current?.mark);
    const old = codec.encode(binding, T0 + 80 * MINUTE, oldMark);

    const next = await page(`limit=1&cursor=${encodeURIComponent(old)}`);

    expect(next.status, JSON.stringify(next.body)).toBe(200);
    expect((next.body as { sessions: { startedAt: string }[] }).sessions[0]?.startedAt).toBe(
      new Date(T0 + 40 * MINUTE).toISOString(),
    );
  });
});
