// Erasures among the first deliveries: an id may be erased before its events, its links, or the anonymous
// events of its anonymousIds arrive, so which anonymous events an erasure takes depends on the order (an
// erased anonymousId takes no later link, docs/operations.md). What holds whatever the order: erased ids
// answer 404; no stored session holds an event of an erased userId, or an anonymous event of an anonymousId
// erased with its user; an erased user's partition is its head only; users whose ids never meet an erased
// one (on a line) hold what one batch over every line computes; and every other user keeps every event of
// its own userId.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DynamoDbEraser } from '../../../functions/adapters/dynamodb/eraser.js';
import { decodeHead } from '../../../functions/adapters/dynamodb/head-codec.js';
import type { EventRecord } from '../../../functions/domain/events/event.js';
import { compileRules } from '../../../functions/domain/rules/session-rules.js';
import { toSessionView } from '../../../functions/domain/views/session-view.js';
import { integrationParams } from '../../helpers/integration-property.js';
import { useLocalDynamoDb } from '../../helpers/use-local-dynamodb.js';
import { decodedUserPath, gatewayEvent, send } from '../../unit/api/api-event.js';
import { batchWithEvents, viewsInStoreOrder } from './batch-with-events.js';
import { eraseMidMerge } from './erasure-deliveries.js';
import { eraseCrashingAt, headsOnly, keysOf, scanTable } from './erasure-harness.js';
import { erasedUsersOf, idsOf } from './erasure-model.js';
import { recordRules } from './rebuild-harness.js';
import { freshStore, lookupApiOn, type StoreUnderTest, storedSessions } from './store-harness.js';
import {
  deliverAll,
  everyoneOf,
  ingestFile,
  rulesArb,
  type Scenario,
  scenarioArb,
  storeWriter,
} from './store-vs-batch-harness.js';

const dynamo = useLocalDynamoDb();

const erasureArb = fc.record({
  /** Before which delivery of the scenario's order. */
  before: fc.nat(),
  id: fc.nat(),
  kind: fc.constantFrom('whole', 'cut-short', 'mid-merge'),
  write: fc.integer({ min: 0, max: 10 }),
});

/** The ids that share a line with an erased id, directly or through others: what an erasure may reach. */
function reachOf(scenario: Scenario, erased: ReadonlySet<string>): Set<string> {
  const reached = new Set(erased);
  for (let grew = true; grew; ) {
    grew = false;
    for (const line of scenario.lines) {
      const ids = Object.values(idsOf(line)).filter((id) => id !== undefined);
      if (ids.some((id) => reached.has(id)) && ids.some((id) => !reached.has(id))) {
        for (const id of ids) reached.add(id);
        grew = true;
      }
    }
  }
  return reached;
}

async function storedEvents(store: StoreUnderTest, user: string): Promise<EventRecord[]> {
  const events: EventRecord[] = [];
  for (const session of await storedSessions(store, [user]))
    events.push(...((await store.reader.getSession(user, session.sessionId))?.events ?? []));
  return events;
}

describe('erasures among the first deliveries', () => {
  it('leave nothing of the erased ids and every other user its own events', async () => {
    await fc.assert(
      fc.asyncProperty(
        rulesArb,
        scenarioArb(24),
        fc.array(erasureArb, { minLength: 1, maxLength: 3 }),
        async (rules, scenario, erasures) => {
          const store = await freshStore(dynamo.client, rules);
          await recordRules(store);
          const bucket = new Map<string, Uint8Array>();
          const everyone = everyoneOf(scenario).sort();
          const eraser = new DynamoDbEraser({ transport: store.transport });
          const erased = new Set<string>();
          for (const [position, file] of scenario.order.entries()) {
            let delivered = false;
            for (const erasure of erasures.filter((e) => e.before % scenario.order.length === position)) {
              const id = everyone[erasure.id % everyone.length] as string;
              erased.add(id);
              if (erasure.kind === 'cut-short')
                await eraseCrashingAt(store, dynamo.endpoint, id, erasure.write);
              else if (erasure.kind === 'whole' || delivered) await eraser.eraseUser(id);
              else {
                await eraseMidMerge(store, dynamo.endpoint, eraser, bucket, scenario, {
                  index: file,
                  id,
                  write: erasure.write,
                });
                delivered = true;
              }
            }
            if (!delivered) await ingestFile(store, storeWriter(store), bucket, scenario, file);
          }
          for (const id of erased) await eraser.eraseUser(id);
          await deliverAll(store, storeWriter(store), bucket, scenario);

          const handler = lookupApiOn(store);
          for (const id of erased)
            expect((await send(handler, gatewayEvent('GET', decodedUserPath(id)))).status, id).toBe(404);
          const items = await scanTable(dynamo.client, store);
          const erasedWith = new Set(
            items
              .filter((item) => item.sk?.S === 'H' && decodeHead(item).anonymousErased)
              .map((item) => (item.pk?.S ?? '').slice(2)),
          );
          const erasedUsers = erasedUsersOf(scenario, erased);
          expect(keysOf(items, erasedUsers)).toEqual(headsOnly(erasedUsers));

          const all = await batchWithEvents(scenario, compileRules(rules).source);
          const reach = reachOf(scenario, erased);
          const clean = everyone.filter((id) => !reach.has(id));
          expect((await storedSessions(store, clean)).map(toSessionView)).toEqual(
            viewsInStoreOrder(all.filter((session) => clean.includes(session.summary.userId))),
          );
          for (const id of everyone) {
            const events = await storedEvents(store, id);
            for (const event of events) {
              expect(event.userId === null || !erased.has(event.userId), `${id} holds ${event.id}`).toBe(
                true,
              );
              const anonymous = event.userId === null && event.anonymousId !== null;
              expect(
                anonymous && erasedWith.has(event.anonymousId as string),
                `${id} holds ${event.id}`,
              ).toBe(false);
            }
            if (erased.has(id)) continue;
            // Its userId's events that carry a messageId: their event id is known without the batch.
            const own = scenario.lines
              .map((line) => ({
                ...idsOf(line),
                messageId: (JSON.parse(line) as { messageId?: string }).messageId,
              }))
              .filter((line) => line.userId === id && line.messageId !== undefined)
              .map((line) => `m:${line.messageId}`);
            const kept = new Set(events.map((event) => event.id));
            expect(
              own.filter((eventId) => !kept.has(eventId)),
              id,
            ).toEqual([]);
          }
        },
      ),
      integrationParams(25),
    );
  }, 900_000);
});
