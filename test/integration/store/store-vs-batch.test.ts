// Rule 6 end to end: raw export files through the ingest into DynamoDB Local, whatever the split, order,
// duplication, concurrency or crash, against the CLI's one batch over the same files, under random rules
// (gaps, per-platform gaps, length caps, identity stitching).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { toSessionView } from '../../../functions/domain/views/session-view.js';
import { integrationParams } from '../../helpers/integration-property.js';
import { useLocalDynamoDb } from '../../helpers/use-local-dynamodb.js';
import { Crash, crashingClient } from './crashing-client.js';
import { freshStore, storedSessions, writerOn } from './store-harness.js';
import {
  batch,
  closeCopies,
  deliverAll,
  everyoneOf,
  ingestFile,
  rulesArb,
  scenarioArb,
  storeWriter,
} from './store-vs-batch-harness.js';

const dynamo = useLocalDynamoDb();

describe('the store against the batch', () => {
  it('holds what one batch over every file delivered computes', async () => {
    await fc.assert(
      fc.asyncProperty(
        rulesArb,
        scenarioArb(40),
        fc.option(fc.record({ at: fc.nat(), afterWrites: fc.integer({ min: 0, max: 20 }) }), {
          nil: undefined,
        }),
        // Merges that load the user's whole partition, or only the window around the new events.
        fc.constantFrom(undefined, 0),
        async (rules, scenario, crash, wholePartitionEvents) => {
          // Window-only loads: copies of one messageId farther apart than a gap are a known limit (design.md).
          if (wholePartitionEvents === 0) fc.pre(closeCopies(scenario, Math.min(20, rules.gapMinutes)));
          const store = await freshStore(dynamo.client, rules);
          const writer = storeWriter(
            store,
            wholePartitionEvents === undefined ? {} : { wholePartitionEvents },
          );
          const bucket = new Map<string, Uint8Array>();
          if (crash !== undefined) {
            // One file's ingest dies after some writes; every file is then delivered (again).
            const dying = scenario.order[crash.at % scenario.order.length] ?? 0;
            const crashing = writerOn(store, crashingClient(dynamo.endpoint, crash.afterWrites), {
              pageLimitBytes: 600,
            });
            await ingestFile(store, crashing, bucket, scenario, dying).catch((error: unknown) => {
              // The crash may reach here wrapped by the merge that met it.
              if (!(error instanceof Crash) && !String(error).includes('simulated crash')) throw error;
            });
          }
          await deliverAll(store, writer, bucket, scenario);
          const expected = (await batch(scenario, rules)).map(toSessionView);
          const stored = (await storedSessions(store, everyoneOf(scenario))).map(toSessionView);
          expect(stored).toEqual(expected);
        },
      ),
      integrationParams(60),
    );
  }, 600_000);

  it('holds the batch when a delivery dies between chunk flushes while the same file is delivered again', async () => {
    await fc.assert(
      fc.asyncProperty(
        rulesArb,
        // Chunks of a few events: the dying delivery has flushed some chunks of its file, not all.
        scenarioArb(40).chain((scenario) =>
          fc.constantFrom(3, 7).map((chunkEvents) => ({ ...scenario, chunkEvents })),
        ),
        fc.record({ at: fc.nat(), afterWrites: fc.integer({ min: 0, max: 40 }) }),
        async (rules, scenario, crash) => {
          const store = await freshStore(dynamo.client, rules);
          const writer = storeWriter(store);
          const bucket = new Map<string, Uint8Array>();
          const place = crash.at % scenario.order.length;
          const dying = scenario.order[place] ?? 0;
          const crashing = writerOn(store, crashingClient(dynamo.endpoint, crash.afterWrites), {
            pageLimitBytes: 600,
          });
          // The same file at once: one delivery dies after some writes, the other runs to its end.
          await Promise.all([
            ingestFile(store, crashing, bucket, scenario, dying).catch((error: unknown) => {
              if (!(error instanceof Crash) && !String(error).includes('simulated crash')) throw error;
            }),
            ingestFile(store, writer, bucket, scenario, dying),
          ]);
          // Then every other delivery; the dying file's only whole delivery may be the one that ran beside it.
          await deliverAll(store, writer, bucket, {
            ...scenario,
            order: scenario.order.filter((_, index) => index !== place),
          });
          const expected = (await batch(scenario, rules)).map(toSessionView);
          const stored = (await storedSessions(store, everyoneOf(scenario))).map(toSessionView);
          expect(stored).toEqual(expected);
        },
      ),
      integrationParams(8),
    );
  }, 600_000);
});
