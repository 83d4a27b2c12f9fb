// Erasures interleaved with the ingest: every file delivered once, then steps that each erase an id while a
// delivery of a file is paused mid-merge (at one of its writes), or after a delivery that crashed at one of
// its writes, or cut short at one of its own writes before a delivery; then each erasure run again (as
// docs/operations.md asks when the ingest was busy with the user) and every file delivered again. The store
// and the lookup API then hold what one batch over the lines still present computes (erasure-model.ts), and
// an erased user's partition holds its head only.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DynamoDbEraser } from '../../../functions/adapters/dynamodb/eraser.js';
import { compileRules } from '../../../functions/domain/rules/session-rules.js';
import { toSessionView } from '../../../functions/domain/views/session-view.js';
import { integrationParams } from '../../helpers/integration-property.js';
import { useLocalDynamoDb } from '../../helpers/use-local-dynamodb.js';
import { decodedUserPath, gatewayEvent, send } from '../../unit/api/api-event.js';
import { batchLinks, batchWithEvents, viewsInStoreOrder } from './batch-with-events.js';
import { Crash, crashingClient } from './crashing-client.js';
import { deliverThrough, eraseMidMerge } from './erasure-deliveries.js';
import { eraseCrashingAt, headsOnly, keysOf, scanTable } from './erasure-harness.js';
import { ErasureModel, erasedUsersOf } from './erasure-model.js';
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

const stepArb = fc.record({
  kind: fc.constantFrom('mid-merge', 'after-crash', 'erasure-cut-short'),
  id: fc.nat(),
  file: fc.nat(),
  write: fc.integer({ min: 0, max: 12 }),
});
type Step = typeof stepArb extends fc.Arbitrary<infer T> ? T : never;

/** Runs `step`: erases `id` beside one delivery of a file, as the step's kind says. */
async function runStep(
  store: StoreUnderTest,
  bucket: Map<string, Uint8Array>,
  scenario: Scenario,
  step: Step,
  id: string,
): Promise<void> {
  const eraser = new DynamoDbEraser({ transport: store.transport });
  const file = step.file % scenario.files.length;
  if (step.kind === 'mid-merge') {
    await eraseMidMerge(store, dynamo.endpoint, eraser, bucket, scenario, {
      index: file,
      id,
      write: step.write,
    });
  } else if (step.kind === 'after-crash') {
    const crashing = crashingClient(dynamo.endpoint, step.write);
    await deliverThrough(store, crashing, bucket, scenario, file)
      .catch((error: unknown) => {
        if (!(error instanceof Crash)) throw error;
      })
      .finally(() => crashing.destroy());
    await eraser.eraseUser(id);
  } else {
    await eraseCrashingAt(store, dynamo.endpoint, id, step.write);
    await ingestFile(store, storeWriter(store), bucket, scenario, file);
  }
}

describe('erasures interleaved with deliveries, crashes and merges in flight', () => {
  it('leave what one batch over the lines still present computes', async () => {
    await fc.assert(
      fc.asyncProperty(
        rulesArb,
        scenarioArb(24),
        fc.array(stepArb, { minLength: 1, maxLength: 3 }),
        async (rules, scenario, steps) => {
          const store = await freshStore(dynamo.client, rules);
          await recordRules(store);
          const bucket = new Map<string, Uint8Array>();
          const everyone = everyoneOf(scenario).sort();
          const model = new ErasureModel(scenario, await batchLinks(scenario));
          await deliverAll(store, storeWriter(store), bucket, scenario);
          const erased: string[] = [];
          for (const step of steps) {
            const id = everyone[step.id % everyone.length] as string;
            await runStep(store, bucket, scenario, step, id);
            model.erase(id, store.rules.source);
            erased.push(id);
          }
          const eraser = new DynamoDbEraser({ transport: store.transport });
          for (const id of erased) await eraser.eraseUser(id);
          await deliverAll(store, storeWriter(store), bucket, scenario);
          model.settle(store.rules.source);

          const present = await batchWithEvents(model.present(), compileRules(rules).source);
          const expected = viewsInStoreOrder(present);
          expect((await storedSessions(store, everyone)).map(toSessionView)).toEqual(expected);
          const handler = lookupApiOn(store);
          for (const id of erased) {
            expect((await send(handler, gatewayEvent('GET', decodedUserPath(id)))).status, id).toBe(404);
          }
          // Only the heads are left of the users erased (not of anonymousIds: their partition may be a user's).
          const erasedUsers = erasedUsersOf(scenario, erased);
          expect(keysOf(await scanTable(dynamo.client, store), erasedUsers)).toEqual(headsOnly(erasedUsers));
        },
      ),
      integrationParams(25),
    );
  }, 900_000);
});
