// Rule 6 across export formats and containers: one user's events arrive as Segment, Amplitude, Mixpanel and
// PostHog records (the same messageIds as Segment's messageId, Amplitude's $insert_id, Mixpanel's $insert_id
// and PostHog's uuid), in NDJSON, JSON arrays, gzip and ZIP archives of several members, split, repeated and
// delivered in any order. The store must hold what the CLI's one batch over the same files computes; copies
// of one messageId at one instant in two formats are told apart by their canonical JSON, which the store
// reads again from inside the gzip, the array or the ZIP member that holds them.
import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { sessionizeInputs } from '../../../cli/batch.js';
import { toSessionView } from '../../../functions/domain/views/session-view.js';
import { integrationParams } from '../../helpers/integration-property.js';
import { useLocalDynamoDb } from '../../helpers/use-local-dynamodb.js';
import { bytesOf, chunked, zipWithSizes } from '../../unit/reading/archives.js';
import { freshStore, storedSessions } from './store-harness.js';
import { ingestBytes, rulesArb, storeWriter } from './store-vs-batch-harness.js';

const dynamo = useLocalDynamoDb();
const MIN = 60_000;
const T0 = Date.UTC(2024, 0, 31, 23, 0, 0);

const FORMATS = ['segment', 'amplitude', 'mixpanel', 'posthog'] as const;
type Format = (typeof FORMATS)[number];
const CONTAINERS = ['ndjson', 'array', 'gzip', 'zip'] as const;

const USERS = ['u-1', 'u-2', 'a-1'];
const ANONS = ['a-1', 'a-2', 'u-2'];

const draftArb = fc.record({
  type: fc.constantFrom('track', 'page', 'screen', 'identify'),
  userId: fc.option(fc.constantFrom(...USERS), { nil: undefined }),
  anonymousId: fc.constantFrom(...ANONS),
  // Whether an event with a userId also carries its anonymousId: a link (rule 8).
  anonymous: fc.boolean(),
  minutes: fc.oneof(
    fc.integer({ min: 0, max: 240 }),
    fc.integer({ min: 0, max: 8 }).map((k) => k * 30),
  ),
  jitterMs: fc.constantFrom(0, 0, 1, 59_999),
  messageId: fc.option(fc.integer({ min: 0, max: 30 }), { nil: null, freq: 6 }),
  platform: fc.constantFrom('ios', 'IOS', 'android', 'web', null),
  prop: fc.integer({ min: 0, max: 2 }),
});
type Draft = typeof draftArb extends fc.Arbitrary<infer T> ? T : never;

/** A draft as a record of `format` (docs/rules.md 1b), every mapped field in that format's own place. */
function render(draft: Draft, format: Format): Record<string, unknown> {
  const ts = T0 + draft.minutes * MIN + draft.jitterMs;
  const iso = new Date(ts).toISOString();
  const userId = draft.userId;
  const anonymousId = userId !== undefined && !draft.anonymous ? undefined : draft.anonymousId;
  const name = draft.type === 'identify' ? undefined : `E${draft.prop}`;
  const messageId = draft.messageId === null ? undefined : `m-${draft.messageId}`;
  const platform = draft.platform ?? undefined;
  if (format === 'segment') {
    return {
      type: draft.type,
      userId,
      anonymousId,
      messageId,
      timestamp: iso,
      ...(draft.type === 'track' ? { event: name } : { name }),
      context: { device: { type: platform } },
      properties: draft.type === 'page' ? { path: `/p${draft.prop}` } : { prop: draft.prop },
    };
  }
  if (format === 'amplitude') {
    return {
      event_type: draft.type === 'page' ? '[Amplitude] Page Viewed' : (name ?? draft.type),
      event_time: `${iso.slice(0, 10)} ${iso.slice(11, 23)}${draft.prop}07`,
      user_id: userId,
      device_id: anonymousId,
      $insert_id: messageId,
      platform,
    };
  }
  if (format === 'mixpanel') {
    const identity =
      userId === undefined
        ? { distinct_id: `$device:${anonymousId}` }
        : { distinct_id: userId, $device_id: anonymousId };
    return {
      event: draft.type === 'page' ? '$mp_web_page_view' : (name ?? draft.type),
      properties: {
        time: draft.prop === 0 ? ts : ts / 1000,
        ...identity,
        $insert_id: messageId,
        $os: platform,
      },
    };
  }
  const event = { page: '$pageview', screen: '$screen', identify: '$identify', track: name }[draft.type];
  return {
    event,
    distinct_id: userId ?? anonymousId,
    uuid: messageId ?? null,
    timestamp: iso,
    properties: {
      $device_id: anonymousId,
      $os: platform,
      ...(draft.type === 'page' && { $pathname: `/p${draft.prop}` }),
      ...(draft.type === 'screen' && { $screen_name: name }),
    },
  };
}

interface ExportFile {
  container: (typeof CONTAINERS)[number];
  /** One format per part; a ZIP archive holds each part as a member, other containers only the first. */
  parts: { format: Format; drafts: Draft[] }[];
}

function textOf(part: ExportFile['parts'][number], array: boolean): string {
  const records = part.drafts.map((draft) => JSON.stringify(render(draft, part.format)));
  return array ? `[\n${records.join(',\n')}\n]\n` : `${records.join('\n')}\n`;
}

function bytesOfFile(file: ExportFile): Uint8Array {
  const [first, ...more] = file.parts;
  if (first === undefined) return bytesOf('');
  if (file.container === 'ndjson') return bytesOf(textOf(first, false));
  if (file.container === 'array') return bytesOf(textOf(first, true));
  if (file.container === 'gzip') return gzipSync(textOf(first, true));
  return zipWithSizes(
    [first, ...more].map((part, index) => ({
      path: `day-${index}/part.${index % 2 === 0 ? 'ndjson.gz' : 'json'}`,
      content: index % 2 === 0 ? gzipSync(textOf(part, false)) : bytesOf(textOf(part, true)),
    })),
  );
}

const scenarioArb = fc
  .record({
    drafts: fc.array(draftArb, { minLength: 1, maxLength: 30 }),
    files: fc.array(
      fc.record({
        container: fc.constantFrom(...CONTAINERS),
        formats: fc.array(fc.constantFrom(...FORMATS), { minLength: 1, maxLength: 3 }),
      }),
      { minLength: 1, maxLength: 4 },
    ),
    placement: fc.array(fc.tuple(fc.nat(), fc.nat(), fc.option(fc.tuple(fc.nat(), fc.nat()))), {
      minLength: 30,
      maxLength: 30,
    }),
    chunkEvents: fc.constantFrom(1_000_000, 3),
  })
  .chain(({ drafts, files: shapes, placement, chunkEvents }) => {
    const files: ExportFile[] = shapes.map(({ container, formats }) => ({
      container,
      parts: formats.map((format) => ({ format, drafts: [] })),
    }));
    const place = (file: number, part: number, draft: Draft) => {
      const target = files[file % files.length] as ExportFile;
      const parts = target.container === 'zip' ? target.parts : target.parts.slice(0, 1);
      (parts[part % parts.length] as ExportFile['parts'][number]).drafts.push(draft);
    };
    for (const [index, draft] of drafts.entries()) {
      const [file, part, copy] = placement[index] as [number, number, [number, number] | null];
      place(file, part, draft);
      // The same event again, most likely in another format: a copy under the same messageId (rule 3).
      if (copy !== null) place(copy[0], copy[1], draft);
    }
    const deliveries = [...files.keys(), ...files.keys()];
    return fc
      .shuffledSubarray(deliveries, { minLength: files.length })
      .map((order) => ({ files, order, chunkEvents }));
  });

describe('the store against the batch, across export formats and containers', () => {
  it('holds what one batch over every file delivered computes', async () => {
    await fc.assert(
      fc.asyncProperty(rulesArb, scenarioArb, async (rules, scenario) => {
        const contents = scenario.files.map(bytesOfFile);
        const name = (index: number) => `incoming/f-${index}`;
        const store = await freshStore(dynamo.client, rules);
        const writer = storeWriter(store);
        const bucket = new Map<string, Uint8Array>();
        for (const index of scenario.order) {
          await ingestBytes(
            store,
            writer,
            bucket,
            name(index),
            contents[index] as Uint8Array,
            scenario.chunkEvents,
          );
        }
        const delivered = [...new Set(scenario.order)];
        const expected = await sessionizeInputs(
          delivered.map((index) => ({
            name: name(index),
            open: () => chunked(contents[index] as Uint8Array, [1024]),
          })),
          { rules, inputFormat: 'auto', browserOf: () => null },
        );
        const stored = await storedSessions(store, [...USERS, ...ANONS]);
        expect(stored.map(toSessionView)).toEqual(expected.sessions.map(toSessionView));
      }),
      integrationParams(40),
    );
  }, 600_000);
});
