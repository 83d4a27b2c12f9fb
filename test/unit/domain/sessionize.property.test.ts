import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type EventRecord, normalizeEvent } from '../../../functions/domain/event.js';
import { type Rejection, readEvents } from '../../../functions/domain/read-events.js';
import { compareEvents, type Session, sessionize } from '../../../functions/domain/sessionize.js';
import { formatTimestamp } from '../../../functions/domain/timestamp.js';

const MINUTE = 60_000;
const GAP = 30 * MINUTE;
const T0 = Date.UTC(2024, 0, 1, 9, 0, 0);
const FILES = 5;

interface RawEvent {
  type: string;
  event?: string;
  name?: string;
  userId: string | number | null;
  anonymousId: string;
  timestamp: number;
  messageId?: string;
  properties: { n: number };
}

/** How one delivery writes an event: the same event may be written differently each time it is delivered. */
interface Occurrence {
  order: number;
  file: number;
  offsetForm: boolean;
  reverseKeys: boolean;
}

interface ExportFile {
  order: number;
  container: 'ndjson' | 'json-array';
  gzip: boolean;
  chunkSize: number;
}

// Timestamps sit on or next to multiples of the gap, so gaps of exactly the threshold, one ms either side,
// and ties are all common.
const timestampArb = fc
  .tuple(
    fc.integer({ min: 0, max: 8 }),
    fc.oneof(fc.constantFrom(-1, 0, 1), fc.integer({ min: -3 * MINUTE, max: 3 * MINUTE })),
  )
  .map(([slot, delta]) => T0 + slot * GAP + delta);

const rawEventArb: fc.Arbitrary<RawEvent> = fc
  .record({
    type: fc.constantFrom('track', 'page', 'identify'),
    label: fc.constantFrom('Clicked', 'Viewed'),
    // Blank, numeric and padded forms of the same users, so identity normalization is part of the property.
    userId: fc.constantFrom<string | number | null>('alice', ' alice ', 'bob', 42, '42', '', null),
    anonymousId: fc.constantFrom('anon-1', 'anon-2'),
    timestamp: timestampArb,
    // A small pool makes some messageIds collide with different content (conflicting duplicates).
    messageId: fc.option(
      fc.integer({ min: 1, max: 40 }).map((n) => `m-${n}`),
      { freq: 3 },
    ),
    n: fc.integer({ min: 0, max: 2 }),
  })
  .map(({ type, label, userId, anonymousId, timestamp, messageId, n }) => ({
    type,
    ...(type === 'track' && { event: label }),
    ...(type === 'page' && { name: label }),
    userId,
    anonymousId,
    timestamp,
    ...(messageId !== null && { messageId }),
    properties: { n },
  }));

const occurrenceArb: fc.Arbitrary<Occurrence> = fc.record({
  order: fc.nat(),
  file: fc.integer({ min: 0, max: FILES - 1 }),
  offsetForm: fc.boolean(),
  reverseKeys: fc.boolean(),
});

const fileArb: fc.Arbitrary<ExportFile> = fc.record({
  order: fc.nat(),
  container: fc.constantFrom('ndjson', 'json-array'),
  gzip: fc.boolean(),
  chunkSize: fc.integer({ min: 16, max: 4096 }),
});

interface Scenario {
  deliveries: { event: RawEvent; occurrences: Occurrence[] }[];
  files: ExportFile[];
}

const scenarioArb: fc.Arbitrary<Scenario> = fc.record({
  // Each event is delivered one to three times, each time to any file, in any position.
  deliveries: fc.array(
    fc.record({ event: rawEventArb, occurrences: fc.array(occurrenceArb, { minLength: 1, maxLength: 3 }) }),
    { maxLength: 40 },
  ),
  files: fc.array(fileArb, { minLength: FILES, maxLength: FILES }),
});

function serialize(raw: RawEvent, occurrence?: Occurrence): Record<string, unknown> {
  const timestamp = occurrence?.offsetForm
    ? `${formatTimestamp(raw.timestamp + 2 * 60 * MINUTE).slice(0, -1)}+02:00`
    : formatTimestamp(raw.timestamp);
  const value: Record<string, unknown> = { ...raw, timestamp };
  return occurrence?.reverseKeys ? Object.fromEntries(Object.entries(value).reverse()) : value;
}

function encode(values: readonly Record<string, unknown>[], file: ExportFile): Buffer {
  const text =
    file.container === 'ndjson'
      ? values.map((value) => JSON.stringify(value)).join('\n')
      : `[\n${values.map((value) => JSON.stringify(value, null, 2)).join(',\n')}\n]\n`;
  const bytes = Buffer.from(text, 'utf8');
  return file.gzip ? gzipSync(bytes) : bytes;
}

async function* chunks(bytes: Buffer, size: number): AsyncGenerator<Uint8Array> {
  for (let offset = 0; offset < bytes.length; offset += size) yield bytes.subarray(offset, offset + size);
}

/** The reference: every distinct event normalized once, in generation order. */
function reference(events: readonly RawEvent[]): EventRecord[] {
  return events.map((raw) => {
    const result = normalizeEvent(serialize(raw));
    if (!result.ok) throw new Error(`generator made an invalid event: ${result.reason}`);
    return result.record;
  });
}

/** Deliveries written into files and read back through the real reader, files in their own order. */
async function delivered(scenario: Scenario) {
  const occurrences = scenario.deliveries
    .flatMap(({ event, occurrences }) => occurrences.map((occurrence) => ({ event, occurrence })))
    .sort((a, b) => a.occurrence.order - b.occurrence.order);
  const fileOrder = scenario.files
    .map((file, number) => ({ file, number }))
    .sort((a, b) => a.file.order - b.file.order);
  const records: EventRecord[] = [];
  const rejections: Rejection[] = [];
  for (const { file, number } of fileOrder) {
    const values = occurrences
      .filter(({ occurrence }) => occurrence.file === number)
      .map(({ event, occurrence }) => serialize(event, occurrence));
    await readEvents(`file-${number}`, chunks(encode(values, file), file.chunkSize), {
      event: (record) => records.push(record),
      rejected: (rejection) => rejections.push(rejection),
    });
  }
  return { records, rejections };
}

function checkInvariants(sessions: readonly Session[], records: readonly EventRecord[], gapMs: number): void {
  const distinctIds = new Set(records.map((record) => record.id));
  const seen = new Set<string>();
  for (const session of sessions) {
    expect(session.eventCount).toBe(session.events.length);
    expect(session.startedAt).toBe(session.events[0]?.timestamp);
    expect(session.endedAt).toBe(session.events.at(-1)?.timestamp);
    session.events.forEach((event, i) => {
      expect(seen.has(event.id), `event ${event.id} in two sessions`).toBe(false);
      seen.add(event.id);
      expect(event.userId).toBe(session.userId);
      const previous = session.events[i - 1];
      if (previous === undefined) return;
      expect(compareEvents(previous, event)).toBeLessThan(0);
      expect(event.timestamp - previous.timestamp).toBeLessThanOrEqual(gapMs);
    });
  }
  expect(seen).toEqual(distinctIds);
  expect(sessions.reduce((sum, session) => sum + session.eventCount, 0)).toBe(distinctIds.size);

  sessions.forEach((session, i) => {
    const previous = sessions[i - 1];
    if (previous === undefined || previous.userId !== session.userId) {
      expect(session.sessionNumber).toBe(1);
      // Users come in code-unit order, each user's sessions together.
      if (previous !== undefined) expect(previous.userId < session.userId).toBe(true);
      return;
    }
    expect(session.sessionNumber).toBe(previous.sessionNumber + 1);
    expect(session.startedAt - previous.endedAt).toBeGreaterThan(gapMs);
  });
}

describe('sessionize (properties)', () => {
  it('gives the same sessions however events are shuffled, split over files, ordered and redelivered', async () => {
    await fc.assert(
      fc.asyncProperty(scenarioArb, async (scenario) => {
        const expected = sessionize(reference(scenario.deliveries.map(({ event }) => event)), GAP);

        const { records, rejections } = await delivered(scenario);

        expect(rejections).toEqual([]);
        expect(sessionize(records, GAP)).toEqual(expected);
      }),
      { numRuns: 150 },
    );
  });

  it('splits sessions exactly at gaps greater than the threshold, covering every event once', () => {
    fc.assert(
      fc.property(
        fc.array(rawEventArb, { maxLength: 60 }),
        fc.constantFrom(GAP, 5 * MINUTE, 1),
        (events, gapMs) => {
          const records = reference(events);

          const sessions = sessionize(records, gapMs);

          checkInvariants(sessions, records, gapMs);
        },
      ),
      { numRuns: 300 },
    );
  });
});
