import { describe, expect, it } from 'vitest';
import type { ApiHandler } from '../../../functions/api/app.js';
import { FakeSessionReader } from '../../helpers/fake-session-reader.js';
import { call, errorOf, query, userPath } from './api-event.js';
import { pageOf, sessionIds } from './list-pages.js';
import { campaignHistory, defaultEvents, makeHandler, ODD_USER } from './lookup-fixture.js';

describe('GET /users/{userId}/sessions: cursors', () => {
  async function firstCursor(handler: ApiHandler, rawQuery = 'limit=2'): Promise<string> {
    const result = await call(handler, 'GET', userPath('alice', 'sessions'), { query: rawQuery });
    const cursor = pageOf(result).nextCursor;
    if (cursor === null) throw new Error(`no next page for ${rawQuery}`);
    return cursor;
  }

  it('continues where the previous page ended', async () => {
    const { handler } = makeHandler();
    const cursor = await firstCursor(handler);
    const result = await call(handler, 'GET', userPath('alice', 'sessions'), {
      query: query({ limit: 2, cursor }),
    });
    expect(sessionIds(result)).toEqual(['20240101T120000000Z', '20240101T103000000Z']);
  });

  it.each([
    ['erased', 404, false],
    ['stitched to another user', 307, true],
  ])(
    'answers a cursor page of a user %s since the first page as the first page would: %i',
    async (_what, status, stitched) => {
      const { handler, reader } = makeHandler({ reader: FakeSessionReader.fromEvents(defaultEvents()) });
      const cursor = await firstCursor(handler);
      reader.remove('alice');
      if (stitched) reader.stitched.set('alice', ODD_USER);
      const result = await call(handler, 'GET', userPath('alice', 'sessions'), {
        query: query({ limit: 2, cursor }),
      });
      expect(result.status).toBe(status);
      if (stitched) expect(errorOf(result)).toMatchObject({ code: 'stitched', userId: ODD_USER });
    },
  );

  it('may change the page size between pages', async () => {
    const { handler } = makeHandler();
    const cursor = await firstCursor(handler);
    const result = await call(handler, 'GET', userPath('alice', 'sessions'), {
      query: query({ limit: 10, cursor }),
    });
    expect(sessionIds(result)).toHaveLength(3);
  });

  it('rejects every single-character modification', async () => {
    const { handler } = makeHandler();
    const cursor = await firstCursor(handler);
    for (let index = 0; index < cursor.length; index++) {
      const replacement = cursor[index] === 'A' ? 'B' : 'A';
      const modified = cursor.slice(0, index) + replacement + cursor.slice(index + 1);
      const result = await call(handler, 'GET', userPath('alice', 'sessions'), {
        query: query({ limit: 2, cursor: modified }),
      });
      expect(result.status, `modified at ${index}`).toBe(400);
      expect(errorOf(result).parameter).toBe('cursor');
    }
  });

  it.each([
    ['another user', ODD_USER, 'limit=2'],
    ['another order', 'alice', 'limit=2&order=asc'],
    ['a from', 'alice', 'limit=2&from=2024-01-01T00:00:00Z'],
    ['a to', 'alice', 'limit=2&to=2024-12-01T00:00:00Z'],
    ['a bounce filter', 'alice', 'limit=2&bounce=false'],
    ['a campaign filter', 'alice', 'limit=2&campaignSource=ads'],
  ])('refuses a cursor replayed for %s, without reading', async (_what, userId, rawQuery) => {
    const { handler, reader } = makeHandler({ reader: FakeSessionReader.fromEvents(defaultEvents()) });
    const cursor = await firstCursor(handler);
    const before = reader.listQueries.length;
    const result = await call(handler, 'GET', userPath(userId, 'sessions'), {
      query: `${rawQuery}&cursor=${encodeURIComponent(cursor)}`,
    });
    expect(result.status).toBe(400);
    expect(result.body).toEqual({
      error: {
        code: 'bad_request',
        message:
          'cursor is not a valid cursor for this user, order and filter: pass the nextCursor of the page before, asked with the same parameters, or leave cursor out to start from the first page (a replaced signing key also ends every cursor)',
        parameter: 'cursor',
      },
    });
    expect(reader.listQueries.length).toBe(before);
  });

  it('binds the filters: a cursor of a filtered walk is refused without them or with others', async () => {
    const { handler } = makeHandler({ reader: FakeSessionReader.fromEvents(campaignHistory('alice', 30)) });
    const cursor = await firstCursor(handler, 'limit=2&bounce=true&campaignSource=newsletter');
    const status = async (rawQuery: string) =>
      (
        await call(handler, 'GET', userPath('alice', 'sessions'), {
          query: `${rawQuery}&cursor=${encodeURIComponent(cursor)}`,
        })
      ).status;
    expect(await status('bounce=true&campaignSource=newsletter')).toBe(200);
    expect(await status('campaignSource=newsletter&bounce=true&limit=5')).toBe(200);
    expect(await status('')).toBe(400);
    expect(await status('bounce=true')).toBe(400);
    expect(await status('campaignSource=newsletter')).toBe(400);
    expect(await status('bounce=false&campaignSource=newsletter')).toBe(400);
    expect(await status('bounce=true&campaignSource=ads')).toBe(400);
  });

  it('refuses a cursor signed with another key', async () => {
    const { handler } = makeHandler();
    const cursor = await firstCursor(handler);
    const { handler: other } = makeHandler({ signingKey: `${'k'.repeat(32)}-other` });
    const result = await call(other, 'GET', userPath('alice', 'sessions'), {
      query: query({ limit: 2, cursor }),
    });
    expect(result.status).toBe(400);
    expect(errorOf(result).parameter).toBe('cursor');
  });
});
