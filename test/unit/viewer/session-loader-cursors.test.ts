// APIs whose cursors lead nowhere (handed back again, round a cycle, or on through empty pages or pages of
// sessions already read): the loader must stop with an error the view can show, never ask for ever.
import { describe, expect, it } from 'vitest';
import type { ApiClient, SessionQuery } from '../../../viewer/src/api-client.js';
import type { Session } from '../../../viewer/src/api-types.js';
import { PAGE_SIZE, SessionLoader } from '../../../viewer/src/session-loader.js';
import { MAX_IDLE_PAGES, PagingError } from '../../../viewer/src/session-query.js';
import { fakeClient, sessionAt, settled } from './list-client.js';

const HISTORY = Array.from({ length: 3 * PAGE_SIZE }, (_, i) => sessionAt(i));
/** Far more pages than the loader may ask for: past it the test fails rather than hangs. */
const RUNAWAY = 1_000;

type Pager = (query: SessionQuery, call: number) => { sessions: Session[]; nextCursor: string | null };

function pagingClient(pager: Pager) {
  const queries: SessionQuery[] = [];
  const client: ApiClient = {
    ...fakeClient([]).client,
    listSessions: async (userId, query) => {
      queries.push(query);
      if (queries.length > RUNAWAY) throw new Error('runaway: the loader never stopped asking');
      return { userId, ...pager(query, queries.length) };
    },
  };
  return { client, queries };
}

const newest = HISTORY.slice(-PAGE_SIZE).reverse();

describe('SessionLoader with cursors that lead nowhere', () => {
  it('stops with an error when a page hands back the cursor it was asked with', async () => {
    const { client, queries } = pagingClient((query) => ({
      sessions: query.cursor === undefined ? newest : [],
      nextCursor: 'same',
    }));
    const loader = new SessionLoader(client, 'heavy', () => {});
    await loader.loadLatest();
    loader.want({ from: (HISTORY[0] as Session).startedAt, to: (HISTORY[60] as Session).startedAt });
    await settled(loader);
    expect(loader.error).toBeInstanceOf(PagingError);
    expect(String(loader.error)).toContain('handed back a cursor it had handed out before');
    // Not taken for the end: what it never listed is still missing.
    expect(loader.complete).toBe(false);
    expect(queries.length).toBeLessThanOrEqual(3);
  });

  it('stops with an error when cursors go round a cycle of offsets, backwards', async () => {
    // Offsets 0 → 50 → 0 → 50 …: the cursor goes back to a page already read.
    const { client, queries } = pagingClient((query) => {
      const offset = query.cursor === undefined ? 0 : Number(query.cursor);
      const desc = [...HISTORY].reverse();
      return { sessions: desc.slice(offset, offset + PAGE_SIZE), nextCursor: offset === 0 ? '50' : '0' };
    });
    const loader = new SessionLoader(client, 'heavy', () => {});
    await loader.loadLatest();
    loader.want({ from: (HISTORY[0] as Session).startedAt, to: (HISTORY[60] as Session).startedAt });
    await settled(loader);
    expect(loader.error).toBeInstanceOf(PagingError);
    expect(loader.loading).toBe(false);
    expect(queries.length).toBeLessThanOrEqual(4);
  });

  it('stops after a bounded number of empty pages with ever new cursors, for the newest page', async () => {
    const { client, queries } = pagingClient((_query, call) => ({ sessions: [], nextCursor: `c${call}` }));
    const loader = new SessionLoader(client, 'heavy', () => {});
    await expect(loader.loadLatest()).rejects.toBeInstanceOf(PagingError);
    expect(queries).toHaveLength(MAX_IDLE_PAGES);
    expect(loader.loading).toBe(false);
  });

  it('stops after a bounded number of pages that bring only sessions already read, for a far range', async () => {
    // Every page, whatever its cursor, is the newest again, with a cursor never seen before.
    const { client, queries } = pagingClient((_query, call) => ({
      sessions: newest,
      nextCursor: `c${call}`,
    }));
    const loader = new SessionLoader(client, 'heavy', () => {});
    await loader.loadLatest();
    loader.want({ from: (HISTORY[0] as Session).startedAt, to: (HISTORY[10] as Session).startedAt });
    await settled(loader);
    expect(loader.error).toBeInstanceOf(PagingError);
    expect(String(loader.error)).toContain(`${MAX_IDLE_PAGES} pages in a row`);
    expect(queries).toHaveLength(1 + MAX_IDLE_PAGES);
    // A retry asks afresh, and stops as soon again.
    loader.retry();
    await settled(loader);
    expect(loader.error).toBeInstanceOf(PagingError);
    expect(queries).toHaveLength(1 + 2 * MAX_IDLE_PAGES);
  });

  it('still follows a few empty pages with new cursors to the sessions after them', async () => {
    const { client } = pagingClient((query) => {
      const offset = query.cursor === undefined ? 0 : Number(query.cursor);
      // Pages 0–4 are empty (a read budget spent on nothing to show), then the history, newest first.
      if (offset < 5) return { sessions: [], nextCursor: String(offset + 1) };
      return { sessions: newest, nextCursor: null };
    });
    const loader = new SessionLoader(client, 'heavy', () => {});
    await loader.loadLatest();
    expect(loader.error).toBeNull();
    expect(loader.sessions).toHaveLength(PAGE_SIZE);
  });
});
