/**
 * The export files the benchmark reads, generated once into bench/out/ and reused while their name
 * (which encodes every generator option and a hash of the generator's source) matches. Files are written under a temporary name and renamed
 * when complete, so an interrupted run never leaves a truncated file that looks cached.
 */
import { createHash } from 'node:crypto';
import { createWriteStream, readFileSync } from 'node:fs';
import { mkdir, rename, stat } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import { OUT_DIR } from './child.js';
import { type GeneratorOptions, generateEvents, type SegmentEvent } from './generator.js';
import { type ExportFormat, writeExport } from './write-export.js';

/** Changes whenever the generator's output may change, so a cached file never outlives its generator. */
const GENERATOR_HASH = createHash('sha256')
  .update(readFileSync(new URL('./generator.ts', import.meta.url)))
  .update(readFileSync(new URL('./write-export.ts', import.meta.url)))
  .digest('hex')
  .slice(0, 8);

const DAY_MS = 24 * 60 * 60 * 1000;
const DEFAULT_START_MS = Date.UTC(2024, 0, 1);

export interface ExportFile {
  path: string;
  /** Size on disk (gzip-compressed). */
  bytes: number;
  events: number;
}

async function cached(path: string): Promise<number | undefined> {
  try {
    return (await stat(path)).size;
  } catch {
    return undefined;
  }
}

/** A gzipped export of `options.events` generated events, cached under `name`. */
export async function ensureExport(
  name: string,
  format: ExportFormat,
  options: GeneratorOptions,
): Promise<ExportFile> {
  const path = resolve(OUT_DIR, `${name}-g${GENERATOR_HASH}.${format === 'ndjson' ? 'ndjson' : 'json'}.gz`);
  const bytes = await cached(path);
  if (bytes !== undefined) return { path, bytes, events: options.events };
  const partial = `${path}.partial`;
  const result = await writeExport(partial, { ...options, format, gzip: true });
  await rename(partial, path);
  return { path, bytes: result.bytes, events: result.events };
}

/** Throughput files: one per size and format, default generator options (one day, 40 events a user). */
export function throughputExport(events: number, format: ExportFormat, seed: number): Promise<ExportFile> {
  return ensureExport(`throughput-${events}-seed${seed}`, format, { events, seed });
}

async function writeNdjsonGz(path: string, events: Iterable<SegmentEvent>): Promise<ExportFile> {
  await mkdir(dirname(path), { recursive: true });
  let count = 0;
  function* chunks(): Generator<string> {
    let pending: string[] = [];
    for (const event of events) {
      pending.push(`${JSON.stringify(event)}\n`);
      count++;
      if (pending.length === 1000) {
        yield pending.join('');
        pending = [];
      }
    }
    if (pending.length > 0) yield pending.join('');
  }
  const partial = `${path}.partial`;
  await pipeline(Readable.from(chunks()), createGzip({ level: 6 }), createWriteStream(partial));
  await rename(partial, path);
  return { path, bytes: (await stat(path)).size, events: count };
}

export interface IngestExports {
  /** Day 1: `events` events of one day, minus the 1 % held back to arrive late. */
  day1: ExportFile;
  /** Day 2: the next day's `events` events (same identified users, new anonymous ones) plus day 1's late 1 %. */
  day2WithLate: ExportFile;
  lateEvents: number;
}

/** Every 101st event of day 1 is held back, so the day-1 file still holds `events` events. */
const HOLD_BACK_EVERY = 101;
/** Late events are spread through the day-2 file, one per this many day-2 events. */
const LATE_SPACING = 100;

/** The "daily export" pair for the ingest benchmark: day 1, then day 2 carrying day 1's late events. */
export async function ingestExports(events: number, seed: number): Promise<IngestExports> {
  const lateEvents = Math.floor(events / (HOLD_BACK_EVERY - 1));
  const day1Path = resolve(OUT_DIR, `ingest-day1-${events}-seed${seed}-g${GENERATOR_HASH}.ndjson.gz`);
  const day2Path = resolve(OUT_DIR, `ingest-day2-late-${events}-seed${seed}-g${GENERATOR_HASH}.ndjson.gz`);
  const day1Bytes = await cached(day1Path);
  const day2Bytes = await cached(day2Path);
  if (day1Bytes !== undefined && day2Bytes !== undefined) {
    return {
      day1: { path: day1Path, bytes: day1Bytes, events },
      day2WithLate: { path: day2Path, bytes: day2Bytes, events: events + lateEvents },
      lateEvents,
    };
  }
  const held: SegmentEvent[] = [];
  function* day1Events(): Generator<SegmentEvent> {
    let index = 0;
    for (const event of generateEvents({ events: events + lateEvents, seed, days: 1 })) {
      if (index++ % HOLD_BACK_EVERY === HOLD_BACK_EVERY - 1) held.push(event);
      else yield event;
    }
  }
  function* day2Events(): Generator<SegmentEvent> {
    let index = 0;
    // Another seed: new messageIds and anonymous visitors; identified users (user_NNNNNN) come back.
    for (const event of generateEvents({
      events,
      seed: seed + 1,
      days: 1,
      startMs: DEFAULT_START_MS + DAY_MS,
    })) {
      yield event;
      if (++index % LATE_SPACING === 0 && held.length > 0) yield held.shift() as SegmentEvent;
    }
    yield* held.splice(0);
  }
  const day1 = await writeNdjsonGz(day1Path, day1Events());
  const day2WithLate = await writeNdjsonGz(day2Path, day2Events());
  return { day1, day2WithLate, lateEvents };
}

/** One identified user with months of history: enough sessions for several 50-session pages. */
export async function heavyUserExport(seed: number): Promise<{ file: ExportFile; userId: string }> {
  const options = { events: 6_000, users: 1, days: 200, anonymousShare: 0, seed };
  const first = generateEvents(options).next().value as SegmentEvent;
  const file = await ensureExport(
    `api-user-${options.events}-days${options.days}-seed${seed}`,
    'ndjson',
    options,
  );
  // A numeric userId is stored as its decimal string.
  return { file, userId: String(first.userId) };
}
