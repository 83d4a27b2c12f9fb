// The API's pages as Lambda returns them: the result is JSON with the body inside it as a JSON string, so
// each `"` and `\` of the body is escaped once more, and that serialized result must fit Lambda's 6 MB.
import { describe, expect, it } from 'vitest';
import { countFitting, resultBytesOf } from '../../../functions/api/result-bytes.js';
import { MAX_DISPLAY_LENGTH } from '../../../functions/domain/events/display-text.js';
import { record } from '../../helpers/event-arbitraries.js';
import { FakeSessionReader } from '../../helpers/fake-session-reader.js';
import { call, query, userPath } from './api-event.js';
import { makeHandler, T0 } from './lookup-fixture.js';

/** Below Lambda's limit for a synchronous response (6 MB), with room to spare. */
const LAMBDA_RESULT_BYTES = 6_000_000 - 100_000;
const SESSION_ID = '20240101T090000000Z';

describe("a session's pages in Lambda's 6 MB", () => {
  it('keeps a page of the longest texts of quotes and backslashes within it, and walks every event once', async () => {
    for (const character of ['"', '\\']) {
      const long = character.repeat(MAX_DISPLAY_LENGTH);
      const page = { url: long, path: long, title: long, referrer: long };
      const events = Array.from({ length: 1_000 }, (_, index) =>
        record({ id: `m:${index}`, userId: 'q', timestamp: T0 + index, type: 'page', name: long, page }),
      );
      const { handler } = makeHandler({ reader: FakeSessionReader.fromEvents(events) });
      const seen: string[] = [];
      let cursor: string | undefined;
      do {
        const result = await call(handler, 'GET', userPath('q', 'sessions', SESSION_ID), {
          query: query({ cursor }),
        });
        expect(result.status).toBe(200);
        expect(Buffer.byteLength(JSON.stringify(result.raw))).toBeLessThanOrEqual(LAMBDA_RESULT_BYTES);
        const body = result.body as { events: { id: string }[]; nextCursor: string | null };
        seen.push(...body.events.map((event) => event.id));
        cursor = body.nextCursor ?? undefined;
      } while (cursor !== undefined);
      expect(seen).toEqual(events.map((event) => event.id));
    }
  });

  it('answers a page of one event whose messageId alone passes it, its id and messageId cut as shown text is', async () => {
    // A messageId has no length limit (rule 1) and a page always takes one event: a 3 MB one, twice in a view.
    const messageId = `${'"'.repeat(1_500_000)}-1`;
    const events = [
      record({ id: `m:${messageId}`, userId: 'q', timestamp: T0, name: 'first' }),
      record({ id: 'm:2', userId: 'q', timestamp: T0 + 1, name: 'second' }),
    ];
    const { handler } = makeHandler({ reader: FakeSessionReader.fromEvents(events) });
    const result = await call(handler, 'GET', userPath('q', 'sessions', SESSION_ID));
    expect(Buffer.byteLength(JSON.stringify(result.raw))).toBeLessThanOrEqual(LAMBDA_RESULT_BYTES);
    const body = result.body as { events: { id: string; messageId: string; name: string }[] };
    expect(body.events.map((event) => event.name)).toEqual(['first', 'second']);
    expect(body.events[0]?.id).toBe(`m:${'"'.repeat(MAX_DISPLAY_LENGTH - 2)}`);
    expect(body.events[0]?.messageId).toBe('"'.repeat(MAX_DISPLAY_LENGTH));
  });
});

describe("a page of sessions in Lambda's 6 MB", () => {
  it('holds fewer than limit sessions of the longest texts of control characters, and walks every session once', async () => {
    // A control character is 6 bytes of the body (\u0001) and 7 as Lambda returns it: 50 such sessions pass 8 MB.
    const long = '\u0001'.repeat(MAX_DISPLAY_LENGTH);
    const page = { url: long, path: long, title: long, referrer: long };
    const campaign = { source: long, medium: long, name: long, term: long, content: long };
    const device = { type: long, os: long, browser: long };
    const events = Array.from({ length: 50 }, (_, index) =>
      record({
        id: `m:${index}`,
        userId: 'q',
        anonymousId: `${index}${'\u0001'.repeat(500)}`,
        timestamp: T0 + index * 3_600_000,
        type: 'page',
        name: long,
        page,
        campaign,
        device,
      }),
    );
    const { handler } = makeHandler({ reader: FakeSessionReader.fromEvents(events) });
    for (const order of ['asc', 'desc'] as const) {
      const numbers: number[] = [];
      let cursor: string | undefined;
      do {
        const result = await call(handler, 'GET', userPath('q', 'sessions'), {
          query: query({ order, limit: 50, cursor }),
        });
        expect(result.status).toBe(200);
        expect(Buffer.byteLength(JSON.stringify(result.raw))).toBeLessThanOrEqual(LAMBDA_RESULT_BYTES);
        const body = result.body as { sessions: { sessionNumber: number }[]; nextCursor: string | null };
        numbers.push(...body.sessions.map((session) => session.sessionNumber));
        cursor = body.nextCursor ?? undefined;
      } while (cursor !== undefined);
      const all = Array.from({ length: 50 }, (_, index) => index + 1);
      expect(numbers).toEqual(order === 'asc' ? all : all.reverse());
    }
  });
});

describe('countFitting', () => {
  it('takes the items whose bytes and separators reach the budget exactly, not one byte more', () => {
    const items = [{ a: 'x"y' }, { b: '\\' }, { c: 1 }];
    const [first, second] = items.map((item) => resultBytesOf(item) + 1) as [number, number];
    expect(countFitting(items, first + second)).toBe(2);
    expect(countFitting(items, first + second - 1)).toBe(1);
    // The first item is always taken, however small the budget.
    expect(countFitting(items, 0)).toBe(1);
  });
});
