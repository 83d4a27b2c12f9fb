// A session's timeline walked by cursor while a late copy of the event a page ended on moves it earlier (rule 3
// keeps the copy with the earliest timestamp): the events tied with it that no page showed yet must still show.
import { describe, expect, it } from 'vitest';
import { sessionIdFor } from '../../functions/domain/sessions/session.js';
import { record } from '../helpers/event-arbitraries.js';
import { useLocalDynamoDb } from '../helpers/use-local-dynamodb.js';
import { decodedUserPath, gatewayEvent, query, send } from '../unit/api/api-event.js';
import { freshStore, ingest, lookupApiOn } from './store/store-harness.js';

const USER = 'tied';
const T = Date.UTC(2024, 2, 3, 10, 0, 0);
const dynamo = useLocalDynamoDb();

describe('a timeline page after a late copy moved the event the last page ended on', () => {
  it('goes on with the events tied with it that no page showed', async () => {
    const store = await freshStore(dynamo.client);
    const at = (id: string, timestamp: number) => record({ id, userId: USER, timestamp });
    await ingest(store, [at('m:0', T - 5_000), at('m:a', T), at('m:b', T), at('m:c', T), at('m:d', T)]);
    const handler = lookupApiOn(store);
    const path = `${decodedUserPath(USER)}/sessions/${sessionIdFor(T - 5_000)}`;
    const first = await send(handler, gatewayEvent('GET', path, { query: query({ limit: 3 }) }));
    const firstBody = first.body as { events: { id: string }[]; nextCursor: string };
    expect(firstBody.events.map((event) => event.id)).toEqual(['m:0', 'm:a', 'm:b']);
    // A copy of m:b stamped a second earlier: the kept copy from now on.
    await ingest(store, [at('m:b', T - 1_000)]);
    const second = await send(
      handler,
      gatewayEvent('GET', path, { query: query({ limit: 3, cursor: firstBody.nextCursor }) }),
    );
    expect(second.status).toBe(200);
    expect((second.body as { events: { id: string }[] }).events.map((event) => event.id)).toEqual([
      'm:c',
      'm:d',
    ]);
  }, 60_000);
});
