// A stitching move that read the erased head after its mark, against DynamoDB Local: the eraser abandons it
// (its staged pages deleted, in the partner's partition too) while no head it commits on changed version, so
// only its intent, gone from the heads, keeps it from committing pages that are no longer there.
import { describe, expect, it } from 'vitest';
import { DynamoDbEraser } from '../../../functions/adapters/dynamodb/eraser.js';
import { Transport } from '../../../functions/adapters/dynamodb/transport.js';
import { messageIdOf } from '../../../functions/domain/events/event.js';
import { MINUTE } from '../../helpers/event-arbitraries.js';
import { useLocalDynamoDb } from '../../helpers/use-local-dynamodb.js';
import { hookedClient } from './crashing-client.js';
import { aliceOnDevice, headOf, ingestFile, ndjson, stitchingStore, T0 } from './erasure-harness.js';
import { pausePoint } from './pause-point.js';
import { storedEventsOf, storedSessions, writerOn } from './store-harness.js';

const dynamo = useLocalDynamoDb();

const headOfUser = (input: Record<string, unknown>, user: string) =>
  (input.Key as { pk?: { S?: string } } | undefined)?.pk?.S === `U#${user}`;

describe('a stitching move the eraser abandoned', () => {
  it('does not commit after its staged pages were deleted (an earlier link moving an anonymousId out of the erased user)', async () => {
    const store = await stitchingStore(dynamo.client);
    await ingestFile(
      store,
      ndjson([...aliceOnDevice('anon-a', 'Browse'), { userId: 'yves', at: T0 - 60 * MINUTE, id: 'y-1' }]),
    );

    // yves's earlier login on anon-a moves its browse out of alice's partition into his. The move stops just
    // before its transaction, after registering its intents and writing its staged pages.
    const atCommit = pausePoint();
    let paused = false;
    const moving = hookedClient(dynamo.endpoint, async (command, _input, send) => {
      if (command === 'TransactWriteItemsCommand' && !paused) {
        paused = true;
        await atCommit.wait();
      }
      return send();
    });
    let ingest: Promise<unknown> | undefined;

    // The eraser marks alice; the move reads her marked head, so no version it reads changes after that. The
    // eraser reads her head again, finds the move's intent, and abandons it in yves's partition and hers.
    // Only then, before the eraser reaches anon-a, does the move send its transaction.
    let marked = false;
    let sent = false;
    const erasing = hookedClient(dynamo.endpoint, async (command, input, send) => {
      if (command === 'GetItemCommand' && marked && ingest === undefined && headOfUser(input, 'alice')) {
        ingest = ingestFile(
          { ...store, writer: writerOn(store, moving) },
          ndjson([{ userId: 'yves', anonymousId: 'anon-a', at: T0 - 30 * MINUTE, id: 'y-link' }]),
        );
        await atCommit.reached;
      }
      if (command === 'GetItemCommand' && ingest !== undefined && !sent && headOfUser(input, 'anon-a')) {
        sent = true;
        expect((await headOf(store, 'yves')).intents.size, 'the move abandoned in yves’s head').toBe(0);
        atCommit.release();
        await ingest;
      }
      const answer = await send();
      if (command === 'UpdateItemCommand' && headOfUser(input, 'alice')) marked = true;
      return answer;
    });
    try {
      const transport = new Transport({ client: erasing, tableName: store.tableName, baseDelayMs: 2 });
      await new DynamoDbEraser({ transport }).eraseUser('alice');
    } finally {
      erasing.destroy();
      moving.destroy();
    }
    expect(sent, 'the move reached its transaction after the eraser abandoned it').toBe(true);

    // anon-a's events are yves's (his link is the earlier one), and every one of them can be read.
    expect((await headOf(store, 'anon-a')).link?.userId).toBe('yves');
    const events = await storedEventsOf(store, 'yves');
    expect(events.map(messageIdOf).sort()).toEqual(['a-browse', 'y-1', 'y-link']);
    const sessions = await storedSessions(store, ['yves']);
    expect(sessions.reduce((sum, session) => sum + session.eventCount, 0)).toBe(events.length);
  });
});
