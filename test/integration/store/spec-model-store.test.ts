// Rule 6 against the spec model (test/unit/domain/sessions/spec-model.ts) rather than the CLI's batch: Segment
// and PostHog files of boundary steps, copies, links and odd page and campaign values, ingested into DynamoDB
// Local in any order, chunking and concurrency, or partly before a rebuild from other rules.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DynamoDbSessionWriter } from '../../../functions/adapters/dynamodb/session-writer.js';
import { compileRules, sameRules } from '../../../functions/domain/rules/session-rules.js';
import { toSessionView } from '../../../functions/domain/views/session-view.js';
import { integrationParams } from '../../helpers/integration-property.js';
import { useLocalDynamoDb } from '../../helpers/use-local-dynamodb.js';
import { modelSessions } from '../../unit/domain/sessions/spec-model.js';
import {
  browserOf,
  filesOf,
  rulesArb,
  scenarioArb,
  textOf,
  withVariants,
} from '../../unit/domain/sessions/spec-model-arbitraries.js';
import { bytesOf } from '../../unit/reading/archives.js';
import { rebuildReadingCopies, recordRules } from './rebuild-harness.js';
import { freshStore, type StoreUnderTest, storedSessions } from './store-harness.js';
import { ingestBytes } from './store-vs-batch-harness.js';

const dynamo = useLocalDynamoDb();
const MIN = 60_000;

type Sent = Record<string, unknown>;

/** True when the copies of every messageId (PostHog's uuid) are within `minutes` of each other. */
function closeCopies(objects: readonly Sent[], minutes: number): boolean {
  const spans = new Map<string, number[]>();
  for (const o of objects) {
    const sent = 'distinct_id' in o ? o.uuid : o.messageId;
    const id = typeof sent === 'string' ? sent.trim() : '';
    if (id !== '') spans.set(id, [...(spans.get(id) ?? []), Date.parse(String(o.timestamp))]);
  }
  return [...spans.values()].every((list) => Math.max(...list) - Math.min(...list) <= minutes * MIN);
}

/** Every id a session could be stored under, the model's users and any other. */
function everyone(objects: readonly Sent[], expected: readonly Sent[]): string[] {
  const ids = expected.map((session) => session.userId as string);
  for (const o of objects) {
    const device = (o.properties as Sent | undefined)?.$device_id;
    for (const id of [o.userId, o.anonymousId, o.distinct_id, device])
      if (typeof id === 'string' || typeof id === 'number') ids.push(String(id).trim());
  }
  return ids;
}

async function deliver(
  store: StoreUnderTest,
  writer: DynamoDbSessionWriter,
  bucket: Map<string, Uint8Array>,
  lines: readonly string[],
  index: number,
  chunkEvents: number,
): Promise<void> {
  const content = bytesOf(`${lines.join('\n')}\n`);
  await ingestBytes(store, writer, bucket, `incoming/f${index}.ndjson`, content, chunkEvents, { browserOf });
}

const writerOf = (store: StoreUnderTest, wholePartitionEvents?: number) =>
  new DynamoDbSessionWriter({
    transport: store.transport,
    rules: store.rules,
    pageLimitBytes: 600,
    ...(wholePartitionEvents !== undefined && { wholePartitionEvents }),
  });

async function stored(store: StoreUnderTest, users: readonly string[]) {
  return (await storedSessions(store, users)).map(toSessionView).map(({ sessionId: _, ...rest }) => rest);
}

describe('the store against the spec model', () => {
  it('holds the model sessions of every file, in any order, chunking and concurrency', async () => {
    await fc.assert(
      fc.asyncProperty(
        scenarioArb,
        rulesArb,
        fc.constantFrom(1, 2, 5, 1000),
        fc.boolean(),
        // Merges that load the user's whole partition, or only the window around the new events.
        fc.constantFrom(undefined, 0),
        async ({ objects, variants, fileOf, shuffle }, rules, chunkEvents, concurrent, whole) => {
          const all = withVariants(objects, variants);
          const texts = all.map(textOf);
          const sent = texts.map((text) => JSON.parse(text) as Sent);
          // Window-only loads: copies farther apart than a gap are a known limit (design.md).
          if (whole === 0)
            fc.pre(
              closeCopies(sent, Math.min(rules.gapMinutes, ...Object.values(rules.gapMinutesByPlatform))),
            );
          const files = filesOf(texts, all, fileOf);
          const store = await freshStore(dynamo.client, rules);
          const writer = writerOf(store, whole);
          const bucket = new Map<string, Uint8Array>();
          const order = [0, 1, 2, 3].sort((a, b) => (shuffle[a % 3] ?? 0) - (shuffle[b % 3] ?? 0) || a - b);
          const one = (index: number) =>
            deliver(store, writer, bucket, files[index] ?? [], index, chunkEvents);
          if (concurrent) await Promise.all(order.map(one));
          else for (const index of order) await one(index);
          const expected = modelSessions(sent, rules, browserOf);
          expect(await stored(store, everyone(sent, expected))).toEqual(expected);
        },
      ),
      integrationParams(30),
    );
  }, 600_000);

  it('holds the model sessions of the rules a rebuild moved to', async () => {
    await fc.assert(
      fc.asyncProperty(
        scenarioArb,
        rulesArb,
        rulesArb,
        fc.nat({ max: 4 }),
        async ({ objects, variants, fileOf, shuffle }, before, after, cut) => {
          fc.pre(!sameRules(compileRules(before).fingerprint, compileRules(after).fingerprint));
          const all = withVariants(objects, variants);
          const texts = all.map(textOf);
          const sent = texts.map((text) => JSON.parse(text) as Sent);
          const files = filesOf(texts, all, fileOf);
          let store = await freshStore(dynamo.client, before);
          await recordRules(store);
          const bucket = new Map<string, Uint8Array>();
          const order = [0, 1, 2, 3].sort((a, b) => (shuffle[a % 3] ?? 0) - (shuffle[b % 3] ?? 0) || a - b);
          for (const index of order.slice(0, cut))
            await deliver(store, writerOf(store), bucket, files[index] ?? [], index, 1000);
          store = await rebuildReadingCopies(store, compileRules(after), bucket, {
            endpoint: dynamo.endpoint,
          });
          for (const index of order.slice(cut))
            await deliver(store, writerOf(store), bucket, files[index] ?? [], index, 1000);
          const expected = modelSessions(sent, after, browserOf);
          expect(await stored(store, everyone(sent, expected))).toEqual(expected);
        },
      ),
      integrationParams(20),
    );
  }, 600_000);
});
