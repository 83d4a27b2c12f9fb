// One day of one session of 60 events whose names keep them out of the day's page: a day with chunks.
import { decodeDayPage, encodeDay } from '../../../functions/adapters/dynamodb/day-codec.js';
import type { DayGroup } from '../../../functions/adapters/dynamodb/day-groups.js';
import { sessionIdFor } from '../../../functions/domain/sessions/session.js';
import { record } from '../../helpers/event-arbitraries.js';

const T0 = Date.UTC(2024, 2, 5, 8, 0, 0);

/** `user`'s day as a read finds it (its page decoded), and how many chunks its events are in. */
export function dayWithChunks(user = 'u'): { group: DayGroup; chunks: number } {
  const events = Array.from({ length: 60 }, (_, k) =>
    record({
      id: `m:${((k + 1) * 2654435761) % 4294967296}`,
      userId: user,
      timestamp: T0 + k * 60_000,
      name: `/products/${((k + 7) * 40503 * 2654435761) % 4294967296}`,
    }),
  );
  const session = {
    userId: user,
    sessionId: sessionIdFor(T0),
    startedAt: T0,
    endedAt: T0 + 59 * 60_000,
    events,
    continuesChain: false,
  };
  const encoded = encodeDay({
    user,
    day: '2024-03-05',
    version: 1,
    txn: 'txn',
    token: '000001txn',
    before: 0,
    sessions: [session],
  });
  const page = decodeDayPage(encoded.pages[0] as NonNullable<(typeof encoded.pages)[0]>);
  return {
    group: { day: '2024-03-05', pages: [page] } as unknown as DayGroup,
    chunks: encoded.chunks.length,
  };
}
