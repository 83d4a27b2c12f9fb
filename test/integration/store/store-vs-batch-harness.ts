import fc from 'fast-check';
import { sessionizeInputs } from '../../../cli/batch.js';
import type { InputFormat } from '../../../contract/index.js';
import { DynamoDbSessionWriter } from '../../../functions/adapters/dynamodb/session-writer.js';
import { DynamoDbStitchingWriter } from '../../../functions/adapters/dynamodb/stitching-writer.js';
import type { BrowserOf } from '../../../functions/domain/events/normalize.js';
import type { SessionRules } from '../../../functions/domain/rules/session-rules.js';
import type { SessionSummary } from '../../../functions/domain/sessions/summary.js';
import { ingestObject } from '../../../functions/ingest/ingest-object.js';
import { MemoryReport, readingCopiesFrom } from '../../unit/ingest/ingest-object-harness.js';
import { bytesOf, chunked } from '../../unit/reading/archives.js';
import type { StoreUnderTest } from './store-harness.js';

const MIN = 60_000;
const T0 = Date.UTC(2024, 0, 31, 22, 0, 0);

// A numeric userId (rule 1), an anonymousId that is also a userId (and a userId that is also an
// anonymousId: its own events stay when stitching moves the anonymous ones), one with spaces (trimmed:
// u-1's) and ids whose UTF-16 and UTF-8 orders differ.
const USERS: unknown[] = ['u-1', 'u-2', 'u-3', 42, 'a-1'];
const ANONS: unknown[] = ['a-1', 'a-2', 'a-3', 'u-2', ' u-1 ', '42', '\u{10000}', '\uffff'];

const draftArb = fc.record({
  type: fc.constantFrom('track', 'track', 'page', 'page', 'screen', 'identify', 'alias', 'group'),
  userId: fc.option(fc.constantFrom(...USERS), { nil: undefined, freq: 2 }),
  anonymousId: fc.option(fc.constantFrom(...ANONS), { nil: undefined, freq: 5 }),
  minutes: fc.oneof(
    fc.integer({ min: 0, max: 300 }),
    fc.integer({ min: 0, max: 20 }).map((k) => k * 5),
    fc.integer({ min: 0, max: 10 }).map((k) => k * 30),
    fc.integer({ min: 0, max: 5 }).map((k) => k * 60 + 24 * 60),
    // Ten days: gaps and caps of days (rulesArb).
    fc.integer({ min: 0, max: 14_400 }),
  ),
  jitterMs: fc.oneof(fc.constant(0), fc.integer({ min: -1, max: 1 }), fc.integer({ min: 0, max: 59_999 })),
  messageId: fc.oneof(
    { weight: 6, arbitrary: fc.constant<string | null>('own') },
    { weight: 2, arbitrary: fc.constantFrom<string | null>('dup-0', 'dup-1', 'dup-2') },
    { weight: 1, arbitrary: fc.constant<string | null>(null) },
  ),
  // Rule 7 lowercases a platform but does not trim it (' ios' is not ios), and one that is no string takes
  // the default gap.
  platform: fc.constantFrom<string | number | null>('ios', 'android', 'web', 'IOS', 'Web', ' ios', 5, null),
  path: fc.option(fc.constantFrom('/', '/a', '/b?utm_source=x', '/c?utm_campaign=y&utm_source='), {
    nil: null,
  }),
  title: fc.option(fc.constantFrom('A', 'B', ''), { nil: undefined }),
  contextPath: fc.option(fc.constantFrom('/ctx', '/ctx2'), { nil: undefined }),
  campaign: fc.option(
    fc.constantFrom({ source: 'news' }, { source: '', medium: 'email' }, { name: 'spring', term: 1 }),
    { nil: undefined },
  ),
  prop: fc.integer({ min: 0, max: 2 }),
});

type Draft = typeof draftArb extends fc.Arbitrary<infer T> ? T : never;

function toJson(draft: Draft, index: number): Record<string, unknown> {
  const ts = T0 + draft.minutes * MIN + draft.jitterMs;
  const object: Record<string, unknown> = {
    type: draft.type,
    timestamp: new Date(ts).toISOString(),
    properties: { prop: draft.prop },
    context: {},
  };
  if (draft.userId !== undefined) object.userId = draft.userId;
  if (draft.anonymousId !== undefined) object.anonymousId = draft.anonymousId;
  if (draft.userId === undefined && draft.anonymousId === undefined) object.anonymousId = 'a-1';
  if (draft.messageId === 'own') object.messageId = `m-${index}`;
  else if (draft.messageId !== null) object.messageId = draft.messageId;
  if (draft.type === 'track') object.event = `E${draft.prop}`;
  if (draft.type === 'page' || draft.type === 'screen') object.name = `P${draft.prop}`;
  const context = object.context as Record<string, unknown>;
  if (draft.platform !== null) context.device = { type: draft.platform };
  if (draft.path !== null) {
    (object.properties as Record<string, unknown>).url = `https://x.example${draft.path}`;
    (object.properties as Record<string, unknown>).path = draft.path;
  }
  if (draft.title !== undefined) (object.properties as Record<string, unknown>).title = draft.title;
  if (draft.contextPath !== undefined) context.page = { path: draft.contextPath, referrer: 'r' };
  if (draft.campaign !== undefined) context.campaign = draft.campaign;
  return object;
}

export const rulesArb: fc.Arbitrary<SessionRules> = fc.record({
  // A gap or cap of 0 splits at every later instant; one of days reaches across days and months.
  gapMinutes: fc.constantFrom(30, 20, 0.5, 0, 1440),
  gapMinutesByPlatform: fc.constantFrom<Record<string, number>>(
    {},
    { ios: 5 },
    { ios: 0, android: 45 },
    { web: 120 },
    { ' ios': 1, ios: 2880 },
  ),
  maxSessionMinutes: fc.constantFrom(undefined, 7.5, 60, 90, 0, 2000),
  identityStitching: fc.boolean(),
});

export interface Scenario {
  /** Every line written, each once (a line may be in several files). */
  lines: string[];
  /** Each file's lines. */
  files: string[][];
  /** The deliveries, by file index: every file once, some twice. */
  order: number[];
  /** Whether the deliveries run at once rather than one after another. */
  concurrent: boolean;
  /** The ingest's chunk, in events. */
  chunkEvents: number;
}

export const scenarioArb = (maxEvents = 40, maxFiles = 4): fc.Arbitrary<Scenario> =>
  fc.array(draftArb, { minLength: 1, maxLength: maxEvents }).chain((drafts) => {
    const lines = drafts.map((draft, index) => JSON.stringify(toJson(draft, index)));
    return fc
      .record({
        fileOf: fc.array(fc.integer({ min: 0, max: maxFiles - 1 }), {
          minLength: lines.length,
          maxLength: lines.length,
        }),
        // Some lines also in another file (exact copies).
        copies: fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: maxFiles - 1 })), { maxLength: 3 }),
        extra: fc.array(fc.integer({ min: 0, max: maxFiles - 1 }), { maxLength: 2 }),
        variants: fc.array(
          fc.tuple(fc.nat(), fc.integer({ min: 0, max: 7 }), fc.integer({ min: 0, max: maxFiles - 1 })),
          { maxLength: 6 },
        ),
        bots: fc.array(
          fc.tuple(
            fc.integer({ min: 0, max: 600 }),
            fc.integer({ min: 1, max: 12 }),
            fc.integer({ min: 1, max: 40 }),
            fc.constantFrom<string | null>('ios', 'web', null),
          ),
          { maxLength: 2 },
        ),
        concurrent: fc.boolean(),
        chunkEvents: fc.constantFrom(1_000_000, 3, 7),
      })
      .chain(({ fileOf, copies, extra, concurrent, chunkEvents, variants, bots }) => {
        const files: string[][] = Array.from({ length: maxFiles }, () => []);
        for (const [index, line] of lines.entries()) files[fileOf[index] ?? 0]?.push(line);
        for (const [line, file] of copies) files[file]?.push(lines[line % lines.length] as string);
        for (const [line, kind, file] of variants) {
          const object = JSON.parse(lines[line % lines.length] as string) as Record<string, unknown>;
          if (kind === 0) (object.properties as Record<string, unknown>).prop = 9;
          else if (kind === 1) delete object.userId;
          else if (kind === 2) object.anonymousId = 'a-9';
          else if (kind === 3)
            object.timestamp = new Date(Date.parse(String(object.timestamp)) + 1000).toISOString();
          else if (kind === 4)
            object.timestamp = new Date(Date.parse(String(object.timestamp)) - 60_000).toISOString();
          else if (kind === 5) object.userId = 'u-1';
          else if (kind === 6) object.type = object.type === 'alias' ? 'identify' : 'alias';
          else if (kind === 7) {
            object.type = 'alias';
            object.timestamp = new Date(Date.parse(String(object.timestamp)) - 1000).toISOString();
          }
          if (object.userId === undefined && object.anonymousId === undefined) object.anonymousId = 'a-1';
          files[file]?.push(JSON.stringify(object));
          lines.push(JSON.stringify(object));
        }
        for (const [start, step, count, platform] of bots) {
          for (let k = 0; k < count; k++) {
            const ts = T0 + start * MIN + k * step * MIN;
            const line = JSON.stringify({
              type: 'track',
              event: 'Ping',
              userId: 'bot',
              anonymousId: k % 7 === 3 ? 'a-2' : undefined,
              messageId: `bot-${start}-${step}-${k}`,
              timestamp: new Date(ts).toISOString(),
              context: platform === null ? {} : { device: { type: platform } },
            });
            lines.push(line);
            files[(k * 7 + start) % files.length]?.push(line);
          }
        }
        const deliveries = [...files.keys(), ...extra];
        return fc
          .shuffledSubarray(deliveries, { minLength: deliveries.length })
          .map((order) => ({ lines, files, order, concurrent, chunkEvents }));
      });
  });

export const fileName = (index: number) => `incoming/f-${index}.ndjson`;

/** A file's bytes: its lines as NDJSON. */
export function fileBytes(scenario: Scenario, index: number): Uint8Array {
  return bytesOf(`${(scenario.files[index] ?? []).join('\n')}\n`);
}

export async function batch(scenario: Scenario, rules: SessionRules): Promise<SessionSummary[]> {
  const result = await sessionizeInputs(
    scenario.files.map((_, index) => ({
      name: fileName(index),
      open: () => chunked(fileBytes(scenario, index), [1024]),
    })),
    { rules, inputFormat: 'auto', browserOf: () => null },
  );
  return result.sessions;
}

export function storeWriter(store: StoreUnderTest, options: { wholePartitionEvents?: number } = {}) {
  return new DynamoDbSessionWriter({
    transport: store.transport,
    rules: store.rules,
    pageLimitBytes: 600,
    ...options,
  });
}

/**
 * One delivery of `content` as the object `file`, put into `bucket` first so its copies can be read again; a file
 * of a given format (a case's `inputFormat`) is read as that format.
 */
export async function ingestBytes(
  store: StoreUnderTest,
  writer: DynamoDbSessionWriter,
  bucket: Map<string, Uint8Array>,
  file: string,
  content: Uint8Array,
  chunkEvents: number,
  {
    format = 'auto',
    concurrency = 4,
    browserOf = () => null,
  }: { format?: InputFormat; concurrency?: number; browserOf?: BrowserOf } = {},
): Promise<void> {
  bucket.set(file, content);
  await ingestObject({
    file,
    format,
    open: async () => chunked(content, [1024]),
    ...readingCopiesFrom(bucket),
    writer,
    identity: new DynamoDbStitchingWriter(writer),
    rules: store.rules,
    report: new MemoryReport(),
    browserOf,
    chunkEvents,
    concurrency,
  });
}

export async function ingestFile(
  store: StoreUnderTest,
  writer: DynamoDbSessionWriter,
  bucket: Map<string, Uint8Array>,
  scenario: Scenario,
  index: number,
): Promise<void> {
  const content = fileBytes(scenario, index);
  await ingestBytes(store, writer, bucket, fileName(index), content, scenario.chunkEvents);
}

/** Every delivery of the scenario, in its order, one after another or all at once. */
export async function deliverAll(
  store: StoreUnderTest,
  writer: DynamoDbSessionWriter,
  bucket: Map<string, Uint8Array>,
  scenario: Scenario,
): Promise<void> {
  if (scenario.concurrent) {
    await Promise.all(scenario.order.map((index) => ingestFile(store, writer, bucket, scenario, index)));
  } else {
    for (const index of scenario.order) await ingestFile(store, writer, bucket, scenario, index);
  }
}

export function everyoneOf(scenario: Scenario): string[] {
  const ids = new Set<string>();
  for (const line of scenario.lines) {
    const object = JSON.parse(line) as { userId?: unknown; anonymousId?: unknown };
    if (object.userId !== undefined) ids.add(String(object.userId).trim());
    if (object.anonymousId !== undefined) ids.add(String(object.anonymousId).trim());
  }
  return [...ids];
}

/** True when the copies of every messageId are within `minutes` of each other. */
export function closeCopies(scenario: Scenario, minutes: number): boolean {
  const spans = new Map<string, number[]>();
  for (const line of scenario.lines) {
    const object = JSON.parse(line) as { messageId?: string; timestamp: string };
    if (object.messageId === undefined) continue;
    const list = spans.get(object.messageId) ?? [];
    list.push(Date.parse(object.timestamp));
    spans.set(object.messageId, list);
  }
  return [...spans.values()].every((list) => Math.max(...list) - Math.min(...list) <= minutes * MIN);
}
