// Sessions that change on the API while the viewer shows them: a late event merges one into the session before it
// or moves its start (a new id), an erasure removes them all. What the loader reads later must not leave the old
// ones drawn beside what replaced them.
import { describe, expect, it } from 'vitest';
import { ApiError } from '../../../viewer/src/api-client.js';
import type { Session } from '../../../viewer/src/api-types.js';
import { PAGE_SIZE, SessionLoader } from '../../../viewer/src/session-loader.js';
import { fakeClient, HOUR, sessionAt, settled } from './list-client.js';

const HISTORY = Array.from({ length: 300 }, (_, i) => sessionAt(i));
const at = (history: readonly Session[], index: number) => history[index] as Session;
const ids = (sessions: readonly Session[]) => sessions.map((session) => session.sessionId);

/** Session `index` merged into the one before it by a late event between them: only the earlier id remains. */
function mergeIntoPrevious(history: Session[], index: number): void {
  const [merged] = history.splice(index, 1);
  const before = at(history, index - 1);
  history[index - 1] = { ...before, endedAt: (merged as Session).endedAt };
}

describe('SessionLoader, when the sessions change on the API', () => {
  it('drops a session whose id is gone, merged into the one before it, and reads that one again', async () => {
    const history = HISTORY.slice();
    const { client } = fakeClient(history);
    const loader = new SessionLoader(client, 'heavy', () => {});
    await loader.loadLatest();
    loader.want({ from: at(history, history.length - PAGE_SIZE).startedAt, to: Number.POSITIVE_INFINITY });
    await settled(loader);
    const gone = at(history, history.length - 10);
    mergeIntoPrevious(history, history.length - 10);
    // Its panel's request answered 404: the loader is told, and the stretch before it is read again.
    expect(loader.forget(gone.sessionId)).toBe(true);
    await settled(loader);
    expect(ids(loader.sessions)).toEqual(ids(history.slice(-loader.sessions.length)));
    expect(loader.sessions.find((s) => s.endedAt === gone.endedAt)?.sessionId).toBe(
      at(history, history.length - 10).sessionId,
    );
    expect(loader.removed).toBe(1);
  });

  it('drops a loaded session inside a session that a later page reads, merged into it', async () => {
    const history = HISTORY.slice();
    const { client } = fakeClient(history, { positions: true });
    const loader = new SessionLoader(client, 'heavy', () => {});
    await loader.loadLatest();
    // The oldest loaded session merged into the one before it, which the next page (older) holds.
    const oldestLoaded = history.length - PAGE_SIZE;
    const gone = at(history, oldestLoaded);
    expect(ids(loader.sessions)[0]).toBe(gone.sessionId);
    mergeIntoPrevious(history, oldestLoaded);
    loader.want({
      from: at(history, oldestLoaded - 20).startedAt,
      to: at(history, history.length - 1).startedAt,
    });
    await settled(loader);
    expect(ids(loader.sessions)).not.toContain(gone.sessionId);
    expect(loader.removed).toBe(1);
    const starts = loader.sessions.map((s) => s.startedAt);
    for (const [i, session] of loader.sessions.entries()) {
      if (i > 0) expect(session.startedAt).toBeGreaterThan((loader.sessions[i - 1] as Session).endedAt);
    }
    expect(starts).toEqual([...starts].sort((a, b) => a - b));
  });

  it('drops a loaded session whose start a late event moved, once a page of its time is read again', async () => {
    const history = HISTORY.slice(0, 20);
    const { client } = fakeClient(history);
    const loader = new SessionLoader(client, 'heavy', () => {});
    await loader.loadLatest();
    const old = at(history, 10);
    const moved = { ...old, sessionId: 'moved', startedAt: old.startedAt - HOUR };
    history[10] = moved;
    expect(loader.forget(old.sessionId)).toBe(true);
    loader.want({ from: at(history, 0).startedAt, to: at(history, 19).startedAt });
    await settled(loader);
    expect(ids(loader.sessions)).toEqual(ids(history));
    expect(loader.forget('never-loaded')).toBe(false);
  });

  it('keeps every session and counts none removed while nothing changes', async () => {
    const { client } = fakeClient(HISTORY);
    const loader = new SessionLoader(client, 'heavy', () => {});
    await loader.loadLatest();
    loader.want({ from: Number.NEGATIVE_INFINITY, to: Number.POSITIVE_INFINITY });
    await settled(loader);
    expect(ids(loader.sessions)).toEqual(ids(HISTORY));
    expect(loader.removed).toBe(0);
  });

  it('drops every session once the API no longer knows the user (erased)', async () => {
    const { client } = fakeClient(HISTORY);
    const loader = new SessionLoader(client, 'heavy', () => {});
    await loader.loadLatest();
    client.listSessions = async () => {
      throw new ApiError(404, 'not_found', 'User not found');
    };
    loader.want({ from: at(HISTORY, 0).startedAt, to: at(HISTORY, 299).startedAt });
    await settled(loader);
    expect(loader.sessions).toEqual([]);
    expect(loader.removed).toBe(PAGE_SIZE);
    expect(loader.error).toMatchObject({ status: 404 });
  });
});
