/**
 * The export files the benchmark reads, generated once into bench/out/ and reused while their name (which
 * encodes the options and a hash of the generator's source) matches. Files are written under a temporary
 * name and renamed when complete, so an interrupted run never leaves a truncated file that looks cached.
 */

import { createHash } from 'node:crypto';
import { createWriteStream, readdirSync, readFileSync } from 'node:fs';
import { mkdir, rename, stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import { sessionIdFor } from '../functions/domain/sessions/session.js';
import { generateEvents, type SegmentEvent } from './generator/generate.js';
import { generateIssueEvents } from './issue-generator.js';
import { OUT_DIR } from './processes.js';
import type { FileKind } from './report-model.js';
import { batched } from './write-export.js';

/** Changes whenever a generator's output may change, so a cached file never outlives its generator. */
function sourceHash(...files: string[]): string {
  const hash = createHash('sha256');
  for (const file of files) hash.update(readFileSync(new URL(file, import.meta.url)));
  return hash.digest('hex').slice(0, 8);
}

const GENERATOR_FILES = readdirSync(new URL('./generator/', import.meta.url))
  .filter((name) => name.endsWith('.ts'))
  .sort()
  .map((name) => `./generator/${name}`);
const GENERATOR_HASH = sourceHash(...GENERATOR_FILES, './exports.ts');
const ISSUE_HASH = sourceHash('./issue-generator.ts', './exports.ts');

const DAY_MS = 24 * 60 * 60 * 1000;
const DEFAULT_START_MS = Date.UTC(2024, 0, 1);

export interface ExportFile {
  path: string;
  /** Size on disk (gzip-compressed). */
  bytes: number;
  events: number;
}

async function cachedSize(path: string): Promise<number | undefined> {
  try {
    return (await stat(path)).size;
  } catch {
    return undefined;
  }
}

function* counted(lines: Iterable<string>, counter: { lines: number }): Generator<string> {
  for (const line of lines) {
    counter.lines++;
    yield `${line}\n`;
  }
}

/** The file at `name` in bench/out, written from `lines` (gzip level 6) unless already there. */
async function ndjsonGz(name: string, events: number, lines: () => Iterable<string>): Promise<ExportFile> {
  const path = resolve(OUT_DIR, name);
  const bytes = await cachedSize(path);
  if (bytes !== undefined) return { path, bytes, events };
  await mkdir(OUT_DIR, { recursive: true });
  const partial = `${path}.partial`;
  const counter = { lines: 0 };
  await pipeline(
    Readable.from(batched(counted(lines(), counter))),
    createGzip({ level: 6 }),
    createWriteStream(partial),
  );
  if (counter.lines !== events) throw new Error(`${name}: generated ${counter.lines} events, not ${events}`);
  await rename(partial, path);
  return { path, bytes: (await stat(path)).size, events };
}

function* jsonLines(events: Iterable<SegmentEvent>): Generator<string> {
  for (const event of events) yield JSON.stringify(event);
}

/** The issue's kind of file: compact events, ~50 a user, seed 42 like the issue's. */
export function issueExport(events: number): Promise<ExportFile> {
  return ndjsonGz(`issue-${events}-g${ISSUE_HASH}.ndjson.gz`, events, () => generateIssueEvents({ events }));
}

/** The user of {@link botExport}'s file, and its one session. */
export const BOT_USER_ID = 'bot-1';
export const BOT_SESSION_ID = sessionIdFor(DEFAULT_START_MS);

/** One user's `events`, a track a minute with a page every tenth: one session, as a bot makes without a cap. */
export function botExport(events: number): Promise<ExportFile> {
  const start = DEFAULT_START_MS;
  return ndjsonGz(`bot-${events}-g${ISSUE_HASH}.ndjson.gz`, events, function* () {
    for (let n = 0; n < events; n++) {
      const timestamp = new Date(start + n * 60_000).toISOString();
      const page = n % 10 === 0;
      yield JSON.stringify({
        type: page ? 'page' : 'track',
        ...(page
          ? { name: 'Status', properties: { url: 'https://app.example/status', path: '/status' } }
          : { event: 'Heartbeat' }),
        userId: BOT_USER_ID,
        messageId: `${BOT_USER_ID}-${n}`,
        timestamp,
        context: { library: { name: 'monitor', version: '1.0.0' } },
      });
    }
  });
}

/** The benchmark's own realistic file: the generator's default event shape, one day, ~40 events a user. */
export function realisticExport(events: number, seed: number): Promise<ExportFile> {
  return ndjsonGz(`realistic-${events}-seed${seed}-g${GENERATOR_HASH}.ndjson.gz`, events, () =>
    jsonLines(generateEvents({ events, seed })),
  );
}

/** The file of a kind the CLI is measured on. */
export function exportOf(kind: FileKind, events: number, seed: number): Promise<ExportFile> {
  switch (kind) {
    case 'issue':
      return issueExport(events);
    case 'realistic':
      return realisticExport(events, seed);
    case 'bot':
      return botExport(events);
  }
}

export interface DailyExports {
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

/** The daily export pair: day 1, then day 2 carrying the events held back from day 1. */
export async function dailyExports(events: number, seed: number): Promise<DailyExports> {
  const lateEvents = Math.floor(events / (HOLD_BACK_EVERY - 1));
  const day1Source = () => generateEvents({ events: events + lateEvents, seed, days: 1 });
  const heldBack = (index: number) => index % HOLD_BACK_EVERY === HOLD_BACK_EVERY - 1;
  function* day1Events(): Generator<SegmentEvent> {
    let index = 0;
    for (const event of day1Source()) if (!heldBack(index++)) yield event;
  }
  function* day2Events(): Generator<SegmentEvent> {
    const held: SegmentEvent[] = [];
    let index = 0;
    for (const event of day1Source()) if (heldBack(index++)) held.push(event);
    index = 0;
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
  const name = (day: string) => `daily-${day}-${events}-seed${seed}-g${GENERATOR_HASH}.ndjson.gz`;
  const day1 = await ndjsonGz(name('1'), events, () => jsonLines(day1Events()));
  const day2WithLate = await ndjsonGz(name('2-late'), events + lateEvents, () => jsonLines(day2Events()));
  return { day1, day2WithLate, lateEvents };
}

/** One identified user with a long history: about `sessions` sessions over `days` days, ~20 events each. */
export async function longHistoryExport(
  sessions: number,
  days: number,
  seed: number,
): Promise<{ file: ExportFile; userId: string }> {
  const options = {
    events: sessions * 20,
    users: 1,
    days,
    sessionsPerDay: sessions / days,
    anonymousShare: 0,
    seed,
  };
  const first = generateEvents(options).next().value as SegmentEvent;
  const file = await ndjsonGz(
    `long-history-${sessions}-days${days}-seed${seed}-g${GENERATOR_HASH}.ndjson.gz`,
    options.events,
    () => jsonLines(generateEvents(options)),
  );
  // A numeric userId is stored as its decimal string.
  return { file, userId: String(first.userId) };
}
