import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readTableRules } from '../../../functions/adapters/dynamodb/rules-record.js';
import { DynamoDbSessionWriter } from '../../../functions/adapters/dynamodb/session-writer.js';
import type { EventRecord } from '../../../functions/domain/events/event.js';
import { type SessionRules, sameRules } from '../../../functions/domain/rules/session-rules.js';
import { eventRecordsArbitrary, MINUTE, record, referenceSessions } from '../../helpers/event-arbitraries.js';
import { integrationParams } from '../../helpers/integration-property.js';
import { useLocalDynamoDb } from '../../helpers/use-local-dynamodb.js';
import { PAGE_LIMIT_BYTES, rebuildTo, recordRules, rulesOf, runRebuild } from './rebuild-harness.js';
import { everyone, ingestStitched, stitchedReference, stitchingEvents } from './stitching-harness.js';
import { freshStore, ingest, ingestCollected, type StoreUnderTest, storedSessions } from './store-harness.js';

const dynamo = useLocalDynamoDb();

const T0 = Date.UTC(2024, 0, 31, 20, 0, 0);
/** Tens of seconds alone; more on a machine shared with other test runs. */
const PROPERTY_TIMEOUT_MS = 180_000;

/** Gap, platform gaps and cap: each rule of 5 and 7 changes in some runs. */
const sessionRulesArbitrary: fc.Arbitrary<Partial<SessionRules>> = fc.record({
  gapMinutes: fc.constantFrom(10, 30, 45),
  gapMinutesByPlatform: fc.constantFrom<Record<string, number>>({}, { ios: 5 }, { ios: 60, web: 15 }),
  maxSessionMinutes: fc.option(fc.constantFrom(60, 90, 240), { nil: undefined }),
});

/** A bot firing every few minutes for hours around midnight: capped chains that span days. */
function botArbitrary(): fc.Arbitrary<EventRecord[]> {
  return fc
    .record({
      start: fc.integer({ min: 0, max: 300 }),
      count: fc.integer({ min: 5, max: 40 }),
      step: fc.constantFrom(5, 10, 20),
    })
    .map(({ start, count, step }) =>
      Array.from({ length: count }, (_, index) =>
        record({
          id: `m:bot-${index}`,
          userId: 'bot',
          timestamp: T0 + (start + index * step) * MINUTE,
          platform: 'web',
        }),
      ),
    );
}

/** Everything stored, read through the API; and each event once. */
async function expectStored(store: StoreUnderTest, users: readonly string[], expected: unknown[]) {
  const stored = await storedSessions(store, users);
  expect(stored).toEqual(expected);
}

describe('rebuilding the table under new session rules', () => {
  it(
    'equals the batch result under the new gap, platform gaps and cap, capped chains included',
    async () => {
      await fc.assert(
        fc.asyncProperty(
          fc
            .record({
              events: fc
                .tuple(eventRecordsArbitrary({ maxEvents: 40, users: 3 }), botArbitrary())
                .map(([a, b]) => [...a, ...b]),
              from: sessionRulesArbitrary,
              to: sessionRulesArbitrary,
              totalSegments: fc.integer({ min: 1, max: 4 }),
              scanPageItems: fc.integer({ min: 1, max: 20 }),
            })
            .filter(({ from, to }) => !sameRules(rulesOf(from).fingerprint, rulesOf(to).fingerprint)),
          async ({ events, from, to, totalSegments, scanPageItems }) => {
            const store = await freshStore(dynamo.client, from, { pageLimitBytes: PAGE_LIMIT_BYTES });
            await recordRules(store);
            await ingest(store, events);
            const target = rulesOf(to);

            await runRebuild(rebuildTo(store.transport, target, { scanPageItems }).table, { totalSegments });

            const users = [...new Set(events.map((event) => event.userId as string))];
            await expectStored(store, users, referenceSessions(events, target));
            const table = await readTableRules(store.transport);
            expect(table).toEqual({
              fingerprint: target.fingerprint,
              rules: target.source,
              target: undefined,
            });
          },
        ),
        integrationParams(25),
      );
    },
    PROPERTY_TIMEOUT_MS,
  );

  it('leaves the sessions that come out the same untouched and moves every head to the new rules', async () => {
    const store = await freshStore(dynamo.client, { gapMinutes: 30 });
    await recordRules(store);
    const events = [
      record({ id: 'm:1', userId: 'u', timestamp: T0 }),
      record({ id: 'm:2', userId: 'u', timestamp: T0 + 5 * MINUTE }),
    ];
    await ingest(store, events);
    const target = rulesOf({ gapMinutes: 20 });

    const { counts } = await runRebuild(rebuildTo(store.transport, target).table, { totalSegments: 1 });

    expect(counts).toMatchObject({ users: 1, rebuilt: 1, sessionsWritten: 0 });
    await expectStored(store, ['u'], referenceSessions(events, target));
    // The new rules' ingest merges into the rebuilt user without a rebuild in progress.
    const later = record({ id: 'm:3', userId: 'u', timestamp: T0 + 30 * MINUTE });
    await new DynamoDbSessionWriter({ transport: store.transport, rules: target }).mergeUserEvents('u', [
      later,
    ]);
    await expectStored(store, ['u'], referenceSessions([...events, later], target));
  });
});

describe('rebuilding when identity stitching is turned on or off', () => {
  it(
    'turned on: stitches every stored link, as the batch does under the new rules',
    async () => {
      await fc.assert(
        fc.asyncProperty(
          stitchingEvents(T0, { sharedIds: true }),
          fc.constantFrom(10, 30),
          fc.integer({ min: 1, max: 3 }),
          fc.boolean(),
          async (events, gapMinutes, totalSegments, asOneFile) => {
            const store = await freshStore(
              dynamo.client,
              { gapMinutes: 30 },
              { pageLimitBytes: PAGE_LIMIT_BYTES },
            );
            await recordRules(store);
            // Every copy to the store, or one file's: the kept copies and those kept for their links.
            await (asOneFile ? ingestCollected(store, events) : ingest(store, events));
            const target = rulesOf({ gapMinutes, identityStitching: true });

            await runRebuild(rebuildTo(store.transport, target, { scanPageItems: 3 }).table, {
              totalSegments,
            });

            const expected = stitchedReference(events, target);
            await expectStored(store, everyone(events), expected);
            const distinct = expected.reduce((sum, session) => sum + session.eventCount, 0);
            const stored = await storedSessions(store, everyone(events));
            expect(stored.reduce((sum, session) => sum + session.eventCount, 0)).toBe(distinct);
          },
        ),
        integrationParams(20),
      );
    },
    PROPERTY_TIMEOUT_MS,
  );

  it(
    'turned off: every anonymousId takes its anonymous events back and no link is left',
    async () => {
      await fc.assert(
        fc.asyncProperty(
          stitchingEvents(T0),
          fc.constantFrom(10, 30),
          fc.integer({ min: 1, max: 3 }),
          async (events, gapMinutes, totalSegments) => {
            const store = await freshStore(
              dynamo.client,
              { gapMinutes: 30, identityStitching: true },
              { pageLimitBytes: PAGE_LIMIT_BYTES },
            );
            await recordRules(store);
            const writer = new DynamoDbSessionWriter({
              transport: store.transport,
              rules: store.rules,
              pageLimitBytes: PAGE_LIMIT_BYTES,
            });
            await ingestStitched(writer, events);
            const target = rulesOf({ gapMinutes, identityStitching: false });

            await runRebuild(rebuildTo(store.transport, target, { scanPageItems: 3 }).table, {
              totalSegments,
            });

            await expectStored(store, everyone(events), referenceSessions(events, target));
            for (const id of everyone(events)) {
              const summary = await store.reader.getUserSummary(id);
              expect([summary?.stitchedTo, summary?.stitchedCount ?? 0]).toEqual([undefined, 0]);
            }
            const markers = await Promise.all(
              everyone(events).map((id) =>
                store.transport.query({
                  KeyConditionExpression: 'pk = :pk AND begins_with(sk, :marker)',
                  ExpressionAttributeValues: { ':pk': { S: `U#${id}` }, ':marker': { S: 'A#' } },
                }),
              ),
            );
            expect(markers.flat()).toEqual([]);
          },
        ),
        integrationParams(20),
      );
    },
    PROPERTY_TIMEOUT_MS,
  );
});
