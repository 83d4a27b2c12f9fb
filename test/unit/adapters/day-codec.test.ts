import { describe, expect, it } from 'vitest';
import {
  chunkKeysOf,
  DEFAULT_PAGE_LIMIT_BYTES,
  decodeDayPage,
  decodePageSessions,
  encodeDay,
  INLINE_EVENTS_BYTES,
} from '../../../functions/adapters/dynamodb/day-codec.js';
import type { Session } from '../../../functions/domain/sessions/session.js';
import { sessionIdFor } from '../../../functions/domain/sessions/session.js';
import { record } from '../../helpers/event-arbitraries.js';

const T0 = Date.UTC(2024, 2, 5, 8, 0, 0);
const MINUTE = 60_000;

/** `count` sessions of `perSession` events a minute apart, two hours between sessions. */
function sessions(count: number, perSession: number): Session[] {
  return Array.from({ length: count }, (_, s) => {
    const start = T0 + s * 120 * MINUTE;
    const events = Array.from({ length: perSession }, (_, e) =>
      record({
        id: `m:${s}-${e}`,
        userId: 'u',
        timestamp: start + e * MINUTE,
        name: `Step ${e} of a longer path`,
      }),
    );
    return {
      userId: 'u',
      sessionId: sessionIdFor(start),
      startedAt: start,
      endedAt: start + (perSession - 1) * MINUTE,
      events,
      continuesChain: false,
    };
  });
}

function roundTrip(day: Session[], limit = DEFAULT_PAGE_LIMIT_BYTES) {
  const encoded = encodeDay(
    { user: 'u', day: '2024-03-05', version: 1, txn: 'txn', token: '000001txn', before: 0, sessions: day },
    limit,
  );
  const chunkBySk = new Map(encoded.chunks.map((chunk) => [chunk.sk?.S, chunk.d?.B as Uint8Array]));
  const decoded = encoded.pages.flatMap((item) => {
    const page = decodeDayPage(item);
    return decodePageSessions(
      'u',
      page,
      chunkKeysOf(page).map((sk) => chunkBySk.get(sk) as Uint8Array),
    );
  });
  return { encoded, decoded };
}

describe('day pages', () => {
  it('keep a small day’s events inline: one item, one write unit', () => {
    const day = sessions(1, 2);
    const { encoded, decoded } = roundTrip(day);
    expect(encoded.chunks).toEqual([]);
    expect(encoded.pages).toHaveLength(1);
    expect((encoded.pages[0]?.e?.B ?? new Uint8Array(INLINE_EVENTS_BYTES + 1)).length).toBeLessThanOrEqual(
      INLINE_EVENTS_BYTES,
    );
    expect(decoded).toEqual(day);
  });

  it('move a busy day’s events to chunks, so that a page holds only session rows', () => {
    const day = sessions(12, 15);
    const { encoded, decoded } = roundTrip(day);
    expect(encoded.pages).toHaveLength(1);
    expect(encoded.pages[0]?.e).toBeUndefined();
    expect(encoded.chunks.length).toBeGreaterThan(0);
    expect(decoded).toEqual(day);
  });

  it('split a day over the page limit and chunk each page’s events at the limit', () => {
    const day = sessions(12, 40);
    const limit = 600;
    const { encoded, decoded } = roundTrip(day, limit);
    expect(encoded.pages.length).toBeGreaterThan(1);
    for (const chunk of encoded.chunks) expect(chunk.d?.B?.length).toBeLessThanOrEqual(limit);
    expect(decoded).toEqual(day);
  });
});
