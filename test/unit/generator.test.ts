import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type GeneratorOptions, generateEvents, type SegmentEvent } from '../../bench/generator/generate.js';
import { generateIssueEvents } from '../../bench/issue-generator.js';
import { writeExport } from '../../bench/write-export.js';

const MINUTE = 60_000;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const ISO_MS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}(Z|[+-]\d{2}:\d{2})$/;
const ISO_MS_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

function serialize(options: GeneratorOptions): string[] {
  return Array.from(generateEvents(options), (event) => JSON.stringify(event));
}

function timeOf(event: SegmentEvent): number {
  return Date.parse(event.timestamp as string);
}

const EVENT_TYPES = new Set(['track', 'page', 'screen', 'identify', 'group', 'alias']);

function isText(value: unknown): boolean {
  return typeof value === 'string' && value.length > 0;
}

function isObject(value: unknown): boolean {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** What a Segment consumer would find missing or malformed; collected rather than asserted per field to stay fast. */
function segmentProblems(event: SegmentEvent): string[] {
  const problems: string[] = [];
  const type = event.type as string;
  if (!EVENT_TYPES.has(type)) problems.push(`type ${type}`);
  if (typeof event.anonymousId !== 'string' || !UUID.test(event.anonymousId)) problems.push('anonymousId');
  if (!(event.userId === null || isText(event.userId) || typeof event.userId === 'number'))
    problems.push('userId');
  if (event.messageId !== undefined && !UUID.test(String(event.messageId))) problems.push('messageId');
  for (const field of ['timestamp', 'originalTimestamp', 'sentAt']) {
    const value = String(event[field]);
    if (!ISO_MS.test(value) || Number.isNaN(Date.parse(value))) problems.push(`${field} ${value}`);
  }
  const receivedAt = String(event.receivedAt);
  if (!ISO_MS_UTC.test(receivedAt) || Date.parse(receivedAt) < timeOf(event)) {
    problems.push(`receivedAt ${receivedAt}`);
  }
  const context = (event.context ?? {}) as Record<string, Record<string, unknown>>;
  if (!isText(context.library?.name) || !isText(context.library?.version)) problems.push('context.library');
  for (const field of ['ip', 'userAgent', 'locale']) {
    if (!isText(context[field])) problems.push(`context.${field}`);
  }
  if (type === 'track' && !isText(event.event)) problems.push('event');
  if ((type === 'page' || type === 'screen') && !isText(event.name)) problems.push('name');
  if ((type === 'track' || type === 'page' || type === 'screen') && !isObject(event.properties)) {
    problems.push('properties');
  }
  if ((type === 'identify' || type === 'group') && !isObject(event.traits)) problems.push('traits');
  if (type === 'group' && !isText(event.groupId)) problems.push('groupId');
  if (type === 'alias' && !isText(event.previousId)) problems.push('previousId');
  return problems;
}

interface FileAnalysis {
  events: SegmentEvent[];
  duplicates: number;
  duplicatesIdenticalToOriginal: boolean;
  withoutMessageId: number;
  originals: SegmentEvent[];
  /** Originals whose timestamp is older than one emitted before them. */
  lateIndexes: number[];
  usersByAnonymousId: Map<string, { userId: unknown; times: number[] }>;
}

/** Classifies a generated file the way a consumer would see it: by messageId and by time order. */
function analyse(events: SegmentEvent[]): FileAnalysis {
  const firstSerialization = new Map<string, string>();
  const originals: SegmentEvent[] = [];
  const lateIndexes: number[] = [];
  const usersByAnonymousId = new Map<string, { userId: unknown; times: number[] }>();
  let duplicates = 0;
  let duplicatesIdenticalToOriginal = true;
  let withoutMessageId = 0;
  let newest = Number.NEGATIVE_INFINITY;
  for (const event of events) {
    const messageId = event.messageId;
    if (typeof messageId === 'string') {
      const earlier = firstSerialization.get(messageId);
      if (earlier !== undefined) {
        duplicates++;
        if (earlier !== JSON.stringify(event)) duplicatesIdenticalToOriginal = false;
        continue;
      }
      firstSerialization.set(messageId, JSON.stringify(event));
    } else {
      withoutMessageId++;
    }
    const time = timeOf(event);
    if (time < newest) lateIndexes.push(originals.length);
    else newest = time;
    originals.push(event);
    const anonymousId = event.anonymousId as string;
    const user = usersByAnonymousId.get(anonymousId) ?? { userId: event.userId, times: [] };
    user.times.push(time);
    usersByAnonymousId.set(anonymousId, user);
  }
  return {
    events,
    duplicates,
    duplicatesIdenticalToOriginal,
    withoutMessageId,
    originals,
    lateIndexes,
    usersByAnonymousId,
  };
}

function share(count: number, total: number): number {
  return count / total;
}

describe('generateEvents', () => {
  it('is deterministic for a seed and differs between seeds', () => {
    const first = serialize({ events: 3_000, seed: 7 });
    expect(serialize({ events: 3_000, seed: 7 })).toEqual(first);
    const other = serialize({ events: 3_000, seed: 8 });
    expect(other).not.toEqual(first);
    expect(new Set(other).size).toBeGreaterThan(0);
    expect(other.filter((line, index) => line === first[index]).length).toBe(0);
  });

  it.each([
    { events: 0 },
    { events: 1 },
    { events: 2 },
    { events: 17 },
    { events: 4_321, days: 3 },
    { events: 10, users: 100 },
    { events: 10, duplicateShare: 1 },
    { events: 500, lateShare: 1, noMessageIdShare: 1 },
    { events: 1_000, days: 0.25 },
  ])('yields exactly the requested number of events: %o', (options) => {
    let count = 0;
    for (const _ of generateEvents(options)) count++;
    expect(count).toBe(options.events);
  });

  it('rejects impossible options', () => {
    expect(() => generateEvents({ events: -1 }).next()).toThrow(RangeError);
    expect(() => generateEvents({ events: 1.5 }).next()).toThrow(RangeError);
    expect(() => generateEvents({ events: 10, lateShare: 2 }).next()).toThrow(RangeError);
    expect(() => generateEvents({ events: 10, users: 0 }).next()).toThrow(RangeError);
    expect(() => generateEvents({ events: 10, days: 0 }).next()).toThrow(RangeError);
  });

  describe('with default shares on 20k events', () => {
    const total = 20_000;
    let file: FileAnalysis;
    beforeAll(() => {
      file = analyse(Array.from(generateEvents({ events: total, seed: 42 })));
    });

    it('re-emits about 0.5 % of events as exact duplicates', () => {
      expect(share(file.duplicates, total)).toBeCloseTo(0.005, 3);
      expect(file.duplicatesIdenticalToOriginal).toBe(true);
    });

    it('leaves about 0.2 % of events without a messageId', () => {
      expect(share(file.withoutMessageId, total)).toBeCloseTo(0.002, 3);
    });

    it('emits about 1 % of events late, far from where their timestamp belongs', () => {
      expect(share(file.lateIndexes.length, file.originals.length)).toBeCloseTo(0.01, 2);
      const lateSet = new Set(file.lateIndexes);
      const onTimeTimes = file.originals.filter((_, index) => !lateSet.has(index)).map(timeOf);
      const displacements = file.lateIndexes.map((index) => {
        const time = timeOf(file.originals[index] as SegmentEvent);
        const belongsAt = onTimeTimes.findIndex((onTime) => onTime > time);
        return index - belongsAt;
      });
      displacements.sort((a, b) => a - b);
      expect(displacements[Math.floor(displacements.length / 2)]).toBeGreaterThan(100);
    });

    it('keeps everything else in time order', () => {
      const lateSet = new Set(file.lateIndexes);
      const onTime = file.originals.filter((_, index) => !lateSet.has(index)).map(timeOf);
      expect(onTime.every((time, index) => index === 0 || time >= (onTime[index - 1] as number))).toBe(true);
    });

    it('has events / 40 users, about 15 % of them anonymous-only, a few with numeric ids', () => {
      const users = [...file.usersByAnonymousId.values()];
      expect(users.length).toBe(total / 40);
      const anonymous = users.filter((user) => user.userId === null).length;
      expect(share(anonymous, users.length)).toBeCloseTo(0.15, 2);
      const numeric = users.filter((user) => typeof user.userId === 'number').length;
      expect(numeric).toBeGreaterThan(0);
      expect(share(numeric, users.length)).toBeLessThan(0.1);
      const switchingIdentity = file.originals.filter(
        (event) => file.usersByAnonymousId.get(event.anonymousId as string)?.userId !== event.userId,
      );
      expect(switchingIdentity).toEqual([]);
    });

    it('mixes event types like a real web property', () => {
      const counts = new Map<string, number>();
      for (const event of file.originals) {
        counts.set(event.type as string, (counts.get(event.type as string) ?? 0) + 1);
      }
      const typeShare = (type: string) => share(counts.get(type) ?? 0, file.originals.length);
      expect(typeShare('track')).toBeGreaterThan(0.6);
      expect(typeShare('page')).toBeGreaterThan(0.15);
      expect(typeShare('page')).toBeLessThan(0.25);
      expect(typeShare('identify')).toBeGreaterThan(0.005);
      expect(typeShare('identify')).toBeLessThan(0.05);
      for (const rare of ['screen', 'group', 'alias']) {
        expect(typeShare(rare)).toBeGreaterThan(0);
        expect(typeShare(rare)).toBeLessThan(0.03);
      }
      const trackNames = new Set(
        file.originals.filter((event) => event.type === 'track').map((e) => e.event),
      );
      expect(trackNames.size).toBeGreaterThan(15);
    });

    it('puts a small share of timestamps in +02:00', () => {
      const offset = file.originals.filter((event) => (event.timestamp as string).endsWith('+02:00')).length;
      expect(offset).toBeGreaterThan(0);
      expect(share(offset, file.originals.length)).toBeLessThan(0.1);
    });

    it('groups each user into sessions: gaps under 25 min inside, over 30 min between', () => {
      const sessionSizes: number[] = [];
      let ambiguousGaps = 0;
      for (const user of file.usersByAnonymousId.values()) {
        const times = [...user.times].sort((a, b) => a - b);
        let size = 1;
        for (let index = 1; index < times.length; index++) {
          const gap = (times[index] as number) - (times[index - 1] as number);
          if (gap > 25 * MINUTE && gap <= 30 * MINUTE) ambiguousGaps++;
          if (gap > 30 * MINUTE) {
            sessionSizes.push(size);
            size = 1;
          } else {
            size++;
          }
        }
        sessionSizes.push(size);
      }
      expect(ambiguousGaps).toBe(0);
      const mean = file.originals.length / sessionSizes.length;
      expect(mean).toBeGreaterThan(12);
      expect(mean).toBeLessThan(35);
      expect(Math.max(...sessionSizes)).toBeGreaterThan(100);
      expect(share(sessionSizes.length, file.usersByAnonymousId.size)).toBeGreaterThan(1.2);
    });

    it('serializes to roughly the size of real Segment events', () => {
      const bytes = file.events.reduce((sum, event) => sum + Buffer.byteLength(JSON.stringify(event)), 0);
      expect(bytes / total).toBeGreaterThan(500);
      expect(bytes / total).toBeLessThan(750);
    });
  });

  it('honours non-default shares', () => {
    const total = 20_000;
    const file = analyse(
      Array.from(
        generateEvents({
          events: total,
          seed: 3,
          users: 200,
          anonymousShare: 0.5,
          lateShare: 0.05,
          duplicateShare: 0.02,
          noMessageIdShare: 0.01,
          days: 2,
        }),
      ),
    );
    expect(share(file.duplicates, total)).toBeCloseTo(0.02, 2);
    expect(share(file.withoutMessageId, total)).toBeCloseTo(0.01, 2);
    expect(share(file.lateIndexes.length, file.originals.length)).toBeCloseTo(0.05, 2);
    const users = [...file.usersByAnonymousId.values()];
    expect(users.length).toBe(200);
    expect(share(users.filter((user) => user.userId === null).length, users.length)).toBeCloseTo(0.5, 1);
    const times = file.originals.map(timeOf);
    expect(Math.max(...times) - Math.min(...times)).toBeGreaterThan(36 * 60 * MINUTE);
  });

  it('spreads a user over about sessionsPerDay × days sessions', () => {
    const times = Array.from(
      generateEvents({ events: 6_000, users: 1, days: 100, sessionsPerDay: 3, anonymousShare: 0, seed: 4 }),
      timeOf,
    ).sort((a, b) => a - b);
    const sessions =
      1 +
      times.filter((time, index) => index > 0 && time - (times[index - 1] as number) > 30 * MINUTE).length;
    expect(sessions).toBeGreaterThan(250);
    expect(sessions).toBeLessThan(350);
    expect(() => generateEvents({ events: 10, sessionsPerDay: 0 }).next()).toThrow(RangeError);
    expect(() => generateEvents({ events: 10, sessionsPerDay: 13 }).next()).toThrow(RangeError);
  });

  it('streams 200k events without holding them', () => {
    let count = 0;
    for (const event of generateEvents({ events: 200_000, seed: 11 })) {
      if (event.type !== undefined) count++;
    }
    expect(count).toBe(200_000);
  });
});

describe('generateIssueEvents', () => {
  const sha256 = (lines: Iterable<string>) => {
    const hash = createHash('sha256');
    for (const line of lines) hash.update(`${line}\n`);
    return hash.digest('hex');
  };

  it("yields the issue generator's files byte for byte", () => {
    // Digests of that generator's NDJSON for 2,000 events (seed 42, 40 users) and 3,000 (seed 7, 10 users).
    expect(sha256(generateIssueEvents({ events: 2_000 }))).toBe(
      'eb8a577e3934113c6b94142ce30ead19edc90565c02587372513b04fab6d80a0',
    );
    expect(sha256(generateIssueEvents({ events: 3_000, seed: 7, users: 10 }))).toBe(
      '076c6f25c4471ee1d9bb13d20d121a796bce45291db4c69b6195df9ebfce0d55',
    );
  });

  it('writes compact events, 50 a user, ~70 % identified, in time order with unique messageIds', () => {
    const events = Array.from(generateIssueEvents({ events: 20_000 }), (line) => ({
      bytes: Buffer.byteLength(line) + 1,
      event: JSON.parse(line) as SegmentEvent,
    }));
    expect(events).toHaveLength(20_000);
    const meanBytes = events.reduce((sum, { bytes }) => sum + bytes, 0) / events.length;
    expect(meanBytes).toBeGreaterThan(330);
    expect(meanBytes).toBeLessThan(380);
    const times = events.map(({ event }) => timeOf(event));
    expect(times.every((time, index) => index === 0 || time >= (times[index - 1] as number))).toBe(true);
    expect(new Set(events.map(({ event }) => event.messageId)).size).toBe(20_000);
    const identified = new Set(events.flatMap(({ event }) => (event.userId === null ? [] : [event.userId])));
    const anonymous = new Set(
      events.flatMap(({ event }) => (event.userId === null ? [event.anonymousId] : [])),
    );
    expect(identified.size + anonymous.size).toBe(400);
    expect(share(identified.size, 400)).toBeCloseTo(0.7, 1);
  });

  it('rejects impossible options', () => {
    expect(() => generateIssueEvents({ events: -1 }).next()).toThrow(RangeError);
    expect(() => generateIssueEvents({ events: 10, users: 0 }).next()).toThrow(RangeError);
  });
});

describe('writeExport', () => {
  let directory: string;
  beforeAll(async () => {
    directory = await mkdtemp(join(tmpdir(), 'sessionizer-generator-'));
  });
  afterAll(async () => {
    await rm(directory, { recursive: true, force: true });
  });

  async function readLines(path: string): Promise<string[]> {
    const text = gunzipSync(await readFile(path)).toString('utf8');
    expect(text.endsWith('\n')).toBe(true);
    return text.slice(0, -1).split('\n');
  }

  it('writes events that parse as JSON with the Segment fields and valid timestamps', async () => {
    const path = join(directory, 'fields.ndjson.gz');
    const result = await writeExport(path, { events: 2_000, seed: 5, format: 'ndjson', gzip: true });
    expect(result.events).toBe(2_000);
    const lines = await readLines(path);
    expect(lines).toHaveLength(2_000);
    const problems = lines.flatMap((line, index) =>
      segmentProblems(JSON.parse(line) as SegmentEvent).map((problem) => `line ${index + 1}: ${problem}`),
    );
    expect(problems).toEqual([]);
  });

  it('holds the same events in JSON-array and NDJSON form, byte-identical across runs', async () => {
    const options = { events: 3_000, seed: 9 };
    const ndjsonPath = join(directory, 'same.ndjson.gz');
    const arrayPath = join(directory, 'same.json.gz');
    const again = join(directory, 'again.ndjson.gz');
    const ndjson = await writeExport(ndjsonPath, { ...options, format: 'ndjson', gzip: true });
    const array = await writeExport(arrayPath, { ...options, format: 'json-array', gzip: true });
    await writeExport(again, { ...options, format: 'ndjson', gzip: true });
    expect(ndjson.events).toBe(3_000);
    expect(array.events).toBe(3_000);
    expect(ndjson.bytes).toBe((await readFile(ndjsonPath)).length);

    const fromLines = (await readLines(ndjsonPath)).map((line) => JSON.parse(line) as unknown);
    const fromArray = JSON.parse(gunzipSync(await readFile(arrayPath)).toString('utf8')) as unknown[];
    expect(fromArray).toEqual(fromLines);
    expect(fromLines).toEqual(
      Array.from(generateEvents(options), (event) => JSON.parse(JSON.stringify(event))),
    );
    expect((await readFile(again)).equals(await readFile(ndjsonPath))).toBe(true);
  });

  it('writes plain files and an empty JSON array', async () => {
    const emptyPath = join(directory, 'empty.json');
    const empty = await writeExport(emptyPath, { events: 0, format: 'json-array', gzip: false });
    expect(JSON.parse(await readFile(emptyPath, 'utf8'))).toEqual([]);
    expect(empty).toEqual({ path: emptyPath, bytes: 3, events: 0 });

    const plainPath = join(directory, 'plain.ndjson');
    const plain = await writeExport(plainPath, { events: 50, format: 'ndjson', gzip: false });
    const text = await readFile(plainPath, 'utf8');
    expect(text.trimEnd().split('\n')).toHaveLength(50);
    expect(plain.bytes).toBe(Buffer.byteLength(text));
  });
});
