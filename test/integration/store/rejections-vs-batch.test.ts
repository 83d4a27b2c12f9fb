// Rule 4 end to end beside rule 6: bad records ("never silently dropped") in the deliveries, plain, gzipped or in
// the members of a ZIP archive, with redelivery, reordering, concurrency, a crash and continued calls. After every delivery, each file's rejection report in
// the bucket holds what the CLI's one batch over the same files rejects there (place, reason and raw text, no
// more, no fewer), the places the spec-literal reference model rejects, and the file's error if it has one;
// and the sessions are still the batch's.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { sessionizeInputs } from '../../../cli/batch.js';
import type { Rejection } from '../../../functions/domain/reading/rejection.js';
import type { SessionRules } from '../../../functions/domain/rules/session-rules.js';
import { toSessionView } from '../../../functions/domain/views/session-view.js';
import type { ReportLine } from '../../../functions/ingest/rejection-report.js';
import { integrationParams } from '../../helpers/integration-property.js';
import { useLocalDynamoDb } from '../../helpers/use-local-dynamodb.js';
import { referenceSessionize } from '../../unit/domain/sessions/reference-sessionizer.js';
import { chunked } from '../../unit/reading/archives.js';
import { Crash, crashingClient } from './crashing-client.js';
import { type BadScenario, badScenarioArb, deliver, ReportBucket } from './rejections-harness.js';
import { freshStore, storedSessions, writerOn } from './store-harness.js';
import { everyoneOf, rulesArb, storeWriter } from './store-vs-batch-harness.js';

const dynamo = useLocalDynamoDb();

async function batchOf(scenario: BadScenario, rules: SessionRules) {
  return sessionizeInputs(
    scenario.contents.map((content, index) => ({
      name: scenario.names[index] as string,
      open: () => chunked(content, [1024]),
    })),
    { rules, inputFormat: 'auto', browserOf: () => null },
  );
}

/**
 * What the report of file `name` must hold: the batch's rejections in the file, or in the members of its
 * archive, in order; then, once it is read to its end, a line for each of them that broke, in order.
 */
function expectedReport(batch: Awaited<ReturnType<typeof batchOf>>, name: string): ReportLine[] {
  const ours = (file: string) => file === name || file.startsWith(`${name}!`);
  const broken: ReportLine[] = batch.files
    .filter((summary) => ours(summary.file) && summary.error !== undefined)
    .map((summary) => ({ file: summary.file, position: 0, reason: summary.error as string }));
  return [...[...batch.rejected].filter((rejection) => ours(rejection.file)), ...broken];
}

const placeOf = (line: ReportLine) =>
  (line as Rejection).index === undefined
    ? { file: line.file, line: line.position }
    : { file: line.file, index: (line as Rejection).index };

const ignoreCrash = (error: unknown) => {
  // The crash may reach here wrapped by the merge that met it.
  if (!(error instanceof Crash) && !String(error).includes('simulated crash')) throw error;
};

describe('rejection reports against the batch', () => {
  it('hold, per file, what one batch over every file delivered rejects, however the files are delivered', async () => {
    await fc.assert(
      fc.asyncProperty(
        rulesArb,
        badScenarioArb(30),
        fc.option(fc.record({ at: fc.nat(), afterWrites: fc.integer({ min: 0, max: 20 }) }), {
          nil: undefined,
        }),
        // A delivery whose calls each stop after one merge, continued from the progress they save.
        fc.option(fc.nat(), { nil: undefined }),
        async (rules, scenario, crash, stoppedAt) => {
          const store = await freshStore(dynamo.client, rules);
          const writer = storeWriter(store);
          const bucket = new Map<string, Uint8Array>();
          const reports = new ReportBucket();
          if (crash !== undefined) {
            // One file's ingest dies after some writes; its report is discarded, and every file is delivered.
            const dying = scenario.order[crash.at % scenario.order.length] ?? 0;
            const crashing = writerOn(store, crashingClient(dynamo.endpoint, crash.afterWrites), {
              pageLimitBytes: 600,
            });
            await deliver(store, crashing, bucket, reports, scenario, dying).catch(ignoreCrash);
          }
          const stopping = stoppedAt === undefined ? -1 : stoppedAt % scenario.order.length;
          const delivery = (index: number, place: number) =>
            deliver(store, writer, bucket, reports, scenario, index, place === stopping);
          if (scenario.concurrent) await Promise.all(scenario.order.map(delivery));
          else for (const [place, index] of scenario.order.entries()) await delivery(index, place);

          const batch = await batchOf(scenario, rules);
          const parts = scenario.parts.flat();
          // The reference reads no broken array and no ZIP archive: each other part's rejected places are its.
          const modelled = parts.filter((part) => part.shape !== 'broken-array' && !part.manifest);
          const reference = referenceSessionize(
            modelled.map((part) => ({ name: part.name, text: part.text })),
            { ...rules, inputFormat: 'auto' },
          );
          const skipped = new Set(
            batch.files.filter((file) => file.skipped !== undefined).map((f) => f.file),
          );
          for (const name of scenario.names) {
            const held = reports.linesOf(name);
            expect(held).toEqual(expectedReport(batch, name));
            for (const part of scenario.parts[scenario.names.indexOf(name)] ?? []) {
              const own = held.filter((line) => line.file === part.name);
              // A member that shows no object of an export format is skipped (a manifest), with nothing reported.
              if (part.manifest) expect(skipped.has(part.name)).toBe(true);
              if (skipped.has(part.name)) expect(own).toEqual([]);
              if (!modelled.includes(part) || skipped.has(part.name)) continue;
              expect(own.filter((line) => line.position !== 0).map(placeOf)).toEqual(
                reference.rejectedAt.filter((place) => place.file === part.name),
              );
              expect(own.some((line) => line.position === 0)).toBe(reference.notExports.includes(part.name));
            }
          }
          // And rule 6 still: the bad records change no session.
          const stored = (await storedSessions(store, everyoneOf(scenario))).map(toSessionView);
          expect(stored).toEqual(batch.sessions.map(toSessionView));
        },
      ),
      integrationParams(30),
    );
  }, 600_000);
});
