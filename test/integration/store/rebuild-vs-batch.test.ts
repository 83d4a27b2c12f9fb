// Rule 6 across rule changes: raw export files delivered (split, shuffled, redelivered) under one set of
// rules, a rebuild to another (cut short by a crash and started again in some runs), more deliveries under
// the new rules, perhaps a second rebuild and more deliveries, against the CLI's one batch over every file
// under the rules the table ends at.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type CompiledRules,
  compileRules,
  sameRules,
} from '../../../functions/domain/rules/session-rules.js';
import { toSessionView } from '../../../functions/domain/views/session-view.js';
import { integrationParams } from '../../helpers/integration-property.js';
import { useLocalDynamoDb } from '../../helpers/use-local-dynamodb.js';
import { rebuildReadingCopies, recordRules } from './rebuild-harness.js';
import { freshStore, type StoreUnderTest, storedSessions } from './store-harness.js';
import {
  batch,
  everyoneOf,
  ingestFile,
  rulesArb,
  type Scenario,
  scenarioArb,
  storeWriter,
} from './store-vs-batch-harness.js';

const dynamo = useLocalDynamoDb();

/** The files of `scenario` that `deliveries` names, one after another, by an ingest of the store's rules. */
async function deliver(
  store: StoreUnderTest,
  bucket: Map<string, Uint8Array>,
  scenario: Scenario,
  deliveries: readonly number[],
): Promise<void> {
  const writer = storeWriter(store);
  for (const index of deliveries) await ingestFile(store, writer, bucket, scenario, index);
}

describe('the store against the batch across rebuilds', () => {
  it('holds what one batch over every file computes under the rules the table ends at', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(rulesArb, { minLength: 2, maxLength: 3 }),
        scenarioArb(30),
        fc.array(fc.nat(), { minLength: 2, maxLength: 2 }),
        fc.array(fc.nat(), { maxLength: 3 }),
        fc.option(fc.integer({ min: 0, max: 30 }), { nil: undefined, freq: 2 }),
        async (ruleSets, scenario, cuts, redeliveries, crashAfter) => {
          const compiled = ruleSets.map((rules) => compileRules(rules));
          // Another form of the same rules is nothing to rebuild to (the table takes it as it is).
          fc.pre(
            compiled.every(
              (rules, at) => at === 0 || !sameRules(rules.fingerprint, compiled[at - 1]?.fingerprint ?? ''),
            ),
          );
          let store = await freshStore(dynamo.client, ruleSets[0]);
          await recordRules(store);
          const bucket = new Map<string, Uint8Array>();
          // The deliveries split into one run per set of rules, in order; then some files delivered again.
          const bounds = cuts.map((cut) => cut % (scenario.order.length + 1)).sort((a, b) => a - b);
          const runs = [0, ...bounds.slice(0, compiled.length - 1), scenario.order.length]
            .map((bound, at, all) => scenario.order.slice(all[at - 1] ?? 0, bound))
            .slice(1);
          for (const [at, rules] of compiled.entries()) {
            if (at > 0)
              store = await rebuildReadingCopies(store, rules, bucket, {
                endpoint: dynamo.endpoint,
                crashAfter: at === 1 ? crashAfter : undefined,
              });
            await deliver(store, bucket, scenario, runs[at] ?? []);
          }
          const again = redeliveries.map((index) => index % scenario.files.length);
          await deliver(store, bucket, scenario, again);

          const final = compiled[compiled.length - 1] as CompiledRules;
          const expected = (await batch(scenario, final.source)).map(toSessionView);
          const stored = (await storedSessions(store, everyoneOf(scenario))).map(toSessionView);
          expect(stored).toEqual(expected);
        },
      ),
      integrationParams(40),
    );
  }, 900_000);
});
