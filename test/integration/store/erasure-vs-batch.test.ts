// Rule 6 across erasures and rule changes: every file delivered, some ids erased (users, anonymousIds stitched
// to a user, users others are stitched to), every file delivered again, a rebuild to other rules (cut short by
// a crash and started again in some runs), more erasures, every file again; the store and the lookup API then
// hold what one batch computes over the lines still present (erasure-model.ts) under the rules the table ends at.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DynamoDbEraser } from '../../../functions/adapters/dynamodb/eraser.js';
import {
  type CompiledRules,
  compileRules,
  sameRules,
} from '../../../functions/domain/rules/session-rules.js';
import { toSessionView } from '../../../functions/domain/views/session-view.js';
import { integrationParams } from '../../helpers/integration-property.js';
import { useLocalDynamoDb } from '../../helpers/use-local-dynamodb.js';
import { decodedUserPath, gatewayEvent, send } from '../../unit/api/api-event.js';
import { eventsAll, listAll } from './api-pages.js';
import { batchLinks, batchWithEvents, viewsInStoreOrder } from './batch-with-events.js';
import { eraseCrashingAt } from './erasure-harness.js';
import { ErasureModel } from './erasure-model.js';
import { rebuildReadingCopies, recordRules } from './rebuild-harness.js';
import { freshStore, lookupApiOn, storedSessions } from './store-harness.js';
import { deliverAll, everyoneOf, rulesArb, scenarioArb, storeWriter } from './store-vs-batch-harness.js';

const dynamo = useLocalDynamoDb();

describe('the store against the batch across erasures and rebuilds', () => {
  it('holds what one batch over the lines still present computes', async () => {
    await fc.assert(
      fc.asyncProperty(
        rulesArb,
        fc.option(rulesArb, { nil: undefined, freq: 4 }),
        scenarioArb(30),
        fc.array(fc.nat(), { maxLength: 2 }),
        fc.array(fc.nat(), { maxLength: 2 }),
        fc.option(fc.integer({ min: 0, max: 30 }), { nil: undefined, freq: 2 }),
        // Erasures cut short at a write (then run again after the files are delivered again); erasures while
        // the rebuild runs, instead of after it.
        fc.option(fc.integer({ min: 0, max: 8 }), { nil: undefined, freq: 2 }),
        fc.boolean(),
        async (first, second, scenario, before, after, crashAfter, erasureCrash, duringRebuild) => {
          const initial = compileRules(first);
          const rules = [initial];
          // Another form of the same rules is nothing to rebuild to (the table takes it as it is).
          if (second !== undefined && !sameRules(compileRules(second).fingerprint, initial.fingerprint))
            rules.push(compileRules(second));
          let store = await freshStore(dynamo.client, first);
          await recordRules(store);
          const bucket = new Map<string, Uint8Array>();
          const everyone = everyoneOf(scenario).sort();
          const model = new ErasureModel(scenario, await batchLinks(scenario));
          const eraser = new DynamoDbEraser({ transport: store.transport });
          // Then every file delivered again, but not while a rebuild runs: an ingest of the old rules is refused.
          const eraseSome = async (picks: readonly number[], under: CompiledRules, redeliver = true) => {
            const cutShort: string[] = [];
            for (const pick of picks) {
              const id = everyone[pick % everyone.length] as string;
              if (
                erasureCrash !== undefined &&
                (await eraseCrashingAt(store, dynamo.endpoint, id, erasureCrash))
              )
                cutShort.push(id);
              else await eraser.eraseUser(id);
              model.erase(id, under.source);
            }
            if (redeliver) await deliverAll(store, storeWriter(store), bucket, scenario);
            for (const id of cutShort) await eraser.eraseUser(id);
            model.settle(under.source);
          };

          await deliverAll(store, storeWriter(store), bucket, scenario);
          await eraseSome(before, store.rules);
          const target = rules[1];
          if (target !== undefined) {
            // Erased while the rebuild runs: the users not yet rebuilt are still cut under the old rules.
            const during = duringRebuild ? () => eraseSome(after, store.rules, false) : undefined;
            store = await rebuildReadingCopies(store, target, bucket, {
              endpoint: dynamo.endpoint,
              crashAfter,
              meanwhile: during,
            });
            await deliverAll(store, storeWriter(store), bucket, scenario);
            model.settle(store.rules.source);
            if (!duringRebuild) await eraseSome(after, store.rules);
          }

          const present = await batchWithEvents(model.present(), store.rules.source);
          const expected = viewsInStoreOrder(present);
          const stored = (await storedSessions(store, everyone)).map(toSessionView);
          expect(stored).toEqual(expected);
          // The API's summary, session list and each session's events (the timeline) over the same.
          const handler = lookupApiOn(store);
          for (const id of everyone) {
            const summary = await send(handler, gatewayEvent('GET', decodedUserPath(id)));
            const mine = present.filter((session) => session.summary.userId === id);
            if (model.isErased(id)) expect(summary.status, id).toBe(404);
            if (mine.length === 0) continue;
            expect(summary.body, id).toMatchObject({
              sessionCount: mine.length,
              eventCount: mine.reduce((sum, session) => sum + session.events.length, 0),
            });
            const views = mine.map((session) => toSessionView(session.summary));
            expect(await listAll(handler, id, 3, 'desc')).toEqual({ status: 200, sessions: views.reverse() });
            for (const { summary: session, events } of mine) {
              expect(await eventsAll(handler, id, session.sessionId, 4)).toEqual({
                status: 200,
                view: toSessionView(session),
                events: events.map((event) => ({
                  ...event,
                  timestamp: new Date(event.timestamp).toISOString(),
                })),
              });
            }
          }
        },
      ),
      integrationParams(40),
    );
  }, 900_000);
});
