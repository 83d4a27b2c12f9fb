import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RulesMismatchError } from '../../../functions/adapters/dynamodb/rules-mismatch-error.js';
import {
  ensureTableRules,
  forgetRulesCheck,
  readTableRules,
  TableRulesMismatchError,
} from '../../../functions/adapters/dynamodb/rules-record.js';
import { DynamoDbSessionWriter } from '../../../functions/adapters/dynamodb/session-writer.js';
import { Transport } from '../../../functions/adapters/dynamodb/transport.js';
import type { EventRecord } from '../../../functions/domain/events/event.js';
import {
  type CompiledRules,
  describeRules,
  type SessionRules,
} from '../../../functions/domain/rules/session-rules.js';
import type { SessionSummary } from '../../../functions/domain/sessions/summary.js';
import { beginTableRebuild } from '../../../functions/rebuild/rebuild-table.js';
import { MINUTE, record, referenceSessions } from '../../helpers/event-arbitraries.js';
import { integrationParams } from '../../helpers/integration-property.js';
import { useLocalDynamoDb } from '../../helpers/use-local-dynamodb.js';
import { Crash, crashingClient } from './crashing-client.js';
import { PAGE_LIMIT_BYTES, rebuildTo, recordRules, rulesOf, runRebuild } from './rebuild-harness.js';
import { everyone, ingestStitched, stitchedReference } from './stitching-harness.js';
import { freshStore, ingest, type StoreUnderTest, storedSessions } from './store-harness.js';

const dynamo = useLocalDynamoDb();

const T0 = Date.UTC(2024, 0, 31, 22, 0, 0);
/** Tens of seconds alone; more on a machine shared with other test runs. */
const PROPERTY_TIMEOUT_MS = 180_000;

/** A transport whose client dies (every later request fails) once it has sent `writesBeforeCrash` writes. */
function crashingTransport(store: StoreUnderTest, writesBeforeCrash: number): Transport {
  const client = crashingClient(dynamo.endpoint, writesBeforeCrash);
  return new Transport({ client, tableName: store.tableName, baseDelayMs: 2 });
}

const ignoreCrash = (error: unknown) => {
  if (!(error instanceof Crash)) throw error;
};

type Change = 'gap and cap' | 'stitching on' | 'stitching off';

const FROM: Record<Change, Partial<SessionRules>> = {
  'gap and cap': { gapMinutes: 30 },
  'stitching on': { gapMinutes: 30 },
  'stitching off': { gapMinutes: 30, identityStitching: true },
};
const TO: Record<Change, Partial<SessionRules>> = {
  'gap and cap': { gapMinutes: 10, maxSessionMinutes: 60, gapMinutesByPlatform: { ios: 5 } },
  'stitching on': { gapMinutes: 20, identityStitching: true },
  'stitching off': { gapMinutes: 20 },
};

/** Users with devices, logins, anonymous visits and a bot, dense enough to meet gaps and caps. */
function eventsArbitrary(prefix: string): fc.Arbitrary<EventRecord[]> {
  const event = fc.record({
    userId: fc.option(fc.constantFrom('u-1', 'u-2'), { nil: null, freq: 3 }),
    anonymousId: fc.constantFrom('dev-a', 'dev-b'),
    minutes: fc.oneof(
      fc.integer({ min: 0, max: 300 }),
      fc.integer({ min: 0, max: 10 }).map((k) => k * 10),
    ),
    platform: fc.constantFrom('ios', 'web'),
  });
  return fc.array(event, { minLength: 1, maxLength: 25 }).map((drafts) =>
    drafts.map((draft, index) =>
      record({
        id: `m:${prefix}${index}`,
        userId: draft.userId,
        anonymousId: draft.anonymousId,
        platform: draft.platform,
        timestamp: T0 + draft.minutes * MINUTE,
      }),
    ),
  );
}

const changeArb = fc.constantFrom<Change>('gap and cap', 'stitching on', 'stitching off');
/** One to three files of the ingest running the new rules. */
const newFilesArb = fc
  .tuple(eventsArbitrary('new-a'), eventsArbitrary('new-b'), eventsArbitrary('new-c'))
  .chain((files) => fc.subarray(files, { minLength: 1 }));

/** Whether the rebuild's finish moved the table's rules record to `target` (a crash may come after it). */
const finishedTo = async (store: StoreUnderTest, target: CompiledRules) =>
  (await readTableRules(store.transport))?.fingerprint === target.fingerprint;

function expectedSessions(events: readonly EventRecord[], rules: CompiledRules): SessionSummary[] {
  return rules.stitching ? stitchedReference(events, rules) : referenceSessions(events, rules);
}

/** What an ingest running `rules` does with one file. */
function ingestUnder(store: StoreUnderTest, writer: DynamoDbSessionWriter, file: readonly EventRecord[]) {
  return writer.rules.stitching ? ingestStitched(writer, file) : ingest({ ...store, writer }, file);
}

async function storeUnder(change: Change, events: readonly EventRecord[]): Promise<StoreUnderTest> {
  const store = await freshStore(dynamo.client, FROM[change], { pageLimitBytes: PAGE_LIMIT_BYTES });
  await recordRules(store);
  const writer = new DynamoDbSessionWriter({
    transport: store.transport,
    rules: store.rules,
    pageLimitBytes: PAGE_LIMIT_BYTES,
  });
  await ingestUnder(store, writer, events);
  return store;
}

describe('a rebuild racing ingests of the new rules', () => {
  it(
    'converges to the batch result of every event under the new rules',
    async () => {
      await fc.assert(
        fc.asyncProperty(changeArb, eventsArbitrary('old-'), newFilesArb, async (change, stored, files) => {
          const store = await storeUnder(change, stored);
          const target = rulesOf(TO[change]);
          const rebuild = rebuildTo(store.transport, target, { scanPageItems: 2 });
          await beginTableRebuild(rebuild.table);

          // The ingest meets users still at the old rules and rebuilds them itself, racing the segments.
          await Promise.all([
            runRebuild(rebuild.table, { totalSegments: 2 }),
            ...files.map((file) => ingestUnder(store, rebuild.writer, file)),
          ]);

          const all = [...stored, ...files.flat()];
          expect(await storedSessions(store, everyone(all))).toEqual(expectedSessions(all, target));
        }),
        integrationParams(20),
      );
    },
    PROPERTY_TIMEOUT_MS,
  );

  it('rebuilds a user still at the old rules before merging into it, and refuses the old rules once begun', async () => {
    const store = await storeUnder('gap and cap', [
      record({ id: 'm:1', userId: 'u', timestamp: T0 }),
      record({ id: 'm:2', userId: 'u', timestamp: T0 + 20 * MINUTE }),
      record({ id: 'm:3', userId: 'v', timestamp: T0 }),
    ]);
    const target = rulesOf(TO['gap and cap']);
    const rebuild = rebuildTo(store.transport, target);
    const late = record({ id: 'm:4', userId: 'u', timestamp: T0 + 25 * MINUTE });
    await expect(rebuild.writer.mergeUserEvents('u', [late])).rejects.toThrow(RulesMismatchError);
    // Both sets of rules as people write them, and both ways out.
    await expect(rebuild.writer.mergeUserEvents('u', [late])).rejects.toThrow(
      `were cut under other session rules (${describeRules(store.rules.source)}) than this ingest runs (${describeRules(target.source)}); run the ingest with the table's rules`,
    );

    await beginTableRebuild(rebuild.table);
    forgetRulesCheck();
    await expect(ensureTableRules(store.transport, store.rules)).rejects.toThrow(TableRulesMismatchError);
    forgetRulesCheck();
    await ensureTableRules(store.transport, target);
    await rebuild.writer.mergeUserEvents('u', [late]);

    const events = [
      record({ id: 'm:1', userId: 'u', timestamp: T0 }),
      record({ id: 'm:2', userId: 'u', timestamp: T0 + 20 * MINUTE }),
      late,
    ];
    expect(await storedSessions(store, ['u'])).toEqual(referenceSessions(events, target));
    expect((await rebuild.writer.readHead('u')).rules).toBe(target.fingerprint);
    // An ingest of the old rules still running (it checked the table before the rebuild began) is refused there.
    const old = new DynamoDbSessionWriter({ transport: store.transport, rules: store.rules });
    await expect(old.mergeUserEvents('u', [late])).rejects.toThrow(RulesMismatchError);
    // Not yet rebuilt: the old ingest's events are kept, and cut under the new rules when the user is rebuilt.
    const lateForV = record({ id: 'm:5', userId: 'v', timestamp: T0 + 15 * MINUTE });
    await old.mergeUserEvents('v', [lateForV]);
    await runRebuild(rebuild.table, { totalSegments: 1 });
    expect(await storedSessions(store, ['v'])).toEqual(
      referenceSessions([record({ id: 'm:3', userId: 'v', timestamp: T0 }), lateForV], target),
    );
  });
});

describe('a rebuild under crashes', () => {
  it(
    'shows each user whole under the old or the new rules, and a re-run converges',
    async () => {
      await fc.assert(
        fc.asyncProperty(
          changeArb,
          eventsArbitrary('old-'),
          fc.integer({ min: 0, max: 40 }),
          async (change, events, crashAfter) => {
            const store = await storeUnder(change, events);
            const target = rulesOf(TO[change]);
            const dying = rebuildTo(crashingTransport(store, crashAfter), target, { scanPageItems: 2 });

            await runRebuild(dying.table, { totalSegments: 2 }).catch(ignoreCrash);

            if (change === 'gap and cap') {
              // Without moves between partitions, a reader sees each user as the old or the new rules cut it.
              const seen = await storedSessions(store, everyone(events));
              const before = referenceSessions(events, store.rules);
              const after = referenceSessions(events, target);
              const of = (sessions: SessionSummary[], user: string) =>
                sessions.filter((session) => session.userId === user);
              for (const user of everyone(events)) {
                expect([of(before, user), of(after, user)]).toContainEqual(of(seen, user));
              }
            }
            // A crash after the finish left nothing to re-run; otherwise the rebuild is started again and resumes.
            if (!(await finishedTo(store, target)))
              await runRebuild(rebuildTo(store.transport, target, { scanPageItems: 2 }).table);
            expect(await storedSessions(store, everyone(events))).toEqual(expectedSessions(events, target));
          },
        ),
        integrationParams(40),
      );
    },
    PROPERTY_TIMEOUT_MS,
  );
});

describe('a rebuild that crashes while ingests of the new rules run, some of them crashing too', () => {
  it(
    'converges to the batch result of every event under the new rules once both are run again',
    async () => {
      await fc.assert(
        fc.asyncProperty(
          changeArb,
          eventsArbitrary('old-'),
          newFilesArb,
          fc.integer({ min: 0, max: 60 }),
          fc.array(fc.option(fc.integer({ min: 0, max: 30 })), { minLength: 3, maxLength: 3 }),
          async (change, stored, files, rebuildCrash, ingestCrashes) => {
            const store = await storeUnder(change, stored);
            const target = rulesOf(TO[change]);
            const healthy = rebuildTo(store.transport, target, { scanPageItems: 2 });
            await beginTableRebuild(healthy.table);
            const dying = rebuildTo(crashingTransport(store, rebuildCrash), target, { scanPageItems: 2 });
            // An ingest that dies leaves its file to a redelivery, as SQS gives a failed message back.
            const redeliver: (readonly EventRecord[])[] = [];
            const ingestOnce = async (
              file: readonly EventRecord[],
              crashAfter: number | null | undefined,
            ) => {
              if (crashAfter === null || crashAfter === undefined)
                return ingestUnder(store, healthy.writer, file);
              const writer = rebuildTo(crashingTransport(store, crashAfter), target).writer;
              await ingestUnder(store, writer, file).catch((error: unknown) => {
                ignoreCrash(error);
                redeliver.push(file);
              });
            };

            await Promise.all([
              runRebuild(dying.table, { totalSegments: 2 }).catch(ignoreCrash),
              ...files.map((file, index) => ingestOnce(file, ingestCrashes[index])),
            ]);
            // The rebuild is started again (it resumes) while the dead ingests' files come back.
            const finished = await finishedTo(store, target);
            await Promise.all([
              ...(finished ? [] : [runRebuild(healthy.table, { totalSegments: 2 })]),
              ...redeliver.map((file) => ingestUnder(store, healthy.writer, file)),
            ]);

            const all = [...stored, ...files.flat()];
            expect(await storedSessions(store, everyone(all))).toEqual(expectedSessions(all, target));
            expect((await readTableRules(store.transport))?.fingerprint).toBe(target.fingerprint);
          },
        ),
        integrationParams(20),
      );
    },
    PROPERTY_TIMEOUT_MS,
  );
});
