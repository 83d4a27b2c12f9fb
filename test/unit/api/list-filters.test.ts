import { describe, expect, it } from 'vitest';
import type { SentValue } from '../../../functions/domain/events/event.js';
import { eventsForSessions, FakeSessionReader } from '../../helpers/fake-session-reader.js';
import { call, userPath } from './api-event.js';
import { walk } from './list-pages.js';
import { campaignHistory, campaignSourceOf, makeHandler, SESSION_SPACING_MS, T0 } from './lookup-fixture.js';

describe('GET /users/{userId}/sessions: filters', () => {
  // campaignHistory: session k bounces when k % 3 = 0; its campaign source is newsletter, ads, none, none.
  const COUNT = 40;
  const all = Array.from({ length: COUNT }, (_, k) => k);
  const setup = () => makeHandler({ reader: FakeSessionReader.fromEvents(campaignHistory('alice', COUNT)) });

  it.each([
    [{ bounce: true }, all.filter((k) => k % 3 === 0)],
    [{ bounce: false }, all.filter((k) => k % 3 !== 0)],
    [{ campaignSource: 'newsletter' }, all.filter((k) => campaignSourceOf(k) === 'newsletter')],
    [
      { campaignSource: 'ads', bounce: true },
      all.filter((k) => campaignSourceOf(k) === 'ads' && k % 3 === 0),
    ],
    [{ campaignSource: 'none-such' }, []],
  ])('keeps only the sessions matching %o, across pages, in both orders', async (filter, expected) => {
    const { handler } = setup();
    for (const order of ['asc', 'desc'] as const) {
      const pages = await walk(handler, 'alice', { ...filter, order, limit: 4 });
      const sessions = pages.flatMap((page) => page.sessions);
      const ks = order === 'asc' ? expected : [...expected].reverse();
      expect(sessions.map((session) => session.sessionNumber)).toEqual(ks.map((k) => k + 1));
      for (const session of sessions) {
        if ('bounce' in filter) expect(session.bounce).toBe(filter.bounce);
        if ('campaignSource' in filter) expect(session.campaign?.source).toBe(filter.campaignSource);
      }
    }
  });

  it('continues from resumeAfter when the store scanned further than it returned', async () => {
    const { handler, reader } = setup();
    reader.scanLimit = 3;
    const pages = await walk(handler, 'alice', { campaignSource: 'newsletter', order: 'asc', limit: 5 });
    // A page scans sessions 0-2 and finds only session 0: the next one resumes after session 2, not 0.
    expect(pages[0]?.sessions.map((session) => session.sessionNumber)).toEqual([1]);
    expect(pages[0]?.nextCursor).not.toBeNull();
    expect(reader.listQueries[1]?.after).toBe(T0 + 2 * SESSION_SPACING_MS);
    // Some pages find nothing and still say where to go on.
    expect(pages.some((page) => page.sessions.length === 0 && page.nextCursor !== null)).toBe(true);
    const expected = all.filter((k) => campaignSourceOf(k) === 'newsletter').map((k) => k + 1);
    expect(pages.flatMap((page) => page.sessions.map((session) => session.sessionNumber))).toEqual(expected);
  });

  it('is 200 with no sessions when a known user has none matching', async () => {
    const { handler } = setup();
    const result = await call(handler, 'GET', userPath('alice', 'sessions'), {
      query: 'campaignSource=tv',
    });
    expect(result.status).toBe(200);
    expect(result.body).toEqual({ userId: 'alice', sessions: [], nextCursor: null });
  });

  it('matches a campaign source sent as another JSON value by the text the session shows', async () => {
    // Rule 9 keeps members as sent: a source of 42 or true is shown as such, and a query is text.
    const sources: SentValue[] = [42, true, '42', { id: 7 }];
    const events = eventsForSessions('num', sources.length, T0).map((event) => {
      const k = Number(/-(\d+)-0$/.exec(event.id)?.[1] ?? Number.NaN);
      const source = sources[k];
      if (source === undefined) return event;
      return { ...event, campaign: { source, medium: null, name: null, term: null, content: null } };
    });
    const { handler } = makeHandler({ reader: FakeSessionReader.fromEvents(events) });
    const numbersOf = async (campaignSource: string) => {
      const pages = await walk(handler, 'num', { campaignSource, order: 'asc', limit: 4 });
      return pages.flatMap((page) => page.sessions.map((session) => session.sessionNumber));
    };
    expect(await numbersOf('42')).toEqual([1, 3]);
    expect(await numbersOf('true')).toEqual([2]);
    expect(await numbersOf('{"id":7}')).toEqual([4]);
    expect(await numbersOf('null')).toEqual([]);
  });

  it('asks the store with a predicate and passes no filter when none is given', async () => {
    const { handler, reader } = setup();
    await call(handler, 'GET', userPath('alice', 'sessions'), { query: 'bounce=false' });
    await call(handler, 'GET', userPath('alice', 'sessions'));
    expect(typeof reader.listQueries[0]?.matches).toBe('function');
    expect(reader.listQueries[1]?.matches).toBeUndefined();
  });
});
